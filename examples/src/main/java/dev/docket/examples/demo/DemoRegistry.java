package dev.docket.examples.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake document registry web site, served on 127.0.0.1 by the JDK's HttpServer: a search form,
 * a result page with a download link, and PDF downloads. Some documents are missing ("not found"
 * page), some pages are slow, and a document can be made to hang on its first search (chaos).
 */
public final class DemoRegistry implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final Set<String> missing = ConcurrentHashMap.newKeySet();
    private final Map<String, Duration> slow = new ConcurrentHashMap<>();
    private final Set<String> hangOnce = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger searches = new AtomicInteger();
    private final AtomicInteger downloads = new AtomicInteger();

    private DemoRegistry(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts the site on 127.0.0.1 on a free port. */
    public static DemoRegistry start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "docket-demo-registry-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        DemoRegistry registry = new DemoRegistry(server, executor);
        server.createContext("/", registry::home);
        server.createContext("/search", registry::search);
        server.createContext("/documents/", registry::download);
        server.start();
        return registry;
    }

    /** The site's base URL, e.g. {@code http://127.0.0.1:40123}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The host:port the extractor must be allowed to visit. */
    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Searching for this number shows the "no such document" page. */
    public void markMissing(String number) {
        missing.add(number);
    }

    /** The search for this number answers only after {@code delay}. */
    public void markSlow(String number, Duration delay) {
        slow.put(number, delay);
    }

    /** The first search for this number never answers (until the site closes); later ones work. */
    public void markHangOnce(String number) {
        hangOnce.add(number);
    }

    public int searches() {
        return searches.get();
    }

    public int downloads() {
        return downloads.get();
    }

    /** The exact bytes the site serves for a document number. */
    public static byte[] pdfFor(String source, String number) {
        return MiniPdf.withText("Registry " + source + " - document " + number);
    }

    private void home(HttpExchange ex) throws IOException {
        if (!ex.getRequestURI().getPath().equals("/")) {
            respond(ex, 404, "text/html", "<h1>Not found</h1>".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String html = "<!doctype html><html><head><title>Registre des documents</title></head><body>"
                + "<h1>Recherche de document</h1>"
                + "<form action=\"/search\" method=\"get\">"
                + "<label>Registre <input id=\"source\" name=\"source\"></label>"
                + "<label>Numéro <input id=\"number\" name=\"number\"></label>"
                + "<button id=\"search\" type=\"submit\">Rechercher</button>"
                + "</form></body></html>";
        respond(ex, 200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    private void search(HttpExchange ex) throws IOException {
        searches.incrementAndGet();
        Map<String, String> q = query(ex.getRequestURI());
        String source = q.getOrDefault("source", "");
        String number = q.getOrDefault("number", "");
        if (hangOnce.remove(number)) {
            awaitClose(Duration.ofMinutes(30)); // a page that never loads
        }
        Duration delay = slow.get(number);
        if (delay != null) {
            awaitClose(delay);
        }
        String body;
        if (missing.contains(number) || number.isEmpty()) {
            body = "<p class=\"not-found\">Aucun document " + escape(number) + " dans " + escape(source) + "</p>";
        } else {
            String href = "/documents/" + urlPart(source) + "/" + urlPart(number) + ".pdf";
            body = "<p>Document trouvé :</p><a class=\"result\" href=\"" + href + "\">Télécharger " + escape(number) + "</a>";
        }
        String html = "<!doctype html><html><head><title>Résultat</title></head><body>" + body + "</body></html>";
        respond(ex, 200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    private void download(HttpExchange ex) throws IOException {
        String[] parts = ex.getRequestURI().getPath().split("/");
        if (parts.length != 4 || !parts[3].endsWith(".pdf")) {
            respond(ex, 404, "text/plain", "no such document".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String source = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
        String number = URLDecoder.decode(parts[3].substring(0, parts[3].length() - 4), StandardCharsets.UTF_8);
        downloads.incrementAndGet();
        ex.getResponseHeaders().add("Content-Disposition", "attachment; filename=\"" + urlPart(number) + ".pdf\"");
        respond(ex, 200, "application/pdf", pdfFor(source, number));
    }

    private void awaitClose(Duration max) {
        try {
            closed.await(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        try {
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException e) {
            // the browser gave up on this page (job timed out, browser killed): nothing to answer
            ex.close();
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String urlPart(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
