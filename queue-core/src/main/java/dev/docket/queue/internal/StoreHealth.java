package dev.docket.queue.internal;

import dev.docket.queue.StoreException;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks whether the store is reachable, so an outage is logged once when it starts and once when it
 * ends, not once per job. Thread-safe.
 */
public final class StoreHealth {
    private static final Logger log = LoggerFactory.getLogger(StoreHealth.class);
    private final String workerId;
    private final Consumer<Throwable> onDown;
    private final Consumer<Duration> onUp;
    private long downSinceNanos;
    private boolean down;
    private String lastError;

    public StoreHealth(String workerId, Consumer<Throwable> onDown, Consumer<Duration> onUp) {
        this.workerId = workerId;
        this.onDown = onDown;
        this.onUp = onUp;
    }

    /** Records a failed store call; logs (WARN) only the first failure of an outage. */
    public void failed(String operation, Throwable e) {
        boolean first;
        synchronized (this) {
            first = !down;
            if (first) {
                down = true;
                downSinceNanos = System.nanoTime();
            }
            lastError = operation + ": " + e.getMessage();
        }
        if (first) {
            boolean transientFailure = e instanceof StoreException && ((StoreException) e).isTransient();
            if (transientFailure) {
                log.warn("worker {}: job store unreachable ({} failed: {}); backing off, results kept and retried",
                        workerId, operation, e.getMessage());
            } else {
                log.error("worker {}: job store error ({} failed)", workerId, operation, e);
            }
            onDown.accept(e);
        } else {
            log.debug("worker {}: store still unavailable: {} failed: {}", workerId, operation, e.toString());
        }
    }

    /** Records a successful store call; logs the end of an outage once. */
    public void succeeded() {
        Duration outage;
        synchronized (this) {
            if (!down) {
                return;
            }
            down = false;
            outage = Duration.ofNanos(System.nanoTime() - downSinceNanos);
        }
        log.warn("worker {}: job store reachable again after {}", workerId, Durations.format(outage));
        onUp.accept(outage);
    }

    public synchronized boolean isDown() {
        return down;
    }

    public synchronized String lastError() {
        return lastError;
    }
}
