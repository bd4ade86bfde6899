package dev.docket.extractor.playwright.internal;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The checks {@code PlaywrightConfig.Builder.build()} makes on single values, each throwing an
 * {@link IllegalArgumentException} that names the field and the bad value.
 */
public final class BuildChecks {
    private BuildChecks() {
    }

    /** {@code p} when it is null or absolute. */
    public static Path absoluteOrNull(String field, Path p) {
        if (p != null && !p.isAbsolute()) {
            throw new IllegalArgumentException(field + " must be an absolute path but was '" + p + "'");
        }
        return p;
    }

    /** {@code value} when it lies in {@code [min, max]}. */
    public static long between(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be between " + min + " and " + max + " but was " + value);
        }
        return value;
    }

    /** {@code d} when it is > 0, else an exception naming {@code field}. */
    public static Duration positive(String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + " must be > 0 but was " + d);
        }
        return d;
    }
}
