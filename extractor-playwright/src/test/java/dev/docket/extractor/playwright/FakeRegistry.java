package dev.docket.extractor.playwright;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A fake registry web site on 127.0.0.1 (a free port): a search form that posts and redirects (303) to a result
 * page, which links to the document or says it was not found. Sessions are cookies; the document needs one.
 *
 * <p>Numbers select behaviour: {@code missing-*} not found, {@code big-*} a 2 MiB document with a declared length,
 * {@code chunked-*} the same without one, {@code html-*} an HTML "document", {@code away-*} a link to
 * {@code evil.invalid}, {@code click-*} a link without href whose click downloads the document (an attachment);
 * anything else a PDF whose bytes are {@link #documentBytes(String)}.
 */
final class FakeRegistry implements AutoCloseable {
    static final int BIG_SIZE = 2 * 1024 * 1024;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-registry");
        t.setDaemon(true);
        return t;
    });
    final Set<String> sessions = ConcurrentHashMap.newKeySet();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final CountDownLatch slowRequested = new CountDownLatch(1);
    final CountDownLatch releaseSlow = new CountDownLatch(1);

    FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code 127.0.0.1:port}, as the allow-list entry for this site. */
    String hostAndPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    String base() {
        return "http://" + hostAndPort();
    }

    /** The bytes of document {@code number}: a PDF header, then 20-30 KB derived from the number. */
    static byte[] documentBytes(String number) {
        Random random = new Random(number.hashCode());
        byte[] header = ("%PDF-1.4\n% document " + number + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[header.length + 20_000 + random.nextInt(10_000)];
        System.arraycopy(header, 0, bytes, 0, header.length);
        for (int i = header.length; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    /** A search flow for this site. */
    FormSearchFlow.Builder searchFlow() {
        return FormSearchFlow.builder()
                .startUrl(base() + "/search")
                .sourceField("#source")
                .numberField("#number")
                .submit("#go")
                .resultLink("a.doc")
                .notFound(".none")
                .expectedContentTypes("application/pdf");
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            String sid = cookie(ex, "sid");
            if (path.equals("/search") && ex.getRequestMethod().equals("GET")) {
                if (sid == null) {
                    sid = UUID.randomUUID().toString();
                    sessions.add(sid);
                    ex.getResponseHeaders().add("Set-Cookie", "sid=" + sid + "; Path=/; HttpOnly");
                }
                html(ex, 200, "<form method='post' action='/search'>"
                        + "<select id='source' name='source'><option value='reg-a'>A</option><option value='reg-b'>B</option></select>"
                        + "<input id='number' name='number'><button id='go' type='submit'>Search</button></form>");
            } else if (path.equals("/search")) {
                Map<String, String> form = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                if (sid == null) {
                    html(ex, 403, "no session");
                    return;
                }
                ex.getResponseHeaders().add("Location", "/results?source=" + enc(form.get("source")) + "&number=" + enc(form.get("number")));
                ex.sendResponseHeaders(303, -1);
            } else if (path.equals("/results")) {
                String n = form(ex.getRequestURI().getRawQuery()).getOrDefault("number", "");
                if (n.startsWith("missing")) {
                    html(ex, 200, "<p class='none'>No document " + n + "</p>");
                } else if (n.startsWith("big")) {
                    html(ex, 200, "<a class='doc' href='/big/" + n + ".pdf'>doc</a>");
                } else if (n.startsWith("chunked")) {
                    html(ex, 200, "<a class='doc' href='/chunked/" + n + ".pdf'>doc</a>");
                } else if (n.startsWith("html")) {
                    html(ex, 200, "<a class='doc' href='/html/" + n + "'>doc</a>");
                } else if (n.startsWith("click")) {
                    html(ex, 200, "<a class='doc' onclick=\"location.href='/attach/" + enc(n) + ".pdf'\">Document " + n + "</a>");
                } else if (n.startsWith("away")) {
                    html(ex, 200, "<a class='doc' href='http://evil.invalid/" + n + ".pdf'>doc</a>");
                } else {
                    html(ex, 200, "<h1>Result</h1><a class='doc' href='/doc/" + enc(n) + ".pdf'>Document " + n + "</a>");
                }
            } else if (path.startsWith("/doc/")) {
                if (sid == null || !sessions.contains(sid)) {
                    html(ex, 403, "no session");
                    return;
                }
                String n = path.substring("/doc/".length(), path.length() - ".pdf".length());
                send(ex, 200, "application/pdf", documentBytes(n), false);
            } else if (path.startsWith("/attach/")) {
                if (sid == null || !sessions.contains(sid)) {
                    html(ex, 403, "no session");
                    return;
                }
                String n = path.substring("/attach/".length(), path.length() - ".pdf".length());
                ex.getResponseHeaders().add("Content-Disposition", "attachment; filename=\"../../" + n + ".pdf\"");
                send(ex, 200, "application/pdf", documentBytes(n), false);
            } else if (path.startsWith("/big/")) {
                send(ex, 200, "application/pdf", new byte[BIG_SIZE], false);
            } else if (path.startsWith("/chunked/")) {
                send(ex, 200, "application/pdf", new byte[BIG_SIZE], true);
            } else if (path.startsWith("/html/")) {
                html(ex, 200, "<p>not a pdf</p>");
            } else if (path.equals("/slow")) {
                slowRequested.countDown();
                releaseSlow.await(20, TimeUnit.SECONDS);
                html(ex, 200, "<p>finally</p>");
            } else if (path.equals("/redirect-away")) {
                ex.getResponseHeaders().add("Location", form(ex.getRequestURI().getRawQuery()).get("to"));
                ex.sendResponseHeaders(302, -1);
            } else if (path.equals("/js-away")) {
                String to = form(ex.getRequestURI().getRawQuery()).get("to");
                html(ex, 200, "<p>moving</p><script>location.href = '" + to + "';</script>");
            } else {
                html(ex, 404, "not found");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    static Map<String, String> form(String encoded) {
        Map<String, String> out = new HashMap<>();
        if (encoded == null) {
            return out;
        }
        for (String pair : encoded.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    private static void html(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, "text/html; charset=utf-8",
                ("<!doctype html><html><body>" + body + "</body></html>").getBytes(StandardCharsets.UTF_8), false);
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body, boolean chunked) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, chunked ? 0 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        } catch (IOException e) {
            // the client gave up (size cap, cancel): fine for a test server
        }
    }

    @Override
    public void close() {
        releaseSlow.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
