package dev.docket.queue.internal;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * A stateful run of exponential back-off delays with jitter (resilience4j
 * {@link IntervalFunction#ofExponentialRandomBackoff(long, double, double, long)}), for loops that back off
 * until something works: {@link #next()} after each failure, {@link #reset()} after a success. Not thread-safe.
 */
public final class BackoffSequence {
    private static final int MAX_STEP = 62;
    private final IntervalFunction intervals;
    private int step;

    /**
     * @param initial delay after the first failure, at least 1 ms
     * @param max     cap, at least {@code initial}
     * @param jitter  0 to below 1: each delay is spread uniformly over ±jitter of its value
     */
    public BackoffSequence(Duration initial, Duration max, double jitter) {
        this.intervals = IntervalFunction.ofExponentialRandomBackoff(initial.toMillis(), 2.0, jitter, max.toMillis());
    }

    /** The delay after one more failure. */
    public Duration next() {
        step = Math.min(step + 1, MAX_STEP);
        return Duration.ofMillis(intervals.apply(step));
    }

    /** Starts over after a success. */
    public void reset() {
        step = 0;
    }

    /** Failures since the last {@link #reset()}. */
    public int failures() {
        return step;
    }
}
