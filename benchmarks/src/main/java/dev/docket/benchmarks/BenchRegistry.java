package dev.docket.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake registry site for the Playwright benchmark, served by the JDK {@link HttpServer} on
 * 127.0.0.1 (a free port): {@code GET /search} opens a session (cookie) and shows the search form
 * (a register select, a number input, a submit button); {@code POST /search} redirects (303) to the
 * result page, which links to {@code /doc/<number>.pdf}; the document (a 20-30 KB PDF) needs the
 * session cookie. Numbers starting with {@code missing} show a "no result" marker. Thread-safe.
 */
public final class BenchRegistry implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "bench-registry");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong documents = new AtomicLong();
    private final AtomicLong newSessions = new AtomicLong();

    public BenchRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code 127.0.0.1:port}, the allow-list entry for this site. */
    public String hostAndPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public String base() {
        return "http://" + hostAndPort();
    }

    /** Documents served so far. */
    public long documentsServed() {
        return documents.get();
    }

    /** Sessions opened so far (one per browser context that searched). */
    public long sessionsOpened() {
        return newSessions.get();
    }

    /** The bytes of document {@code number}: a PDF header, then 20-30 KB derived from the number. */
    public static byte[] documentBytes(String number) {
        Random random = new Random(number.hashCode());
        byte[] header = ("%PDF-1.4\n% document " + number + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[header.length + 20_000 + random.nextInt(10_000)];
        System.arraycopy(header, 0, bytes, 0, header.length);
        for (int i = header.length; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String sid = cookie(ex, "sid");
            if (path.equals("/search") && ex.getRequestMethod().equals("GET")) {
                if (sid == null || !sessions.contains(sid)) {
                    sid = UUID.randomUUID().toString();
                    sessions.add(sid);
                    newSessions.incrementAndGet();
                    ex.getResponseHeaders().add("Set-Cookie", "sid=" + sid + "; Path=/; HttpOnly");
                }
                html(ex, 200, "<h1>Registry search</h1><form method='post' action='/search'>"
                        + "<select id='source' name='source'><option value='reg-a'>A</option>"
                        + "<option value='reg-b'>B</option></select>"
                        + "<input id='number' name='number'><button id='go' type='submit'>Search</button></form>");
            } else if (path.equals("/search")) {
                Map<String, String> form = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                if (sid == null) {
                    html(ex, 403, "no session");
                    return;
                }
                ex.getResponseHeaders().add("Location", "/results?source=" + enc(form.get("source")) + "&number="
                        + enc(form.get("number")));
                ex.sendResponseHeaders(303, -1);
            } else if (path.equals("/results")) {
                String n = form(ex.getRequestURI().getRawQuery()).getOrDefault("number", "");
                if (n.startsWith("missing")) {
                    html(ex, 200, "<p class='none'>No document " + n + "</p>");
                } else {
                    html(ex, 200, "<h1>Result</h1><a class='doc' href='/doc/" + enc(n) + ".pdf'>Document " + n + "</a>");
                }
            } else if (path.startsWith("/doc/")) {
                if (sid == null || !sessions.contains(sid)) {
                    html(ex, 403, "no session");
                    return;
                }
                String n = path.substring("/doc/".length(), path.length() - ".pdf".length());
                byte[] body = documentBytes(n);
                ex.getResponseHeaders().set("Content-Type", "application/pdf");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
                documents.incrementAndGet();
            } else {
                html(ex, 404, "not found");
            }
        }
    }

    private static String cookie(HttpExchange ex, String name) {
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String part : header.split(";")) {
                String[] kv = part.trim().split("=", 2);
                if (kv.length == 2 && kv[0].equals(name)) {
                    return kv[1];
                }
            }
        }
        return null;
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> out = new HashMap<>();
        if (encoded == null) {
            return out;
        }
        for (String pair : encoded.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    private static void html(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = ("<!doctype html><html><body>" + body + "</body></html>").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
