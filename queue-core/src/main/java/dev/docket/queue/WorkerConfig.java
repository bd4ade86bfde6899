package dev.docket.queue;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import dev.docket.queue.internal.WorkerConfigRules;

/**
 * Immutable settings of a {@link WorkerRuntime}. Build with {@link #builder()} or read the old
 * system's environment variables with {@link #fromEnvironment()}; {@link Builder#build()} rejects bad
 * values with a message naming the setting and the value. Thread-safe.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>environment</th><th>meaning</th></tr>
 *   <tr><td>concurrency</td><td>20</td><td>WORKER_CONCURRENCY</td><td>jobs extracted at once; {@code auto}
 *       ({@link Builder#concurrencyAuto(int)}): as many as the extractor says it can run (its
 *       {@link ExtractorHealth#slots()}, e.g. from the memory available), at most {@value #DEFAULT_AUTO_MAX_CONCURRENCY}
 *       ({@code auto:N}: at most N)</td></tr>
 *   <tr><td>jobTimeout</td><td>5 min</td><td>EXTRACTION_TIMEOUT (ms)</td><td>an extraction running longer is aborted</td></tr>
 *   <tr><td>lease</td><td>30 s</td><td>DOCKET_LEASE (ms)</td><td>a claim's lease; renewed by every heartbeat</td></tr>
 *   <tr><td>heartbeatInterval</td><td>10 s</td><td>DOCKET_HEARTBEAT_INTERVAL (ms)</td><td>worker row + lease renewal period</td></tr>
 *   <tr><td>staleCheckInterval</td><td>10 s</td><td>DOCKET_STALE_CHECK_INTERVAL (ms)</td><td>stale-job monitor period</td></tr>
 *   <tr><td>pollInterval</td><td>1 s</td><td>DOCKET_POLL_INTERVAL (ms)</td><td>claim poll when no wake-up arrives</td></tr>
 *   <tr><td>claimBatchSize</td><td>100</td><td>DOCKET_CLAIM_BATCH_SIZE</td><td>most jobs claimed in one statement</td></tr>
 *   <tr><td>prefetch</td><td>auto</td><td>DOCKET_PREFETCH ({@code auto} or a number)</td><td>jobs claimed ahead,
 *       held PROCESSING until a slot frees; {@code auto}: only while jobs are short, as many as the slots run in
 *       about 50 ms, at most {@code max(concurrency, claimBatchSize)} (see
 *       {@link #prefetch()} for its cost)</td></tr>
 *   <tr><td>retryInitialBackoff</td><td>5 s</td><td>DOCKET_RETRY_BACKOFF (ms)</td><td>delay before the first retry of a transient failure, doubled each attempt, ±20% jitter</td></tr>
 *   <tr><td>retryMaxBackoff</td><td>10 min</td><td>DOCKET_RETRY_MAX_BACKOFF (ms)</td><td>cap of that delay</td></tr>
 *   <tr><td>shutdownGracePeriod</td><td>30 s</td><td>DOCKET_SHUTDOWN_GRACE (ms)</td><td>how long close() waits for running jobs before releasing them</td></tr>
 *   <tr><td>extractorRestartBackoff</td><td>1 s</td><td>DOCKET_EXTRACTOR_RESTART_BACKOFF (ms)</td><td>first delay before retrying a failed extractor start, doubled up to 1 min</td></tr>
 *   <tr><td>workerId</td><td>host-pid-random</td><td>DOCKET_WORKER_ID</td><td>unique id of this worker</td></tr>
 * </table>
 *
 * <p>Invariant 1 of the design: a job held by a dead worker is PROCESSING for at most
 * {@code lease + staleCheckInterval} (40 s by default).
 */
