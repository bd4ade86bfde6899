package dev.docket.extractor.playwright.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How one browser is used, for its recycling: jobs started and running on it, the slots that used it, when it
 * last finished a job, and whether (and why) it is retired or should be. Thread-safe.
 */
final class BrowserUsage {
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final Set<Integer> slots = ConcurrentHashMap.newKeySet();
    private volatile long lastUsedNanos = System.nanoTime();
    private volatile String retireWanted;
    private volatile String retired;

    void start(int slot) {
        active.incrementAndGet();
        started.incrementAndGet();
        slots.add(slot);
    }

    /** @return the jobs still running on it */
    int end() {
        lastUsedNanos = System.nanoTime();
        return active.decrementAndGet();
    }

    int active() {
        return active.get();
    }

    int started() {
        return started.get();
    }

    int slotsSeen() {
        return slots.size();
    }

    long idleNanos() {
        return active.get() > 0 ? 0 : System.nanoTime() - lastUsedNanos;
    }

    /** Asks for a retirement at the next job (e.g. its memory passed the limit). */
    void wantRetirement(String why) {
        if (retireWanted == null) {
            retireWanted = why;
        }
    }

    String retirementWanted() {
        return retireWanted;
    }

    void retire(String why) {
        retired = why;
    }

    /** Why it was retired, or null while in service. */
    String retired() {
        return retired;
    }
}
