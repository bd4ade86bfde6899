package dev.docket.extractor.playwright;

import dev.docket.queue.internal.EnvSettings;

import java.time.Duration;
import java.util.Map;

/**
 * How a {@link PlaywrightExtractor} keeps its browsers healthy and its memory bounded: when a browser is retired
 * (after {@link #browserMaxJobs()} jobs, above {@link #browserMaxMemoryBytes()}, or idle for
 * {@link #browserIdleTimeout()}) and the memory marks that hold new claims. Immutable and thread-safe; built by
 * {@link #builder()}, {@link #defaults()} or {@link #fromEnvironment(Map)}, validated at {@link Builder#build()}
 * (an {@link IllegalArgumentException} names the field and the value).
 *
 * <p>Retiring a browser is graceful: jobs running on it finish there, new jobs go to a fresh browser, and the old
 * one is closed once its last job has returned; no job is released or failed by a planned retirement.
 *
 * <p>Memory: the limit in force is the cgroup's (v2 {@code memory.max}, v1 {@code memory.limit_in_bytes}) inside
 * a container, else the physical memory. While the memory in use (the cgroup's working set, else the PSS of this
 * JVM and every process below it) is above {@link #memoryHighWater()} of the limit, the extractor's health says
 * "holding": the runtime claims nothing new, spends no attempt, and reports the worker DEGRADED with the figures;
 * it claims again below {@link #memoryLowWater()}. With {@code concurrency auto} the runtime runs
 * {@code (limit - reserve) / memory per slot} slots. Where neither a cgroup nor {@code /proc/meminfo} can be read
 * (not Linux), nothing is held, {@code concurrency auto} gets the runtime's default, and a warning says so at start.
 */
public final class FleetConfig {
    /**
     * Default of {@link #browserMaxJobs()}: the 2,000-job soak in {@code docs/benchmarks.md} shows what a browser
     * gains over its jobs.
     */
    public static final int DEFAULT_BROWSER_MAX_JOBS = 500;
    /** Default of {@link #browserIdleTimeout()}. */
    public static final Duration DEFAULT_BROWSER_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** Default limit of one browser's process tree: this plus {@link #BROWSER_MEMORY_PER_SLOT} per slot. */
    public static final long BROWSER_MEMORY_BASE = 512L * 1024 * 1024;
    /** See {@link #BROWSER_MEMORY_BASE}. */
    public static final long BROWSER_MEMORY_PER_SLOT = 256L * 1024 * 1024;
    /** Default of {@link #memoryHighWater()}. */
    public static final double DEFAULT_MEMORY_HIGH_WATER = 0.90;
    /** Default of {@link #memoryLowWater()}. */
    public static final double DEFAULT_MEMORY_LOW_WATER = 0.80;
    /** Added to the JVM's maximum heap for the default {@link #memoryReserveBytes()}. */
    public static final long RESERVE_BEYOND_HEAP = 256L * 1024 * 1024;

    /** Environment variable: {@link #browserMaxJobs()} (0: never). */
    public static final String ENV_BROWSER_MAX_JOBS = "DOCKET_BROWSER_MAX_JOBS";
    /** Environment variable: {@link #browserMaxMemoryBytes()} in bytes (0: no limit). */
    public static final String ENV_BROWSER_MAX_MEMORY = "DOCKET_BROWSER_MAX_MEMORY";
    /** Environment variable: {@link #browserIdleTimeout()} in milliseconds (0: never). */
    public static final String ENV_BROWSER_IDLE_TIMEOUT = "DOCKET_BROWSER_IDLE_TIMEOUT";
    /** Environment variable: {@link #memoryReserveBytes()} in bytes. */
    public static final String ENV_MEMORY_RESERVE = "DOCKET_MEMORY_RESERVE";
    /** Environment variable: {@link #memoryHighWater()}, a fraction such as {@code 0.9}. */
    public static final String ENV_MEMORY_HIGH_WATER = "DOCKET_MEMORY_HIGH_WATER";
    /** Environment variable: {@link #memoryLowWater()}, a fraction such as {@code 0.8}. */
    public static final String ENV_MEMORY_LOW_WATER = "DOCKET_MEMORY_LOW_WATER";

