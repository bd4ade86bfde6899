package dev.docket.queue.testing;

import dev.docket.queue.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that only moves when told to, the elapsed-time twin of {@link ManualClock}: pass it
 * to {@code WorkerRuntime.Builder.ticker(...)} or {@link ManualWorker.Builder#ticker(Ticker)} and
 * {@link #advance(Duration)} it (usually together with the clock) instead of sleeping. Thread-safe.
 */
public final class ManualTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong();

    /** A ticker reading 0. */
    public ManualTicker() {
    }

    /**
     * Moves the ticker forward by {@code amount}.
     *
     * @throws IllegalArgumentException when {@code amount} is negative (a ticker never goes back)
     */
    public void advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("amount must be >= 0 but was " + amount);
        }
        nanos.addAndGet(amount.toNanos());
    }

    @Override
    public long read() {
        return nanos.get();
    }

    @Override
    public String toString() {
        return "ManualTicker[" + nanos.get() + "ns]";
    }
}
