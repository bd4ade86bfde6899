package dev.docket.queue.internal;

import java.time.Duration;
import java.util.Locale;

/** Duration parsing and formatting in the short form operators type: {@code 500ms 30s 5m 2h 30d}. */
public final class Durations {
    private Durations() {
    }

    /** "1h02m", "5m", "12s", "350ms". */
    public static String format(Duration d) {
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = d.getSeconds();
        if (s < 60) {
            // tenths rounded down, so 59.96 s reads "59.9s", never "60.0s"
            return (ms % 1000 == 0) ? s + "s" : String.format(Locale.ROOT, "%.1fs", (ms / 100) / 10.0);
        }
        if (s < 3600) {
            return s / 60 + "m" + (s % 60 == 0 ? "" : String.format(Locale.ROOT, "%02ds", s % 60));
        }
        if (s < 86_400) {
            return s / 3600 + "h" + String.format(Locale.ROOT, "%02dm", (s % 3600) / 60);
        }
        return s / 86_400 + "d" + String.format(Locale.ROOT, "%02dh", (s % 86_400) / 3600);
    }

    /**
     * Parses {@code <number><unit>} with unit ms, s, m, h or d, or an ISO-8601 duration (PT5M).
     *
     * @param what names the setting in the error message
     * @throws IllegalArgumentException naming {@code what} and the bad value
     */
    public static Duration parse(String what, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " must be a duration like 30s, 5m, 2h or 30d but was empty");
        }
        String t = text.trim();
        if (t.startsWith("P") || t.startsWith("p")) {
            Duration iso;
            try {
                iso = Duration.parse(t);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(what + " must be a duration like 30s, 5m, 2h or 30d but was '"
                        + text + "'");
            }
            return nonNegative(what, text, iso);
        }
        try {
            int i = 0;
            while (i < t.length() && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
            }
            if (i == 0 || i > 12) {
                throw new NumberFormatException();
            }
            long n = Long.parseLong(t.substring(0, i));
            String unit = t.substring(i).trim();
            switch (unit) {
                case "ms":
                    return Duration.ofMillis(n);
                case "s":
                    return Duration.ofSeconds(n);
                case "m":
                case "min":
                    return Duration.ofMinutes(n);
                case "h":
                    return Duration.ofHours(n);
                case "d":
                    return Duration.ofDays(n);
                default:
                    throw new NumberFormatException();
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + " must be a duration like 30s, 5m, 2h or 30d but was '" + text + "'");
        }
    }

    private static Duration nonNegative(String what, String text, Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative but was '" + text + "'");
        }
        return d;
    }
}
