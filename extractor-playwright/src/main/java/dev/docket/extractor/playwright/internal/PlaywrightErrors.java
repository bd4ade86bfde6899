package dev.docket.extractor.playwright.internal;

import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.TimeoutError;
import dev.docket.queue.ExtractionException;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a Playwright failure means, in one place (the Playwright counterpart of queue-jdbc's {@code SqlErrors}):
 * {@link #signal} reads an exception into a typed {@link Signal}, {@link #classify} turns it and the facts of the
 * job (violation, cancellation, the browser's state) into the {@link ExtractionException} the runtime acts on.
 * Playwright reports a dead browser only through message texts, which differ between its Java client, its Node
 * server and our transport; each form is listed here and has its own test ({@code PlaywrightErrorsTest}), so a
 * Playwright upgrade that changes one fails a test instead of silently turning a crash into a transient failure.
 */
public final class PlaywrightErrors {

    /** What an exception says happened. */
    public enum Signal {
        /** The page, context, browser or connection is closed: the browser may have died (confirm by its process). */
        CLOSED,
        /** The renderer of the page crashed; the browser lives on. */
        PAGE_CRASHED,
        /** A network error of chromium ({@code net::ERR_...}), including requests the allow-list's proxy blocked. */
        NETWORK,
        /** A Playwright timeout ({@code Timeout <n>ms exceeded}). */
        TIMEOUT,
        /** The calling thread was interrupted while it waited for the browser. */
        INTERRUPTED,
        /** Anything else: a flow error, a protocol error of a live browser. */
        OTHER
    }

    /** What the runtime does with a failed job: the {@link ExtractionException.Kind}, plus the cancellation case. */
    public enum Outcome { PERMANENT, TRANSIENT, INFRASTRUCTURE, CANCELLED, THROTTLED }

    /**
     * The facts of one failed job, gathered by the slot.
     *
     * @param jobId       the job
     * @param violation   the allow-list or size violation seen during the job, or null
     * @param cancelled   whether the runtime cancelled the job
     * @param browserDied whether the job's chromium was seen dead (see {@link #mayMeanTheBrowserDied})
     * @param serverGone  whether the job's connection is closed and its browser server process gone
     * @param browser     the browser, for messages
     * @param exitCode    chromium's exit code, for messages
     */
    public record Facts(long jobId, String violation, boolean cancelled, boolean browserDied, boolean serverGone,
                        String browser, int exitCode) {
    }

    private static final String CANCELLED_SUFFIX = " was cancelled by the runtime (timeout or shutdown)";
    /** Java client: TargetClosedError, JsonPipe; Node server: "Browser closed.", CDP "Target closed", "Session closed". */
    private static final Pattern CLOSED = Pattern.compile(
            "target page, context or browser has been closed|browser has been closed|browser closed"
                    + "|(^|[^_a-z])connection closed|target closed|session closed");
    private static final Pattern PAGE_CRASHED = Pattern.compile("page crashed|target crashed");
    private static final Pattern NETWORK = Pattern.compile("net::err_[a-z_]+");
    private static final Pattern TIMEOUT = Pattern.compile("timeout \\d+ms exceeded");

    private PlaywrightErrors() {
    }

    /** The signal of {@code e} (its class first, then its message). */
    public static Signal signal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException) {
                return Signal.INTERRUPTED;
            }
        }
        if (e instanceof TimeoutError) {
            return Signal.TIMEOUT;
        }
        if (e instanceof com.microsoft.playwright.impl.TargetClosedError) {
            return Signal.CLOSED;
        }
        if (!(e instanceof PlaywrightException)) {
            return Signal.OTHER;
        }
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        // net::ERR_CONNECTION_CLOSED is a site that hung up, not a closed browser: network forms first
        if (NETWORK.matcher(m).find()) {
            return Signal.NETWORK;
        }
        if (PAGE_CRASHED.matcher(m).find()) {
            return Signal.PAGE_CRASHED;
        }
        if (CLOSED.matcher(m).find()) {
            return Signal.CLOSED;
        }
        if (TIMEOUT.matcher(m).find()) {
            return Signal.TIMEOUT;
        }
        return Signal.OTHER;
    }

    /** True when {@code e} may mean the browser died, which the slot then confirms by waiting for its process. */
    public static boolean mayMeanTheBrowserDied(Throwable e) {
        return signal(e) == Signal.CLOSED;
    }

    /** True when {@code e} was thrown because the thread was interrupted (the caller restores the flag). */
    public static boolean causedByInterrupt(Throwable e) {
        return signal(e) == Signal.INTERRUPTED;
    }

    /**
     * The failure the runtime sees for {@code e}, in this order: a violation is permanent, a permanent failure of
     * the flow stays permanent, a cancelled job says so, a dead browser or browser server is infrastructure, an
     * {@link ExtractionException} of the flow is kept, anything else (timeouts, browser errors) is transient.
     */
    public static ExtractionException classify(Exception e, Facts f) {
        long id = f.jobId();
        if (f.violation() != null) {
            return ExtractionException.permanent("job " + id + ": " + f.violation(), e);
        }
        if (e instanceof ExtractionException && ((ExtractionException) e).kind() == ExtractionException.Kind.PERMANENT) {
            return (ExtractionException) e;
        }
        if (f.cancelled()) {
            return cancelled(id, e);
        }
        if (f.browserDied()) {
            return ExtractionException.infrastructure("job " + id + ": " + f.browser() + " died during the job (exit code "
                    + f.exitCode() + ")", e);
        }
        if (f.serverGone()) {
            return ExtractionException.infrastructure("job " + id + ": the browser server of " + f.browser() + " went away", e);
        }
        if (e instanceof ExtractionException) {
            return (ExtractionException) e;
        }
        if (signal(e) == Signal.TIMEOUT) {
            return ExtractionException.transientFailure("job " + id + ": timed out: " + firstLine(e.getMessage()), e);
        }
        if (e instanceof PlaywrightException) {
            return ExtractionException.transientFailure("job " + id + ": browser error: " + firstLine(e.getMessage()), e);
        }
        return ExtractionException.transientFailure("job " + id + ": " + e, e);
    }

    /**
     * {@code classified} as {@code THROTTLED} when it is a transient failure (not a cancellation) of a page whose main
     * document answered HTTP 429 or 503: whatever the flow tripped over next (a missing selector, a timeout), the
     * registry had asked us to slow down. Anything else is returned as it is.
     */
    public static ExtractionException throttledIfAsked(ExtractionException classified, long jobId,
                                                       dev.docket.extractor.playwright.internal.snapshot.PageEvidence ev,
                                                       java.time.Instant now) {
        if (classified.kind() != ExtractionException.Kind.TRANSIENT || isCancellation(classified)
                || !Throttling.isThrottle(ev.mainStatus())) {
            return classified;
        }
        return Throttling.throttled(jobId, "the page", ev.mainStatus(), ev.mainUrl(), ev.mainRetryAfter(), now);
    }

    /** The failure of a job the runtime cancelled (timeout or shutdown). */
    public static ExtractionException cancelled(long jobId, Exception cause) {
        return ExtractionException.transientFailure("job " + jobId + CANCELLED_SUFFIX, cause);
    }

    /** The {@link Outcome} of a classified failure. */
    public static Outcome outcome(ExtractionException e) {
        if (isCancellation(e)) {
            return Outcome.CANCELLED;
        }
        return switch (e.kind()) {
            case PERMANENT -> Outcome.PERMANENT;
            case INFRASTRUCTURE -> Outcome.INFRASTRUCTURE;
            case THROTTLED -> Outcome.THROTTLED;
            default -> Outcome.TRANSIENT;
        };
    }

    /** True for the failure {@link #cancelled} makes. */
    public static boolean isCancellation(ExtractionException e) {
        return e.kind() == ExtractionException.Kind.TRANSIENT && String.valueOf(e.getMessage()).endsWith(CANCELLED_SUFFIX);
    }

    /** The first line of a Playwright message, without its {@code Error { message='} wrapper and call log. */
    public static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        String m = message.strip();
        if (m.startsWith("Error {")) {
            int i = m.indexOf("message='");
            if (i >= 0) {
                m = m.substring(i + "message='".length());
            }
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
