package dev.docket.queue.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The text form of an extractor's figures in the worker row ({@code name=value} pairs separated by spaces, in
 * order): written by the heartbeat, read back by {@code diagnose}. Names are 1-64 characters of letters, digits,
 * {@code . _ -}; values are whole numbers. Anything else is left out (the figures come from user code).
 */
public final class ExtractorFigures {
    /** Most figures kept per worker. */
    public static final int MAX_FIGURES = 64;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private ExtractorFigures() {
    }

    /**
     * A figure as {@code docket diagnose} and the dashboard show it: {@code memory.limit.bytes} as
     * {@code memory.limit 2.0 GiB}, any other as {@code name value}.
     */
    public static String display(String name, long value) {
        return name.endsWith(".bytes") ? name.substring(0, name.length() - ".bytes".length()) + " "
                + ByteSizes.format(value) : name + " " + value;
    }

    /** The text form of {@code figures}, or null when there are none. */
    public static String encode(Map<String, Long> figures) {
        if (figures == null || figures.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (Map.Entry<String, Long> e : figures.entrySet()) {
            if (e.getKey() == null || e.getValue() == null || !NAME.matcher(e.getKey()).matches()) {
                continue;
            }
            if (n++ == MAX_FIGURES) {
                break;
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(e.getKey()).append('=').append(e.getValue().longValue());
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** The figures of {@code text} (skipping malformed pairs), empty for null. */
    public static Map<String, Long> decode(String text) {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        Map<String, Long> m = new LinkedHashMap<>();
        for (String pair : text.trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || m.size() == MAX_FIGURES || !NAME.matcher(pair.substring(0, eq)).matches()) {
                continue;
            }
            try {
                m.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
            } catch (NumberFormatException e) {
                // not a figure: skipped (the row may have been written by another tool)
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** {@code figures} as stored and read back: only valid names, at most {@link #MAX_FIGURES}. */
    public static Map<String, Long> clean(Map<String, Long> figures) {
        return decode(encode(figures));
    }
}
