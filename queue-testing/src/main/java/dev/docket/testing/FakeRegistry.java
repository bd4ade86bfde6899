package dev.docket.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fake registry web site on 127.0.0.1 (a free port), for testing extractors and measuring them: {@code GET /search}
 * opens a session (a cookie) and shows a search form (a source select {@value #SOURCE_FIELD}, a number input
 * {@value #NUMBER_FIELD}, a submit button {@value #SUBMIT}); {@code POST /search} redirects (303) to the result page,
 * which links to the document ({@value #RESULT_LINK}) or says it was not found ({@value #NOT_FOUND}). The document
 * needs the session cookie.
 *
 * <p>Numbers select behaviour: {@code missing-*} not found, {@code big-*} a {@value #BIG_SIZE}-byte document with a
 * declared length, {@code chunked-*} the same without one, {@code html-*} an HTML "document", {@code away-*} a link to
 * {@code evil.invalid}, {@code click-*} a link without href whose click downloads the document (an attachment);
 * anything else a PDF whose bytes are {@link #documentBytes(String)}; {@link #markMissing(String)} makes any number
 * not found; {@code busy-*} links to a document that answers 503 with {@code Retry-After: 7}; {@code blocked-*} shows
 * a "too many requests" page ({@value #BLOCKED}) with status 200. Other paths: {@code /busy?status=N&retry-after=V}
 * answers status N (e.g. 429) with header {@code Retry-After: V} (none without the parameter); {@code /slow} answers
 * only after
 * {@link #releaseSlow()}; {@code /redirect-away?to=URL} redirects (302) there; {@code /js-away?to=URL} goes there by
 * script.
 *
 * <p>Thread-safe. Threads are daemon threads named {@code docket-test-registry-<n>}.
 */
public final class FakeRegistry implements AutoCloseable {
    /** The size of the {@code big-*} and {@code chunked-*} documents. */
    public static final int BIG_SIZE = 2 * 1024 * 1024;
    /** The search form's source select. */
    public static final String SOURCE_FIELD = "#source";
    /** The search form's number input. */
    public static final String NUMBER_FIELD = "#number";
    /** The search form's submit button. */
    public static final String SUBMIT = "#go";
    /** The result page's link to the document. */
    public static final String RESULT_LINK = "a.doc";
    /** The marker of the result page that says there is no such document. */
    public static final String NOT_FOUND = ".none";
    /** The marker of the "too many requests" page of {@code blocked-*} numbers. */
    public static final String BLOCKED = ".blocked";

    private static final Logger log = LoggerFactory.getLogger(FakeRegistry.class);

    private final HttpServer server;
    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "docket-test-registry-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Set<String> missing = ConcurrentHashMap.newKeySet();
    private final AtomicLong documents = new AtomicLong();
    private final CountDownLatch slowRequested = new CountDownLatch(1);
    private final CountDownLatch releaseSlow = new CountDownLatch(1);

    /** Starts the site on 127.0.0.1, on a free port. */
    public FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code 127.0.0.1:port}, as the allow-list entry for this site. */
    public String hostAndPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:port}. */
    public String base() {
        return "http://" + hostAndPort();
    }

    /** The search page, where a search flow starts. */
    public String searchUrl() {
        return base() + "/search";
    }

    /** Searching for {@code number} shows the "no such document" page. */
    public void markMissing(String number) {
        missing.add(number);
    }

    /** The sessions opened so far (their cookie values). */
    public Set<String> sessions() {
        return Collections.unmodifiableSet(sessions);
    }

    /** Every request so far, as {@code "METHOD /path?query"}, oldest first. */
    public List<String> requests() {
        return Collections.unmodifiableList(requests);
    }

    /** Documents served so far (PDF downloads). */
    public long documentsServed() {
        return documents.get();
    }

    /** Waits up to {@code max} for the first request to {@code /slow}; true if it came. */
    public boolean awaitSlowRequest(Duration max) throws InterruptedException {
        return slowRequested.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets the requests to {@code /slow} answer. */
    public void releaseSlow() {
        releaseSlow.countDown();
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
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            String sid = cookie(ex, "sid");
            if (path.equals("/search") && ex.getRequestMethod().equals("GET")) {
                if (sid == null || !sessions.contains(sid)) {
                    sid = UUID.randomUUID().toString();
                    sessions.add(sid);
                    ex.getResponseHeaders().add("Set-Cookie", "sid=" + sid + "; Path=/; HttpOnly");
                }
                html(ex, 200, "<h1>Registry search</h1><form method='post' action='/search'>"
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
                if (n.startsWith("missing") || missing.contains(n)) {
                    html(ex, 200, "<p class='none'>No document " + n + "</p>");
                } else if (n.startsWith("big")) {
                    html(ex, 200, "<a class='doc' href='/big/" + n + ".pdf'>doc</a>");
                } else if (n.startsWith("chunked")) {
                    html(ex, 200, "<a class='doc' href='/chunked/" + n + ".pdf'>doc</a>");
                } else if (n.startsWith("html")) {
                    html(ex, 200, "<a class='doc' href='/html/" + n + "'>doc</a>");
                } else if (n.startsWith("click")) {
                    html(ex, 200, "<a class='doc' onclick=\"location.href='/attach/" + enc(n) + ".pdf'\">Document " + n + "</a>");
                } else if (n.startsWith("busy")) {
                    html(ex, 200, "<a class='doc' href='/busy?status=503&retry-after=7'>doc</a>");
                } else if (n.startsWith("blocked")) {
                    html(ex, 200, "<p class='blocked'>Too many requests, try again later</p>");
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
                documents.incrementAndGet();
            } else if (path.startsWith("/attach/")) {
                if (sid == null || !sessions.contains(sid)) {
                    html(ex, 403, "no session");
                    return;
                }
                String n = path.substring("/attach/".length(), path.length() - ".pdf".length());
                ex.getResponseHeaders().add("Content-Disposition", "attachment; filename=\"../../" + n + ".pdf\"");
                send(ex, 200, "application/pdf", documentBytes(n), false);
                documents.incrementAndGet();
            } else if (path.startsWith("/big/")) {
                send(ex, 200, "application/pdf", new byte[BIG_SIZE], false);
            } else if (path.startsWith("/chunked/")) {
                send(ex, 200, "application/pdf", new byte[BIG_SIZE], true);
            } else if (path.startsWith("/html/")) {
                html(ex, 200, "<p>not a pdf</p>");
            } else if (path.equals("/busy")) {
                Map<String, String> q = form(ex.getRequestURI().getRawQuery());
                String retryAfter = q.get("retry-after");
                if (retryAfter != null) {
                    ex.getResponseHeaders().add("Retry-After", retryAfter);
                }
                html(ex, Integer.parseInt(q.getOrDefault("status", "429")), "<h1>Slow down</h1>");
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

    private static Map<String, String> form(String encoded) {
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
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
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
            log.debug("the client gave up on {} (size cap, cancel): {}", ex.getRequestURI(), e.getMessage());
        }
    }

    @Override
    public void close() {
        releaseSlow.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
