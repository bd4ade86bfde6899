package dev.docket.queue.internal;

import dev.docket.queue.Ticker;

import dev.docket.queue.StoreException;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks whether the store is reachable, so an outage is logged once when it starts and once when it
 * ends, not once per job. A failure shortly after a recovery (stale pooled connections failing one
 * by one after a restart) continues the same outage instead of starting a new one. Thread-safe.
 */
public final class StoreHealth {
    private static final Logger log = LoggerFactory.getLogger(StoreHealth.class);
    /** A failure this soon after a recovery is the same outage flapping, not a new one. */
    static final Duration FLAP_WINDOW = Duration.ofSeconds(10);

    private final String workerId;
    private final Ticker ticker;
    private final Consumer<Throwable> onDown;
    private final Consumer<Duration> onUp;
    private long downSinceNanos;
    private long recoveredAtNanos;
    private boolean down;
    private boolean flapping;
    private boolean everRecovered;
    private String lastError;

    public StoreHealth(String workerId, Consumer<Throwable> onDown, Consumer<Duration> onUp) {
        this(workerId, Ticker.system(), onDown, onUp);
    }

    /** @param ticker measures the outage and the flap window */
    public StoreHealth(String workerId, Ticker ticker, Consumer<Throwable> onDown, Consumer<Duration> onUp) {
        this.ticker = ticker;
        this.workerId = workerId;
        this.onDown = onDown;
        this.onUp = onUp;
    }

    /** Records a failed store call; logs (WARN) only the first failure of an outage. */
    public void failed(String operation, Throwable e) {
        boolean first;
        boolean flap;
        synchronized (this) {
            first = !down;
            flap = first && everRecovered && ticker.read() - recoveredAtNanos < FLAP_WINDOW.toNanos();
            if (first) {
                down = true;
                flapping = flap;
                if (!flap) {
                    downSinceNanos = ticker.read();
                }
            }
            lastError = operation + ": " + e.getMessage();
        }
        if (first && !flap) {
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
        boolean flap;
        synchronized (this) {
            if (!down) {
                return;
            }
            down = false;
            flap = flapping;
            flapping = false;
            everRecovered = true;
            recoveredAtNanos = ticker.read();
            outage = Duration.ofNanos(recoveredAtNanos - downSinceNanos);
        }
        if (flap) {
            log.debug("worker {}: job store reachable again", workerId);
            return;
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