    private static final FleetConfig DEFAULTS = builder().build();

    private final int browserMaxJobs;
    private final long browserMaxMemoryBytes;
    private final Duration browserIdleTimeout;
    private final long memoryReserveBytes;
    private final double memoryHighWater;
    private final double memoryLowWater;

    private FleetConfig(Builder b) {
        this.browserMaxJobs = b.browserMaxJobs;
        this.browserMaxMemoryBytes = b.browserMaxMemoryBytes;
        this.browserIdleTimeout = b.browserIdleTimeout;
        this.memoryReserveBytes = b.memoryReserveBytes;
        this.memoryHighWater = b.memoryHighWater;
        this.memoryLowWater = b.memoryLowWater;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static FleetConfig defaults() {
        return DEFAULTS;
    }

    /**
     * A builder filled from {@value #ENV_BROWSER_MAX_JOBS}, {@value #ENV_BROWSER_MAX_MEMORY},
     * {@value #ENV_BROWSER_IDLE_TIMEOUT} (ms), {@value #ENV_MEMORY_RESERVE}, {@value #ENV_MEMORY_HIGH_WATER} and
     * {@value #ENV_MEMORY_LOW_WATER}; unset variables keep the defaults.
     *
     * @throws IllegalArgumentException naming the variable when a value cannot be parsed
     */
    public static Builder fromEnvironment(Map<String, String> env) {
        EnvSettings e = EnvSettings.of(env);
        Builder b = builder();
        e.integer(ENV_BROWSER_MAX_JOBS, b::browserMaxJobs);
        e.number(ENV_BROWSER_MAX_MEMORY, b::browserMaxMemoryBytes);
        e.millis(ENV_BROWSER_IDLE_TIMEOUT, b::browserIdleTimeout);
        e.number(ENV_MEMORY_RESERVE, b::memoryReserveBytes);
        double high = fraction(e, ENV_MEMORY_HIGH_WATER, b.memoryHighWater);
        double low = fraction(e, ENV_MEMORY_LOW_WATER, b.memoryLowWater);
        return b.memoryWaterMarks(high, low);
    }

    private static double fraction(EnvSettings e, String name, double otherwise) {
        String v = e.string(name).orElse(null);
        if (v == null) {
            return otherwise;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(name + " must be a fraction such as 0.9 but was '" + v + "'", ex);
        }
    }

    /** A browser is retired (gracefully) after this many jobs; 0: never. */
    public int browserMaxJobs() {
        return browserMaxJobs;
    }

    /**
     * A browser whose process tree (its browser server, chromium and chromium's helpers) has a PSS above this is
     * retired (gracefully); 0: no limit; -1 (the default): {@link #BROWSER_MEMORY_BASE} +
     * {@link #BROWSER_MEMORY_PER_SLOT} per slot of the browser (1.5 GiB for 4 slots), see {@link #browserMaxMemoryBytes(int)}.
     */
    public long browserMaxMemoryBytes() {
        return browserMaxMemoryBytes;
    }

    /** The limit of a browser of {@code slotsPerBrowser} slots in bytes (0: none). */
    public long browserMaxMemoryBytes(int slotsPerBrowser) {
        return browserMaxMemoryBytes >= 0 ? browserMaxMemoryBytes : BROWSER_MEMORY_BASE + BROWSER_MEMORY_PER_SLOT * slotsPerBrowser;
    }

    /** A browser without a job for this long is stopped (the next job launches a fresh one); zero: never. */
    public Duration browserIdleTimeout() {
        return browserIdleTimeout;
    }

    /**
     * Memory kept out of the slots' budget for the JVM and everything else, in bytes; -1 (the default): the JVM's
     * maximum heap plus {@link #RESERVE_BEYOND_HEAP}.
     */
    public long memoryReserveBytes() {
        return memoryReserveBytes;
    }

    /** The reserve in bytes, the default one computed for this JVM. */
    public long memoryReserveBytesInForce() {
        return memoryReserveBytes >= 0 ? memoryReserveBytes : Runtime.getRuntime().maxMemory() + RESERVE_BEYOND_HEAP;
    }

    /** Nothing is claimed while the memory in use is above this fraction of the limit. */
    public double memoryHighWater() {
        return memoryHighWater;
    }

    /** Claims resume once the memory in use is below this fraction of the limit. */
    public double memoryLowWater() {
        return memoryLowWater;
    }

    @Override
    public String toString() {
        return "FleetConfig{browserMaxJobs=" + browserMaxJobs + ", browserMaxMemoryBytes="
                + (browserMaxMemoryBytes < 0 ? "auto" : browserMaxMemoryBytes) + ", browserIdleTimeout=" + browserIdleTimeout
                + ", memoryReserveBytes=" + (memoryReserveBytes < 0 ? "auto" : memoryReserveBytes)
                + ", memoryHighWater=" + memoryHighWater + ", memoryLowWater=" + memoryLowWater + "}";
    }

    /** Builds a {@link FleetConfig}. Not thread-safe. */
    public static final class Builder {
        private int browserMaxJobs = DEFAULT_BROWSER_MAX_JOBS;
        private long browserMaxMemoryBytes = -1;
        private Duration browserIdleTimeout = DEFAULT_BROWSER_IDLE_TIMEOUT;
        private long memoryReserveBytes = -1;
        private double memoryHighWater = DEFAULT_MEMORY_HIGH_WATER;
        private double memoryLowWater = DEFAULT_MEMORY_LOW_WATER;

        private Builder() {
        }

        /** See {@link FleetConfig#browserMaxJobs()}; 0: never. */
        public Builder browserMaxJobs(int jobs) {
            this.browserMaxJobs = jobs;
            return this;
        }

        /** See {@link FleetConfig#browserMaxMemoryBytes()}; 0: no limit, -1: the default. */
        public Builder browserMaxMemoryBytes(long bytes) {
            this.browserMaxMemoryBytes = bytes;
            return this;
        }

        /** See {@link FleetConfig#browserIdleTimeout()}; zero: never. */
        public Builder browserIdleTimeout(Duration idle) {
            this.browserIdleTimeout = idle;
            return this;
        }

        /** See {@link FleetConfig#memoryReserveBytes()}; -1: the default. */
        public Builder memoryReserveBytes(long bytes) {
            this.memoryReserveBytes = bytes;
            return this;
        }

        /** The high- and low-water marks, fractions of the memory limit: {@code 0 < low < high <= 1}. */
        public Builder memoryWaterMarks(double high, double low) {
            this.memoryHighWater = high;
            this.memoryLowWater = low;
            return this;
        }

        /** @throws IllegalArgumentException naming the field and the bad value */
        public FleetConfig build() {
            if (browserMaxJobs < 0) {
                throw new IllegalArgumentException("browserMaxJobs must be >= 0 (0: never) but was " + browserMaxJobs);
            }
            if (browserMaxMemoryBytes < -1) {
                throw new IllegalArgumentException("browserMaxMemoryBytes must be >= 0 (0: no limit) or -1 (default) but was "
                        + browserMaxMemoryBytes);
            }
            if (browserIdleTimeout == null || browserIdleTimeout.isNegative()) {
                throw new IllegalArgumentException("browserIdleTimeout must be >= 0 (0: never) but was " + browserIdleTimeout);
            }
            if (memoryReserveBytes < -1) {
                throw new IllegalArgumentException("memoryReserveBytes must be >= 0 or -1 (default) but was " + memoryReserveBytes);
            }
            if (!(memoryHighWater > 0 && memoryHighWater <= 1)) {
                throw new IllegalArgumentException("memoryHighWater must be > 0 and <= 1 but was " + memoryHighWater);
            }
            if (!(memoryLowWater > 0 && memoryLowWater < memoryHighWater)) {
                throw new IllegalArgumentException("memoryLowWater must be > 0 and below memoryHighWater (" + memoryHighWater
                        + ") but was " + memoryLowWater);
            }
            return new FleetConfig(this);
        }
    }
}
