package dev.docket.extractor.playwright;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * A web site on 127.0.0.1 that serves documents the way a broken or hostile server does: bodies that never end,
 * lengths that lie, gzip bombs, HTML error pages labelled as PDF, content types with control characters, pages
 * that open popups. Each document is served both as a plain response ({@code /doc/NAME}, for
 * {@link FlowContext#fetch}) and as an attachment ({@code /attach/NAME}, a browser download);
 * {@code /click/NAME} is a page whose {@code #go} link starts that download.
 */
final class HostileSite implements AutoCloseable {
    /** The decoded size of the gzip bombs: far over the tests' 1 MiB cap, a few KiB compressed. */
    static final int BOMB_SIZE = 64 * 1024 * 1024;
    /** The most an endless body sends before the server gives up on its own (the client should stop far earlier). */
    static final long ENDLESS_LIMIT = 512L * 1024 * 1024;
    static final byte[] PDF = pdf("hostile");
    private static final byte[] GZIP_BOMB = gzip(pdfPrefixed(BOMB_SIZE));
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hostile-site");
        t.setDaemon(true);
        return t;
    });
    final List<String> requests = new CopyOnWriteArrayList<>();
    /** Bytes of endless bodies the clients accepted before they hung up. */
    final AtomicLong endlessBytesSent = new AtomicLong();

    HostileSite() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String hostAndPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    String base() {
        return "http://" + hostAndPort();
    }

    static byte[] pdf(String name) {
        return ("%PDF-1.4\n% document " + name + "\n" + "x".repeat(5000) + "\n%%EOF\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] pdfPrefixed(int size) {
        byte[] b = new byte[size];
        byte[] header = "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(header, 0, b, 0, header.length);
        return b;
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            if (path.startsWith("/click/")) {
                String name = path.substring("/click/".length());
                html(ex, "<a id='go' onclick=\"location.href='/attach/" + name + "'\">download " + name + "</a>");
                return;
            }
            if (path.equals("/opens-popup")) {
                html(ex, "<a id='open' onclick=\"window.open('/popup', '_blank')\">open</a>");
                return;
            }
            if (path.equals("/popup")) {
                html(ex, "<p>a popup</p><script>setInterval(() => fetch('/popup-ping'), 100)</script>");
                return;
            }
            if (path.equals("/popup-ping")) {
                send(ex, "text/plain", "pong".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            boolean attach = path.startsWith("/attach/");
            if (!attach && !path.startsWith("/doc/")) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            String name = path.substring(path.indexOf('/', 1) + 1);
            if (attach) {
                ex.getResponseHeaders().add("Content-Disposition", "attachment; filename=\"" + name + "\"");
            }
            switch (name) {
                case "endless.pdf":
                    endless(ex, "application/pdf", 0);
                    break;
                case "lying-length.pdf":
                    // declares 10 GiB, then sends as much as the client takes
                    endless(ex, "application/pdf", 10L * 1024 * 1024 * 1024);
                    break;
                case "gzip-bomb.pdf":
                    ex.getResponseHeaders().set("Content-Encoding", "gzip");
                    send(ex, "application/pdf", GZIP_BOMB);
                    break;
                case "gzip-chunked-bomb.pdf":
                    ex.getResponseHeaders().set("Content-Encoding", "gzip");
                    ex.getResponseHeaders().set("Content-Type", "application/pdf");
                    ex.sendResponseHeaders(200, 0);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(GZIP_BOMB);
                    } catch (IOException e) {
                        // the client gave up: expected
                    }
                    break;
                case "gzip-ok.pdf":
                    ex.getResponseHeaders().set("Content-Encoding", "gzip");
                    send(ex, "application/pdf", gzip(PDF));
                    break;
                case "ok.pdf":
                    send(ex, "application/pdf", PDF);
                    break;
                case "error-page.pdf":
                    send(ex, "application/pdf", "<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>"
                            .getBytes(StandardCharsets.US_ASCII));
                    break;
                case "png-as.pdf":
                    send(ex, "application/pdf", PNG);
                    break;
                case "control-chars.pdf":
                    send(ex, "application/pdf\u0001\u001b[31m; x=y", PDF);
                    break;
                case "charset-param.pdf":
                    send(ex, "Application/PDF ; Charset=\"UTF-8\" ; name=\"a\u00e9.pdf\"", PDF);
                    break;
                case "newline-param.pdf":
                    send(ex, "application/pdf; x=\"a\u001fb\"", PDF);
                    break;
                default:
                    ex.sendResponseHeaders(404, -1);
            }
        }
    }

    private void endless(HttpExchange ex, String type, long declared) {
        ex.getResponseHeaders().set("Content-Type", type);
        byte[] chunk = new byte[64 * 1024];
        byte[] header = "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(header, 0, chunk, 0, header.length);
        try {
            ex.sendResponseHeaders(200, declared);
            OutputStream out = ex.getResponseBody();
            for (long sent = 0; sent < ENDLESS_LIMIT; sent += chunk.length) {
                out.write(chunk);
                out.flush();
                endlessBytesSent.addAndGet(chunk.length);
                if (sent == 0) {
                    System.arraycopy(new byte[header.length], 0, chunk, 0, header.length);
                }
            }
        } catch (IOException e) {
            // the client hung up: what a capped client does
        }
    }

    private static void html(HttpExchange ex, String body) throws IOException {
        send(ex, "text/html; charset=utf-8", ("<!doctype html><html><body>" + body + "</body></html>").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        } catch (IOException e) {
            // the client gave up (size cap): fine for a test server
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
