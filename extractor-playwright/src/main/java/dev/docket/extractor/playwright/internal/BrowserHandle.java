package dev.docket.extractor.playwright.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One browser index of {@link BrowserPool}: its current process and its launch history (failures, back-off,
 * the last error). Guarded by its own monitor: every method is called with it held.
 */
final class BrowserHandle {
    private static final Logger log = LoggerFactory.getLogger(BrowserPool.class);

    final int index;
    BrowserProcess current;
    int failures;
    long nextAttemptNanos;
    String lastError = "not started yet";
    /** The launch failure last logged at WARN, so that the same one is not logged again and again. */
    String lastLoggedError;
    int missedPings;
    /** Stopped because it was idle: not down, relaunched by the next job. */
    boolean idle;
    /** A fresh browser is being launched to replace the current one. */
    boolean replacing;
    /** No replacement is tried before this (after a failed launch). */
    long replaceNotBefore;

    BrowserHandle(int index) {
        this.index = index;
    }

    /** Makes {@code p} the current browser; {@code onExit} is told when it exits. */
    void install(BrowserProcess p, long now, Consumer<BrowserProcess> onExit) {
        current = p;
        failures = 0;
        missedPings = 0;
        nextAttemptNanos = now;
        lastError = "running";
        lastLoggedError = null;
        p.onExit().thenRun(() -> onExit.accept(p));
    }

    /**
     * Closes the dead current browser and launches a fresh one unless its back-off forbids (then null, or a
     * {@link BrowserLaunchException} when {@code failIfBackingOff}).
     */
    BrowserProcess relaunch(BrowserLauncher launcher, boolean failIfBackingOff, Consumer<BrowserProcess> onExit)
            throws BrowserLaunchException {
        if (current != null) {
            BrowserProcess dead = current;
            current = null;
            lastError = dead + " exited with code " + dead.exitCode();
            dead.close();
        }
        long now = System.nanoTime();
        if (now - nextAttemptNanos < 0) {
            String msg = "chromium #" + index + " is down (" + lastError + "); next launch in "
                    + TimeUnit.NANOSECONDS.toMillis(nextAttemptNanos - now) + " ms";
            if (failIfBackingOff) {
                throw new BrowserLaunchException(msg);
            }
            return null;
        }
        try {
            BrowserProcess p = launcher.launch(index);
            install(p, now, onExit);
            return p;
        } catch (BrowserLaunchException e) {
            failures++;
            long delay = Math.min(BrowserPool.BACKOFF_MAX.toNanos(),
                    BrowserPool.BACKOFF_BASE.toNanos() << Math.min(failures - 1, 20));
            nextAttemptNanos = System.nanoTime() + delay;
            lastError = "launch failed: " + e.getMessage();
            // logged once per change: a caller of acquire() reports the failure itself (start(), a job's failure)
            if (failIfBackingOff || e.getMessage().equals(lastLoggedError)) {
                log.debug("chromium #{} could not be launched (attempt {}), next try in {} ms: {}", index, failures,
                        TimeUnit.NANOSECONDS.toMillis(delay), e.getMessage());
            } else {
                log.warn("chromium #{} could not be launched (attempt {}), next try in {} ms: {}", index, failures,
                        TimeUnit.NANOSECONDS.toMillis(delay), e.getMessage());
                lastLoggedError = e.getMessage();
            }
            throw e;
        }
    }

    /** Null when this browser is running or idle; else why it is down. */
    String problem() {
        if (idle || (current != null && current.isAlive())) {
            return null;
        }
        return "chromium #" + index + " is down: "
                + (current == null ? lastError : current + " exited with code " + current.exitCode());
    }
}
