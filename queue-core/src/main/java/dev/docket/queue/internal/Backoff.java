package dev.docket.queue.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential back-off with jitter. Immutable. */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final double jitter;

    /**
     * @param initial delay for the first step
     * @param max     cap
     * @param jitter  0-1: each delay is spread uniformly over ±jitter of its value
     */
    public Backoff(Duration initial, Duration max, double jitter) {
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be 0-1 but was " + jitter);
        }
        this.initial = initial;
        this.max = max;
        this.jitter = jitter;
    }

    /** The delay before step {@code n} (1 = first retry): initial·2^(n-1), capped, jittered. */
    public Duration delay(int n) {
        long base = initial.toMillis();
        long cap = max.toMillis();
        long ms = base;
        for (int i = 1; i < n && ms < cap; i++) {
            ms = ms * 2;
        }
        ms = Math.min(ms, cap);
        if (jitter > 0 && ms > 0) {
            double f = 1 + (ThreadLocalRandom.current().nextDouble() * 2 - 1) * jitter;
            ms = Math.round(ms * f);
        }
        return Duration.ofMillis(Math.max(0, ms));
    }

    /** A stateful sequence of delays, for loops that back off until something works. Not thread-safe. */
    public Sequence sequence() {
        return new Sequence();
    }

    /** Steps through {@link Backoff#delay(int)}. */
    public final class Sequence {
        private int step;

        public Duration next() {
            step = Math.min(step + 1, 62);
            return delay(step);
        }

        public void reset() {
            step = 0;
        }

        public int failures() {
            return step;
        }
    }
}
