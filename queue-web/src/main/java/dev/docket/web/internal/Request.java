package dev.docket.web.internal;

import com.sun.net.httpserver.HttpExchange;
import dev.docket.web.DashboardUser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** One request: its bounded, decoded parameters (query, and form body for a POST) and its user. */
public final class Request {
    /** Longest query string accepted. */
    public static final int MAX_QUERY = 2048;
    /** Largest form body accepted. */
    public static final int MAX_BODY = 16 * 1024;
    /** Longest parameter value accepted. */
    public static final int MAX_VALUE = 512;
    private static final Pattern NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_-]{0,31}");
    private final HttpExchange exchange;
    private final DashboardUser user;
    private final Map<String, String> params;

    Request(HttpExchange exchange, DashboardUser user) throws IOException {
        this.exchange = exchange;
        this.user = user;
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null && query.length() > MAX_QUERY) {
            throw WebException.badRequest("the query string is longer than " + MAX_QUERY + " characters");
        }
        Map<String, String> p = new LinkedHashMap<>();
        parse(query, p);
        if ("POST".equals(exchange.getRequestMethod())) {
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                throw WebException.badRequest("an action must be posted as application/x-www-form-urlencoded");
            }
            parse(readBody(exchange.getRequestBody()), p);
        }
        this.params = p;
    }

    private static String readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new WebException(413, "the request body is larger than " + MAX_BODY + " bytes");
        }
        return new String(body, StandardCharsets.US_ASCII);
    }

    private static void parse(String raw, Map<String, String> into) {
        if (raw == null || raw.isEmpty()) {
            return;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!NAME.matcher(name).matches()) {
                throw WebException.badRequest("unknown parameter name (letters, digits, _ and - only)");
            }
            if (value.length() > MAX_VALUE) {
                throw WebException.badRequest("parameter " + name + " is longer than " + MAX_VALUE + " characters");
            }
            if (into.putIfAbsent(name, value) != null) {
                throw WebException.badRequest("parameter " + name + " is given twice");
            }
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw WebException.badRequest("malformed percent-encoding in the request");
        }
    }

    public HttpExchange exchange() {
        return exchange;
    }

    public DashboardUser user() {
        return user;
    }

    public String path() {
        return exchange.getRequestURI().getPath();
    }

    /** The parameter, trimmed, or empty when absent or blank. */
    public Optional<String> param(String name) {
        String v = params.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /** A long parameter within [min, max], or {@code dflt} when absent. */
    public long longParam(String name, long min, long max, long dflt) {
        Optional<String> v = param(name);
        if (v.isEmpty()) {
            return dflt;
        }
        long n;
        try {
            n = Long.parseLong(v.get());
        } catch (NumberFormatException e) {
            throw WebException.badRequest(name + " must be a whole number but was '" + Html.clip(v.get(), 40) + "'");
        }
        if (n < min || n > max) {
            throw WebException.badRequest(name + " must be " + min + "-" + max + " but was " + n);
        }
        return n;
    }

    /** A required id-like parameter. */
    public long requiredLong(String name) {
        if (param(name).isEmpty()) {
            throw WebException.badRequest("parameter " + name + " is required");
        }
        return longParam(name, 1, Long.MAX_VALUE, 0);
    }

    /** An ISO-8601 instant ({@code 2026-01-31T10:00:00Z}) or empty. */
    public Optional<Instant> instantParam(String name) {
        Optional<String> v = param(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(v.get()));
        } catch (DateTimeParseException e) {
            throw WebException.badRequest(name + " must be an ISO-8601 instant like 2026-01-31T10:00:00Z but was '"
                    + Html.clip(v.get(), 40) + "'");
        }
    }

    /** A duration like {@code 90s}, {@code 5m}, {@code 2h} or empty. */
    public Optional<Duration> durationParam(String name) {
        Optional<String> v = param(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            Duration d = dev.docket.queue.internal.Durations.parse(name, v.get());
            if (d.isZero() || d.isNegative()) {
                throw WebException.badRequest(name + " must be greater than 0");
            }
            return Optional.of(d);
        } catch (IllegalArgumentException e) {
            throw WebException.badRequest(name + " must be a duration like 90s, 5m or 2h but was '"
                    + Html.clip(v.get(), 40) + "'");
        }
    }
}
