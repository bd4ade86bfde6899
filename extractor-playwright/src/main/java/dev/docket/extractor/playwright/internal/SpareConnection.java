package dev.docket.extractor.playwright.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One Playwright connection kept ready for the next slot that needs one (a new slot, or a slot whose connection
 * was discarded after a cancelled job): starting a driver takes 1-3 s on a busy machine, which would otherwise
 * be spent inside a job's deadline. Refilled in the background on the extractor's
 * {@code docket-playwright-spare} thread. Thread-safe.
 */
public final class SpareConnection implements SlotSession.SpareConnections, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SpareConnection.class);
    private static final long STOP_SECONDS = 10;

    private final PlaywrightFactory factory;
    private final ExecutorService refiller;
    private final AtomicReference<PlaywrightFactory.Connection> spare = new AtomicReference<>();
    private final AtomicBoolean refilling = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * @param initial  a connection to hand out first (may be null)
     * @param refiller a single thread that belongs to the extractor; shut down by {@link #close()}
     */
    public SpareConnection(PlaywrightFactory factory, PlaywrightFactory.Connection initial, ExecutorService refiller) {
        this.factory = factory;
        this.refiller = refiller;
        spare.set(initial);
    }

    /** The ready connection, or null when none is ready (the caller then creates one); starts a refill. */
    @Override
    public PlaywrightFactory.Connection take() {
        PlaywrightFactory.Connection c = spare.getAndSet(null);
        refill();
        return c;
    }

    private void refill() {
        if (closed || !refilling.compareAndSet(false, true)) {
            return;
        }
        try {
            refiller.execute(() -> {
                try {
                    if (!closed && spare.get() == null) {
                        PlaywrightFactory.Connection c = factory.create();
                        if (closed || !spare.compareAndSet(null, c)) {
                            c.close();
                        }
                    }
                } catch (RuntimeException e) {
                    log.warn("could not prepare a spare Playwright connection; slots will create their own: {}", e.toString());
                } finally {
                    refilling.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            refilling.set(false);
        }
    }

    /** Stops refilling and closes the spare. Idempotent; never throws. */
    @Override
    public void close() {
        closed = true;
        // not interrupted: an interrupted Playwright.create() would leave its driver process behind
        refiller.shutdown();
        try {
            if (!refiller.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS)) {
                log.warn("the spare-connection thread did not stop within {} s", STOP_SECONDS);
                refiller.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        PlaywrightFactory.Connection c = spare.getAndSet(null);
        if (c != null) {
            c.close();
        }
    }
}
