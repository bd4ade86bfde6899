package dev.docket.extractor.playwright;

import dev.docket.queue.DocumentSink;
import dev.docket.queue.internal.EnvSettings;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * When and how the {@link PlaywrightExtractor} saves what the page looked like when a job failed (transient,
 * permanent, timed out by a step, throttled): a PNG screenshot of the viewport, the page's HTML with scripts
 * removed, and a JSON file with the final URL (query string redacted), the main document's HTTP status, the
 * console errors, the requests the allow-list blocked and the job's last progress. The files are written through
 * {@link #sink()} (by default the runtime's own {@link DocumentSink}) under names no document or other attempt can
 * have, and a {@code SNAPSHOT_SAVED} event in the job's history lists them ({@code docket diagnose --job N}).
 *
 * <p>Immutable; built by {@link #builder()}, validated at {@link Builder#build()}.
 */
public final class FailureSnapshots {
    /** Which failures get a snapshot. */
    public enum Policy {
        /** None. */
        OFF,
        /**
         * The first failure of each distinct error (its kind and message, with numbers and query strings
         * ignored) per document source per {@link #window()}: enough to see what a recurring failure looks like
         * without one snapshot per job of an outage.
         */
        FIRST_PER_ERROR,
        /** Every failure (still within the {@link #budgetBytes() budget}). */
        EVERY_FAILURE
    }

    /** Default policy. */
    public static final Policy DEFAULT_POLICY = Policy.FIRST_PER_ERROR;
    /** Largest screenshot kept by default: 1 MiB (a larger one is retaken of the top-left quarter, else left out). */
    public static final int DEFAULT_MAX_SCREENSHOT_BYTES = 1024 * 1024;
    /** Longest HTML kept by default, in characters (cut there, scripts removed). */
    public static final int DEFAULT_MAX_HTML_CHARS = 256 * 1024;
    /** Bytes all snapshots of one extractor may take per {@link #window()} by default: 64 MiB. */
    public static final long DEFAULT_BUDGET_BYTES = 64L * 1024 * 1024;
    /** The de-duplication and budget window by default. */
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    /** Environment variable: {@code off}, {@code first-per-error} or {@code every-failure}. */
    public static final String ENV_POLICY = "DOCKET_FAILURE_SNAPSHOTS";
    /** Environment variable: {@link #budgetBytes()}. */
    public static final String ENV_BUDGET_BYTES = "DOCKET_SNAPSHOT_BUDGET_BYTES";

    private final Policy policy;
    private final DocumentSink sink;
    private final int maxScreenshotBytes;
    private final int maxHtmlChars;
    private final long budgetBytes;
    private final Duration window;

    private FailureSnapshots(Builder b) {
        this.policy = b.policy;
        this.sink = b.sink;
        this.maxScreenshotBytes = b.maxScreenshotBytes;
        this.maxHtmlChars = b.maxHtmlChars;
        this.budgetBytes = b.budgetBytes;
        this.window = b.window;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: first per error per source per hour, through the runtime's sink. */
    public static FailureSnapshots defaults() {
        return builder().build();
    }

    /** No snapshots. */
    public static FailureSnapshots off() {
        return builder().policy(Policy.OFF).build();
    }

    /** {@link #defaults()} with {@value #ENV_POLICY} and {@value #ENV_BUDGET_BYTES} read from {@code env}. */
    static FailureSnapshots fromEnvironment(Map<String, String> env) {
        EnvSettings e = EnvSettings.of(env);
        Builder b = builder();
        String p = e.string(ENV_POLICY).orElse(null);
        if (p != null) {
            String v = p.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            switch (v) {
                case "off" -> b.policy(Policy.OFF);
                case "first-per-error" -> b.policy(Policy.FIRST_PER_ERROR);
                case "every-failure" -> b.policy(Policy.EVERY_FAILURE);
                default -> throw new IllegalArgumentException(ENV_POLICY + " must be off, first-per-error or every-failure"
                        + " but was '" + p + "'");
            }
        }
        e.number(ENV_BUDGET_BYTES, b::budgetBytes);
        return b.build();
    }

    public Policy policy() {
        return policy;
    }

    /** The sink snapshots are written through; empty: the runtime's {@link DocumentSink}. */
    public Optional<DocumentSink> sink() {
        return Optional.ofNullable(sink);
    }

    public int maxScreenshotBytes() {
        return maxScreenshotBytes;
    }

    public int maxHtmlChars() {
        return maxHtmlChars;
    }

    /** Bytes all snapshots may take per {@link #window()}; a snapshot that does not fit is not saved (logged). */
    public long budgetBytes() {
        return budgetBytes;
    }

    /** The window of {@link Policy#FIRST_PER_ERROR} and of the budget. */
    public Duration window() {
        return window;
    }

    @Override
    public String toString() {
        return "FailureSnapshots{" + policy + (sink != null ? ", sink=" + sink : "") + ", screenshot<=" + maxScreenshotBytes
                + " B, html<=" + maxHtmlChars + " chars, budget " + budgetBytes + " B per " + window + "}";
    }

    /** Builds {@link FailureSnapshots}. Not thread-safe. */
    public static final class Builder {
        private Policy policy = DEFAULT_POLICY;
        private DocumentSink sink;
        private int maxScreenshotBytes = DEFAULT_MAX_SCREENSHOT_BYTES;
        private int maxHtmlChars = DEFAULT_MAX_HTML_CHARS;
        private long budgetBytes = DEFAULT_BUDGET_BYTES;
        private Duration window = DEFAULT_WINDOW;

        private Builder() {
        }

        public Builder policy(Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** A sink of their own (e.g. a separate directory or bucket); default: the runtime's document sink. */
        public Builder sink(DocumentSink sink) {
            this.sink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /** 16 KiB to 16 MiB. */
        public Builder maxScreenshotBytes(int bytes) {
            this.maxScreenshotBytes = bytes;
            return this;
        }

        /** 1,024 to 16,777,216 characters. */
        public Builder maxHtmlChars(int chars) {
            this.maxHtmlChars = chars;
            return this;
        }

        /** At least the largest snapshot ({@code maxScreenshotBytes + 4 * maxHtmlChars + 64 KiB}). */
        public Builder budgetBytes(long bytes) {
            this.budgetBytes = bytes;
            return this;
        }

        /** 1 minute to 7 days. */
        public Builder window(Duration window) {
            this.window = Objects.requireNonNull(window, "window");
            return this;
        }

        /** @throws IllegalArgumentException naming the field and the bad value */
        public FailureSnapshots build() {
            if (maxScreenshotBytes < 16 * 1024 || maxScreenshotBytes > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("maxScreenshotBytes must be 16384-16777216 but was " + maxScreenshotBytes);
            }
            if (maxHtmlChars < 1024 || maxHtmlChars > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("maxHtmlChars must be 1024-16777216 but was " + maxHtmlChars);
            }
            long largest = largestSnapshot(maxScreenshotBytes, maxHtmlChars);
            if (budgetBytes < largest) {
                throw new IllegalArgumentException("budgetBytes must be at least the largest snapshot (" + largest
                        + " bytes with these caps) but was " + budgetBytes);
            }
            if (window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException("window must be 1 minute to 7 days but was " + window);
            }
            return new FailureSnapshots(this);
        }
    }

    /** The most one snapshot can take: the screenshot, the HTML as UTF-8 (up to 4 bytes a character), the details. */
    public static long largestSnapshot(int maxScreenshotBytes, int maxHtmlChars) {
        return maxScreenshotBytes + 4L * maxHtmlChars + 64 * 1024;
    }
}
