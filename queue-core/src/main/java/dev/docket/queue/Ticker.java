package dev.docket.queue;

/**
 * A source of elapsed time in nanoseconds, beside {@link java.time.Clock} (which gives wall-clock
 * instants): the runtime measures with it how long a job has run (its real-time timeout and the
 * duration passed to listeners), how long an unrecorded outcome has waited for the store, and how
 * long {@link WorkerRuntime#close()} has left. Only differences between two readings mean anything.
 *
 * <p>Production code uses {@link #system()}; tests pass {@code dev.docket.queue.testing.ManualTicker}
 * to {@link WorkerRuntime.Builder#ticker(Ticker)} and move it by hand. Implementations must be
 * thread-safe and never go backwards.
 */
@FunctionalInterface
public interface Ticker {
    /** The current reading in nanoseconds, from an arbitrary origin. */
    long read();

    /** The JVM's monotonic {@link System#nanoTime()}. */
    static Ticker system() {
        return SystemTicker.INSTANCE;
    }
}

/** {@link Ticker#system()}. */
enum SystemTicker implements Ticker {
    INSTANCE;

    @Override
    public long read() {
        return System.nanoTime();
    }
}
