package dev.docket.cli.internal;

import dev.docket.queue.internal.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** How the human output writes times, ages, sizes and rates. Stateless. */
public final class Formats {
    private Formats() {
    }

    /** {@code 2026-01-31T08:00:00Z} (UTC, whole seconds), or "-" for null. */
    public static String instant(Instant t) {
        return t == null ? "-" : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** {@code 5m12s}, or "-" for null. */
    public static String duration(Duration d) {
        return d == null ? "-" : Durations.format(d);
    }

    /** The time from {@code t} to {@code now}, or "-" when t is null. */
    public static Duration age(Instant t, Instant now) {
        return t == null ? null : Duration.between(t, now);
    }

    /** {@code 2026-01-31T08:00:00Z (5m12s ago)}, "in 3s" for the future, "-" for null. */
    public static String instantWithAge(Instant t, Instant now) {
        if (t == null) {
            return "-";
        }
        Duration d = Duration.between(t, now);
        return instant(t) + (d.isNegative() ? " (in " + Durations.format(d.negated()) + ")"
                : " (" + Durations.format(d) + " ago)");
    }

    /** Milliseconds with two decimals: {@code 0.42ms}. */
    public static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.2fms", nanos / 1e6);
    }

    /** Bytes in binary units: {@code 8.0 KiB}, {@code 1.2 MiB} (as the dashboard shows them). */
    public static String bytes(long n) {
        return dev.docket.queue.internal.ByteSizes.format(n);
    }

    /** A ratio as a percentage with one decimal: {@code 7.5%}. */
    public static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }
}
