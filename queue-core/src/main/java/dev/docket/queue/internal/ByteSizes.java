package dev.docket.queue.internal;

import java.util.Locale;

/** Byte counts as people read them, in binary units, the same in the CLI and the dashboard. */
public final class ByteSizes {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

    private ByteSizes() {
    }

    /** {@code 512 B}, {@code 8.0 KiB}, {@code 1.2 GiB}; TiB is the largest unit. */
    public static String format(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        int u = -1;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
    }
}