public final class WorkerConfig {
    public static final int DEFAULT_CONCURRENCY = 20;
    public static final Duration DEFAULT_JOB_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofMinutes(4);
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_STALE_CHECK_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final int DEFAULT_CLAIM_BATCH_SIZE = 100;
    /**
     * With {@link Builder#prefetchAuto() prefetch auto} (the default), jobs are claimed ahead only while the recent
     * jobs of this runtime ran, on average, shorter than this (see {@link #prefetch()}).
     */
    public static final Duration AUTO_PREFETCH_SHORT_JOB = Duration.ofMillis(50);
    /** Most jobs a worker may claim ahead. */
    public static final int MAX_PREFETCH = 1_000;
    public static final Duration DEFAULT_RETRY_INITIAL_BACKOFF = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RETRY_MAX_BACKOFF = Duration.ofMinutes(10);
    public static final Duration DEFAULT_SHUTDOWN_GRACE_PERIOD = Duration.ofSeconds(30);
    public static final Duration DEFAULT_EXTRACTOR_RESTART_BACKOFF = Duration.ofSeconds(1);
    /** Most slots {@code concurrency auto} uses unless told otherwise ({@code WORKER_CONCURRENCY=auto:N}). */
    public static final int DEFAULT_AUTO_MAX_CONCURRENCY = 64;
    /** Highest accepted concurrency. */
    public static final int MAX_CONCURRENCY = 1_000;
    /** Shortest accepted period of the runtime's timers (heartbeat, stale check, poll) and job timeout. */
    public static final Duration MIN_TIMER = Duration.ofMillis(10);
    /** Longest accepted job timeout and session timeout. */
    public static final Duration MAX_JOB_TIMEOUT = Duration.ofDays(1);
    /** Longest accepted lease, heartbeat, stale-check and poll interval, grace period and restart backoff. */
    public static final Duration MAX_INTERVAL = Duration.ofHours(1);
    /** Shortest accepted lease. */
    public static final Duration MIN_LEASE = Duration.ofMillis(100);
    /** Longest accepted retry backoff. */
    public static final Duration MAX_RETRY_BACKOFF = Duration.ofDays(30);

    private final int concurrency;
    private final boolean concurrencyAuto;
    private final Duration jobTimeout;
    private final Duration sessionTimeout;
    private final Duration lease;
    private final Duration heartbeatInterval;
    private final Duration staleCheckInterval;
    private final Duration pollInterval;
    private final int claimBatchSize;
    private final int prefetch;
    private final boolean prefetchAuto;
    private final Duration retryInitialBackoff;
    private final Duration retryMaxBackoff;
    private final Duration shutdownGracePeriod;
    private final Duration extractorRestartBackoff;
    private final String workerId;

