package dev.docket.queue.internal;

import dev.docket.queue.Ticker;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deadline of one {@code close()}, measured on the ticker, and its bounded steps: a step that hangs (a store
 * or extractor that does not answer) is left behind on a daemon thread instead of holding the close past its bound.
 */
public final class ShutdownSteps {
    private static final Logger log = LoggerFactory.getLogger(ShutdownSteps.class);
    private final Ticker ticker;
    private final long deadline;
    private final String workerId;

    /** A close that must end within {@code bound} from now. */
    public ShutdownSteps(Ticker ticker, Duration bound, String workerId) {
        this.ticker = ticker;
        this.deadline = ticker.read() + bound.toNanos();
        this.workerId = workerId;
    }

    /** Time left until the deadline (zero once it passed). */
    public Duration left() {
        long nanos = deadline - ticker.read();
        return nanos <= 0 ? Duration.ZERO : Duration.ofNanos(nanos);
    }

    /** The shorter of {@code max} and {@link #left()}. */
    public Duration atMost(Duration max) {
        Duration left = left();
        return max.compareTo(left) <= 0 ? max : left;
    }

    /**
     * Runs {@code step} on a daemon thread of its own and waits for it at most {@code max} and at most until the
     * deadline. A step left behind finishes (or fails) on its own; it is logged.
     */
    public void bounded(String what, Duration max, Runnable step) {
        Duration wait = atMost(max);
        Thread t = new NamedThreads("close", workerId).newThread(() -> {
            try {
                step.run();
            } catch (RuntimeException | Error e) {
                log.warn("worker {}: {} failed during shutdown", workerId, what, e);
            }
        });
        t.start();
        try {
            t.join(Math.max(1, wait.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            log.warn("worker {}: {} did not finish within {} during shutdown; leaving it behind (the store or the "
                    + "extractor does not answer); jobs it concerned are reset when their lease expires", workerId, what,
                    Durations.format(wait));
        }
    }

    /** Joins {@code t} for {@code max}, interrupts it if still alive, and joins it once more. */
    public static void join(Thread t, Duration max) {
        try {
            t.join(max.toMillis());
            if (t.isAlive()) {
                t.interrupt();
                t.join(max.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits up to {@code max} for {@code e} to terminate. */
    public static boolean await(ExecutorService e, Duration max) {
        try {
            return e.awaitTermination(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
