package dev.docket.queue.s3.internal;

import java.io.InterruptedIOException;

/**
 * Paces bytes to at most {@code bytesPerSecond} across every caller together (one limiter per sink, so per worker),
 * allowing a burst of a tenth of a second. Thread-safe.
 */
public final class BandwidthLimiter {
    private final long bytesPerSecond;
    private final long burstNanos;
    private long nextFree = System.nanoTime();

    public BandwidthLimiter(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond must be greater than 0 but was " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.burstNanos = 100_000_000L;
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Waits until {@code bytes} more may be sent. */
    public void acquire(int bytes) throws InterruptedIOException {
        long cost = bytes * 1_000_000_000L / bytesPerSecond;
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long start = Math.max(nextFree, now - burstNanos);
            nextFree = start + cost;
            wait = nextFree - now - burstNanos;
        }
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while pacing the upload");
            }
        }
    }
}