    private WorkerConfig(Builder b) {
        this.concurrency = b.concurrency;
        this.concurrencyAuto = b.concurrencyAuto;
        this.jobTimeout = b.jobTimeout;
        this.sessionTimeout = b.sessionTimeout;
        this.lease = b.lease;
        this.heartbeatInterval = b.heartbeatInterval;
        this.staleCheckInterval = b.staleCheckInterval;
        this.pollInterval = b.pollInterval;
        this.claimBatchSize = b.claimBatchSize;
        this.prefetchAuto = b.prefetchAuto;
        this.prefetch = b.prefetchAuto ? autoPrefetchCap(b.concurrency, b.claimBatchSize) : b.prefetch;
        this.retryInitialBackoff = b.retryInitialBackoff;
        this.retryMaxBackoff = b.retryMaxBackoff;
        this.shutdownGracePeriod = b.shutdownGracePeriod;
        this.extractorRestartBackoff = b.extractorRestartBackoff;
        this.workerId = b.workerId != null ? b.workerId : defaultWorkerId();
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static WorkerConfig defaults() {
        return builder().build();
    }

    /**
     * Reads the settings from the process environment (names in the class table; durations in
     * milliseconds, as the old system read them). Unset variables keep their defaults.
     *
     * @throws IllegalArgumentException naming the variable and its bad value
     */
    public static WorkerConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** As {@link #fromEnvironment()}, from the given map (for tests and other config sources). */
    public static WorkerConfig fromEnvironment(Map<String, String> env) {
        return builderFromEnvironment(env).build();
    }

    /**
     * A builder preset from the environment map, for overriding some settings in code. {@code SESSION_TIMEOUT} is
     * not read here: it is an extractor setting, read by {@code PlaywrightConfig.fromEnvironment}.
     */
    public static Builder builderFromEnvironment(Map<String, String> env) {
        Builder b = builder();
        WorkerConfigRules.readEnvironment(env, b);
        return b;
    }

    static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        String shortHost = host.length() > 40 ? host.substring(0, 40) : host;
        return shortHost + "-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }

    static String runtimeName() {
        return ManagementFactory.getRuntimeMXBean().getName();
    }

    /** The slots: a fixed number, or with {@link #concurrencyAuto()} the most slots the runtime may use. */
    public int concurrency() {
        return concurrency;
    }

    /**
     * True for {@code concurrency auto}: the runtime uses as many of its {@link #concurrency()} slots as the
     * extractor's health says it can run ({@link ExtractorHealth#slots()}; an extractor that does not say gets
     * {@value #DEFAULT_CONCURRENCY}, or fewer when the maximum is lower).
     */
    public boolean concurrencyAuto() {
        return concurrencyAuto;
    }

    public Duration jobTimeout() {
        return jobTimeout;
    }

    /**
     * Not used by the runtime and no longer read from {@code SESSION_TIMEOUT}.
     *
     * @deprecated the session timeout is an extractor setting: use {@code PlaywrightConfig.sessionTimeout()}
     *     ({@code PlaywrightConfig.Builder.sessionTimeout}, or {@code SESSION_TIMEOUT} through
     *     {@code PlaywrightConfig.fromEnvironment()}). Returns what {@link Builder#sessionTimeout} set, else 4 min.
     */
    @Deprecated(since = "0.2", forRemoval = true)
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    public Duration lease() {
        return lease;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    public Duration staleCheckInterval() {
        return staleCheckInterval;
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    public int claimBatchSize() {
        return claimBatchSize;
    }

    /**
     * Jobs claimed ahead of a free slot, so that a slot whose job ended starts the next at once instead of
     * waiting for a claim round trip (0: claim only for free slots). Its cost, hidden from the slots: up to
     * {@code prefetch} jobs per worker are PROCESSING in the store, owned by this worker, while none of its
     * slots runs them. They count against their source's cap (the claim is the accounting point), their lease
     * is renewed by the heartbeat, their {@code jobTimeout} starts only when they start, and they wait for a slot
     * while the jobs ahead of them run: at most {@code ceil(prefetch / concurrency)} job run times (each at most
     * {@code jobTimeout}); another worker cannot take them meanwhile. {@code close()}, an extractor that is not
     * ready and a sink that is down give them back to PENDING at once without spending an attempt; after a crash
     * they are reset like running jobs, within {@code lease + staleCheckInterval}, with the attempt the claim
     * counted. Worth it for short jobs (each claim round trip is then a large part of a job); keep it 0 for jobs of
     * seconds (browser jobs), where a round trip is nothing and held jobs only delay other workers.
     *
     * <p>With {@link #prefetchAuto()} (the default) this is the most jobs held ahead,
     * {@code max(concurrency, claimBatchSize)} (at most {@value #MAX_PREFETCH}), and the runtime holds fewer: none
     * before the first job ended, none while the moving average of its jobs' run times (from their start to their
     * outcome) is {@link #AUTO_PREFETCH_SHORT_JOB} or more, and otherwise as many as its slots run in about that
     * time on that average ({@code concurrency × 50 ms / average}, so never fewer than {@code concurrency}). The
     * hidden cost while it is on: a held job waits, on the recent average, about 50
     * ms beyond the jobs running when it was claimed. No-op jobs get whole claims ahead; 20 ms jobs about 2.5 per
     * slot; browser jobs none, so each stays claimable by any worker until a slot of its own is free.
     */
    public int prefetch() {
        return prefetch;
    }

    /** The most jobs {@code prefetch auto} holds ahead: one whole claim, or one job per slot when that is more. */
    static int autoPrefetchCap(int concurrency, int claimBatchSize) {
        return Math.min(Math.max(concurrency, claimBatchSize), MAX_PREFETCH);
    }

    /** True when the runtime claims ahead only while its jobs are short ({@link #prefetch()}); the default. */
    public boolean prefetchAuto() {
        return prefetchAuto;
    }

    public Duration retryInitialBackoff() {
        return retryInitialBackoff;
    }

    public Duration retryMaxBackoff() {
        return retryMaxBackoff;
    }

    public Duration shutdownGracePeriod() {
        return shutdownGracePeriod;
    }

    public Duration extractorRestartBackoff() {
        return extractorRestartBackoff;
    }

    public String workerId() {
        return workerId;
    }

    /** A builder preset with these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.concurrency = concurrency;
        b.concurrencyAuto = concurrencyAuto;
        b.jobTimeout = jobTimeout;
        b.sessionTimeout = sessionTimeout;
        b.lease = lease;
        b.heartbeatInterval = heartbeatInterval;
        b.staleCheckInterval = staleCheckInterval;
        b.pollInterval = pollInterval;
        b.claimBatchSize = claimBatchSize;
        b.prefetch = prefetch;
        b.prefetchAuto = prefetchAuto;
        b.retryInitialBackoff = retryInitialBackoff;
        b.retryMaxBackoff = retryMaxBackoff;
        b.shutdownGracePeriod = shutdownGracePeriod;
        b.extractorRestartBackoff = extractorRestartBackoff;
        b.workerId = workerId;
        return b;
    }

    @Override
    public String toString() {
        return "WorkerConfig{workerId=" + workerId + ", concurrency=" + (concurrencyAuto ? "auto (at most " + concurrency + ")" : concurrency) + ", jobTimeout=" + jobTimeout
                + ", sessionTimeout=" + sessionTimeout + ", lease=" + lease + ", heartbeatInterval=" + heartbeatInterval
                + ", staleCheckInterval=" + staleCheckInterval + ", pollInterval=" + pollInterval
                + ", claimBatchSize=" + claimBatchSize + ", prefetch=" + (prefetchAuto ? "auto (at most " + prefetch + ")" : prefetch) + ", retryBackoff=" + retryInitialBackoff + ".." + retryMaxBackoff
                + ", shutdownGracePeriod=" + shutdownGracePeriod + "}";
    }

    /** Builds a {@link WorkerConfig}. Setters check their own value; {@link #build()} checks combinations. */
    public static final class Builder {
        private int concurrency = DEFAULT_CONCURRENCY;
        private boolean concurrencyAuto;
        private Duration jobTimeout = DEFAULT_JOB_TIMEOUT;
        private Duration sessionTimeout = DEFAULT_SESSION_TIMEOUT;
        private Duration lease = DEFAULT_LEASE;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration staleCheckInterval = DEFAULT_STALE_CHECK_INTERVAL;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private int claimBatchSize = DEFAULT_CLAIM_BATCH_SIZE;
        private int prefetch;
        private boolean prefetchAuto = true;
        private Duration retryInitialBackoff = DEFAULT_RETRY_INITIAL_BACKOFF;
        private Duration retryMaxBackoff = DEFAULT_RETRY_MAX_BACKOFF;
        private Duration shutdownGracePeriod = DEFAULT_SHUTDOWN_GRACE_PERIOD;
        private Duration extractorRestartBackoff = DEFAULT_EXTRACTOR_RESTART_BACKOFF;
        private String workerId;

        private Builder() {
        }

        public Builder concurrency(int concurrency) {
            WorkerConfigRules.range("concurrency", concurrency, 1, MAX_CONCURRENCY);
            this.concurrency = concurrency;
            this.concurrencyAuto = false;
            return this;
        }

        /**
         * {@code concurrency auto}: as many slots as the extractor says it can run now (see
         * {@link WorkerConfig#concurrencyAuto()}), at most {@code max} (1-{@value #MAX_CONCURRENCY}).
         */
        public Builder concurrencyAuto(int max) {
            WorkerConfigRules.range("concurrency auto: its maximum", max, 1, MAX_CONCURRENCY);
            this.concurrency = max;
            this.concurrencyAuto = true;
            return this;
        }

        /** Between {@link #MIN_TIMER} and {@link #MAX_JOB_TIMEOUT}. */
        public Builder jobTimeout(Duration d) {
            this.jobTimeout = WorkerConfigRules.between("jobTimeout", d, MIN_TIMER, MAX_JOB_TIMEOUT);
            return this;
        }

        /**
         * Between 1 ms and {@link #MAX_JOB_TIMEOUT}.
         *
         * @deprecated not used by the runtime; set {@code PlaywrightConfig.Builder.sessionTimeout} instead
         */
        @Deprecated(since = "0.2", forRemoval = true)
        public Builder sessionTimeout(Duration d) {
            this.sessionTimeout = WorkerConfigRules.between("sessionTimeout", d, Duration.ofMillis(1), MAX_JOB_TIMEOUT);
            return this;
        }

        /** Between {@link #MIN_LEASE} and {@link #MAX_INTERVAL}. */
        public Builder lease(Duration d) {
            this.lease = WorkerConfigRules.between("lease", d, MIN_LEASE, MAX_INTERVAL);
            return this;
        }

        /** Between {@link #MIN_TIMER} and {@link #MAX_INTERVAL}, and shorter than the lease. */
        public Builder heartbeatInterval(Duration d) {
            this.heartbeatInterval = WorkerConfigRules.between("heartbeatInterval", d, MIN_TIMER, MAX_INTERVAL);
            return this;
        }

        /** Between {@link #MIN_TIMER} and {@link #MAX_INTERVAL}. */
        public Builder staleCheckInterval(Duration d) {
            this.staleCheckInterval = WorkerConfigRules.between("staleCheckInterval", d, MIN_TIMER, MAX_INTERVAL);
            return this;
        }

        /** Between {@link #MIN_TIMER} and {@link #MAX_INTERVAL}. */
        public Builder pollInterval(Duration d) {
            this.pollInterval = WorkerConfigRules.between("pollInterval", d, MIN_TIMER, MAX_INTERVAL);
            return this;
        }

        public Builder claimBatchSize(int n) {
            WorkerConfigRules.range("claimBatchSize", n, 1, 1000);
            this.claimBatchSize = n;
            return this;
        }

        /**
         * Jobs claimed ahead of a free slot, always, 0-{@value #MAX_PREFETCH} (0: none; see
         * {@link WorkerConfig#prefetch()}); replaces the default {@link #prefetchAuto()}.
         */
        public Builder prefetch(int n) {
            WorkerConfigRules.range("prefetch", n, 0, MAX_PREFETCH);
            this.prefetch = n;
            this.prefetchAuto = false;
            return this;
        }

        /**
         * The default: jobs claimed ahead only while this runtime's jobs run shorter than
         * {@link WorkerConfig#AUTO_PREFETCH_SHORT_JOB} on average, as many as its slots run in about that time, at
         * most {@code max(concurrency, claimBatchSize)} (see {@link WorkerConfig#prefetch()}).
         */
        public Builder prefetchAuto() {
            this.prefetchAuto = true;
            return this;
        }

        /** Delay before the first retry; doubled for each further attempt, with ±20% jitter. */
        public Builder retryBackoff(Duration initial, Duration max) {
            this.retryInitialBackoff = WorkerConfigRules.between("retryInitialBackoff", initial, Duration.ZERO, MAX_RETRY_BACKOFF);
            this.retryMaxBackoff = WorkerConfigRules.between("retryMaxBackoff", max, Duration.ZERO, MAX_RETRY_BACKOFF);
            return this;
        }

        /** Between 0 and {@link #MAX_RETRY_BACKOFF}. */
        public Builder retryInitialBackoff(Duration d) {
            this.retryInitialBackoff = WorkerConfigRules.between("retryInitialBackoff", d, Duration.ZERO, MAX_RETRY_BACKOFF);
            return this;
        }

        /** Between 0 and {@link #MAX_RETRY_BACKOFF}. */
        public Builder retryMaxBackoff(Duration d) {
            this.retryMaxBackoff = WorkerConfigRules.between("retryMaxBackoff", d, Duration.ZERO, MAX_RETRY_BACKOFF);
            return this;
        }

        /** Between 0 and {@link #MAX_INTERVAL}. */
        public Builder shutdownGracePeriod(Duration d) {
            this.shutdownGracePeriod = WorkerConfigRules.between("shutdownGracePeriod", d, Duration.ZERO, MAX_INTERVAL);
            return this;
        }

        /** Between 1 ms and {@link #MAX_INTERVAL}. */
        public Builder extractorRestartBackoff(Duration d) {
            this.extractorRestartBackoff = WorkerConfigRules.between("extractorRestartBackoff", d, Duration.ofMillis(1), MAX_INTERVAL);
            return this;
        }

        /** 1-128 characters of letters, digits, '.', '_', ':' and '-'. */
        public Builder workerId(String id) {
            this.workerId = WorkerConfigRules.workerId(id);
            return this;
        }

        /** @throws IllegalArgumentException when settings contradict each other */
        public WorkerConfig build() {
            WorkerConfigRules.consistent(heartbeatInterval, lease, retryInitialBackoff, retryMaxBackoff);
            return new WorkerConfig(this);
        }
    }
}
