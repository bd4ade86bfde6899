package dev.docket.web.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writing answers, every one with the security headers. */
public final class Response {
    /** No inline script or style, nothing from elsewhere, no framing, forms post only here. */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private Response() {
    }

    static void securityHeaders(HttpExchange ex) {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Security-Policy", CSP);
        h.set("X-Frame-Options", "DENY");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "same-origin"); // no-referrer would make Chromium post "Origin: null"
        h.set("Cross-Origin-Opener-Policy", "same-origin");
        h.set("Cross-Origin-Resource-Policy", "same-origin");
        if (!h.containsKey("Cache-Control")) {
            h.set("Cache-Control", "no-store");
        }
    }

    public static void html(HttpExchange ex, int status, String html) throws IOException {
        send(ex, status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    public static void json(HttpExchange ex, String json) throws IOException {
        send(ex, 200, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
    }

    public static void text(HttpExchange ex, int status, String text) throws IOException {
        send(ex, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** 303 See Other to a path of this dashboard. */
    public static void redirect(HttpExchange ex, String path) throws IOException {
        if (!path.startsWith("/") || path.startsWith("//")) {
            throw new IllegalArgumentException("redirects stay on this dashboard: " + path);
        }
        ex.getResponseHeaders().set("Location", path);
        securityHeaders(ex);
        ex.sendResponseHeaders(303, -1);
        ex.close();
    }

    public static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        securityHeaders(ex);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        }
        ex.close();
    }
}
