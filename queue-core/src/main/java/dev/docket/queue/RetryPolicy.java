package dev.docket.queue;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.Objects;

/**
 * Decides what happens to a job after an attempt failed transiently (the extractor threw an
 * {@link ExtractionException} of kind {@code TRANSIENT} or any other exception, returned null, the
 * sink failed transiently) or timed out: retry it after a delay, or fail it now.
 *
 * <p>The runtime asks only while the job has attempts left: a job whose {@code attempts} reached its
 * {@code maxAttempts} fails without asking. Permanent failures fail, infrastructure failures and an
 * unavailable document sink release the job without spending its attempt: those rules are not the
 * policy's. Set one with {@link WorkerRuntime.Builder#retryPolicy(RetryPolicy)}; the default is
 * {@link #exponential(Duration, Duration, double)} over {@link WorkerConfig#retryInitialBackoff()}
 * and {@link WorkerConfig#retryMaxBackoff()} with ±20% jitter.
 *
 * <p>Called on the runtime's job and timeout threads: implementations must be thread-safe, fast, and
 * should not throw (a policy that throws is treated as "retry after the default delay" and logged).
 */
@FunctionalInterface
public interface RetryPolicy {
    /**
     * The decision after attempt {@code job.attempts()} of {@code job} failed with {@code failure}
     * (a {@link java.util.concurrent.TimeoutException} when it timed out).
     */
    Decision decide(Job job, Throwable failure);

    /**
     * Exponential back-off with jitter: {@code initial · 2^(attempt-1)}, capped at {@code max}, each delay
     * spread uniformly over ±{@code jitter} of its value (resilience4j's
     * {@link IntervalFunction#ofExponentialRandomBackoff(long, double, double, long)}). Always retries.
     *
     * @param initial delay after the first failed attempt, at least 0 (0 retries at once, every time)
     * @param max     cap of the delay, at least {@code initial}
     * @param jitter  0 (none) to below 1
     * @throws IllegalArgumentException naming the argument and its value when one is out of range
     */
    static RetryPolicy exponential(Duration initial, Duration max, double jitter) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative()) {
            throw new IllegalArgumentException("initial must be >= 0 but was " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max must be >= initial (" + initial + ") but was " + max);
        }
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1) but was " + jitter);
        }
        if (initial.toMillis() < 1) {
            Decision now = Decision.retryAfter(Duration.ZERO);
            return (job, failure) -> now;
        }
        IntervalFunction f = IntervalFunction.ofExponentialRandomBackoff(initial.toMillis(), 2.0, jitter,
                max.toMillis());
        return (job, failure) -> Decision.retryAfter(Duration.ofMillis(f.apply(Math.max(1, job.attempts()))));
    }

    /** What to do with the job: {@link #retryAfter(Duration)} or {@link #fail()}. Immutable. */
    final class Decision {
        private static final Decision FAIL = new Decision(false, Duration.ZERO);
        private final boolean retry;
        private final Duration delay;

        private Decision(boolean retry, Duration delay) {
            this.retry = retry;
            this.delay = delay;
        }

        /**
         * Retry the job once {@code delay} has passed (it goes back to PENDING with that due time).
         *
         * @throws IllegalArgumentException when {@code delay} is negative
         */
        public static Decision retryAfter(Duration delay) {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must be >= 0 but was " + delay);
            }
            return new Decision(true, delay);
        }

        /** Fail the job now, although it has attempts left. */
        public static Decision fail() {
            return FAIL;
        }

        /** True to retry, false to fail. */
        public boolean retry() {
            return retry;
        }

        /** The delay before the retry (zero when failing). */
        public Duration delay() {
            return delay;
        }

        @Override
        public String toString() {
            return retry ? "retryAfter(" + delay + ")" : "fail";
        }
    }
}
