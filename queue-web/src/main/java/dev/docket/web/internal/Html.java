package dev.docket.web.internal;

import dev.docket.queue.internal.Durations;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * HTML escaping: the one way a value reaches a page. Besides {@code & < > " '}, it makes invisible characters
 * visible: bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), other control characters and
 * lone surrogates become {@code [U+XXXX]}, so a hostile value can neither run nor disguise itself.
 */
public final class Html {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private Html() {
    }

    /** The value escaped for element content and quoted attribute values; null → empty. */
    public static String esc(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                case '\n', '\t' -> b.append(c);
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (invisible(c)) {
                        b.append(String.format("[U+%04X]", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static boolean invisible(char c) {
        return c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x200e || c == 0x200f || c == 0x061c || Character.isSurrogate(c) || c == 0xfeff;
    }

    /** A query-string value, percent-encoded. */
    public static String url(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** At most {@code max} characters of {@code s}, with "…" when cut. */
    public static String clip(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    /** An instant as {@code yyyy-MM-dd HH:mm:ssZ} (UTC), or "—". */
    public static String time(Instant t) {
        return t == null ? "—" : TIME.format(t);
    }

    /** An instant as a {@code <time>} element (escaped). */
    public static String timeTag(Instant t) {
        return t == null ? "—" : "<time datetime=\"" + esc(t) + "\">" + esc(time(t)) + "</time>";
    }

    /** Bytes in binary units: {@code 512 B}, {@code 8.0 KiB}, {@code 1.2 GiB} (as the CLI prints them). */
    public static String bytes(long n) {
        return dev.docket.queue.internal.ByteSizes.format(n);
    }

    /** An extractor figure as {@code docket diagnose} prints it: {@code memory.limit.bytes} as {@code memory.limit 2.0 GiB}. */
    public static String figure(String name, long value) {
        return dev.docket.queue.internal.ExtractorFigures.display(name, value);
    }

    /** A fraction 0..1 as a whole percentage: {@code 42 %}. */
    public static String percent(double fraction) {
        return Math.round(fraction * 100) + " %";
    }

    /** A duration like 3m05s, or "—". */
    public static String duration(Duration d) {
        return d == null ? "—" : Durations.format(d);
    }
}
