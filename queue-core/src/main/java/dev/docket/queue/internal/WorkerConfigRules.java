package dev.docket.queue.internal;

import dev.docket.queue.WorkerConfig;
import java.time.Duration;
import java.util.Map;

/**
 * {@link WorkerConfig}'s rules: reading its environment variables into a builder, and the checks of its
 * builder, each throwing an {@link IllegalArgumentException} that names the setting (or variable) and the bad
 * value.
 */
public final class WorkerConfigRules {
    private WorkerConfigRules() {
    }

    /** Sets on {@code b} every setting whose variable {@code env} has (names in {@link WorkerConfig}'s table). */
    public static void readEnvironment(Map<String, String> env, WorkerConfig.Builder b) {
        EnvSettings e = EnvSettings.of(env);
        concurrency(e, b);
        e.millis("EXTRACTION_TIMEOUT", b::jobTimeout);
        e.millis("DOCKET_LEASE", b::lease);
        e.millis("DOCKET_HEARTBEAT_INTERVAL", b::heartbeatInterval);
        e.millis("DOCKET_STALE_CHECK_INTERVAL", b::staleCheckInterval);
        e.millis("DOCKET_POLL_INTERVAL", b::pollInterval);
        e.integer("DOCKET_CLAIM_BATCH_SIZE", b::claimBatchSize);
        if (e.string("DOCKET_PREFETCH").map(v -> v.trim().equalsIgnoreCase("auto")).orElse(false)) {
            b.prefetchAuto();
        } else {
            e.integer("DOCKET_PREFETCH", b::prefetch);
        }
        e.millis("DOCKET_RETRY_BACKOFF", b::retryInitialBackoff);
        e.millis("DOCKET_RETRY_MAX_BACKOFF", b::retryMaxBackoff);
        e.millis("DOCKET_SHUTDOWN_GRACE", b::shutdownGracePeriod);
        e.millis("DOCKET_EXTRACTOR_RESTART_BACKOFF", b::extractorRestartBackoff);
        e.string("DOCKET_WORKER_ID").ifPresent(b::workerId);
    }

    /** {@code WORKER_CONCURRENCY}: a number, {@code auto} or {@code auto:N}. */
    private static void concurrency(EnvSettings e, WorkerConfig.Builder b) {
        String v = e.string("WORKER_CONCURRENCY").orElse("");
        String lower = v.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("auto")) {
            b.concurrencyAuto(WorkerConfig.DEFAULT_AUTO_MAX_CONCURRENCY);
        } else if (lower.startsWith("auto:")) {
            int max;
            try {
                max = Integer.parseInt(lower.substring(5).trim());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("WORKER_CONCURRENCY must be a whole number, auto or auto:N but was '"
                        + v + "'", ex);
            }
            b.concurrencyAuto(max);
        } else {
            e.integer("WORKER_CONCURRENCY", b::concurrency);
        }
    }

    /** {@code value} when it lies in {@code [min, max]}; else "{@code name} must be min-max but was value". */
    public static int range(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + "-" + max + " but was " + value);
        }
        return value;
    }

    /** {@code id} when it is 1-128 characters of letters, digits, '.', '_', ':' and '-'. */
    public static String workerId(String id) {
        if (id == null || !id.matches("[A-Za-z0-9._:\\-]{1,128}")) {
            throw new IllegalArgumentException(
                    "workerId must be 1-128 characters of letters, digits, '.', '_', ':' or '-' but was '" + id + "'");
        }
        return id;
    }

    /** The checks across settings made at {@code build()}. */
    public static void consistent(Duration heartbeatInterval, Duration lease, Duration retryInitialBackoff,
                                  Duration retryMaxBackoff) {
        if (heartbeatInterval.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("heartbeatInterval (" + heartbeatInterval
                    + ") must be shorter than lease (" + lease + "), or leases expire between heartbeats");
        }
        if (retryMaxBackoff.compareTo(retryInitialBackoff) < 0) {
            throw new IllegalArgumentException("retryMaxBackoff (" + retryMaxBackoff
                    + ") must not be shorter than retryInitialBackoff (" + retryInitialBackoff + ")");
        }
    }

    /**
     * {@code d} when it lies in {@code [min, max]}; else an exception naming {@code name}, the bad value and the
     * accepted range.
     */
    public static Duration between(String name, Duration d, Duration min, Duration max) {
        String range = " (accepted: " + Durations.format(min) + " to " + Durations.format(max) + ")";
        if (d == null || d.isNegative() || (d.isZero() && !min.isZero())) {
            throw new IllegalArgumentException(name + (min.isZero() ? " must be >= 0" : " must be > 0")
                    + " but was " + d + range);
        }
        if (d.compareTo(min) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + Durations.format(min) + " but was "
                    + d + range);
        }
        if (d.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + Durations.format(max) + " but was "
                    + d + range);
        }
        return d;
    }
}
