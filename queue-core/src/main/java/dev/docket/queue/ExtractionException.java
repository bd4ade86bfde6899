package dev.docket.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * An extraction failed, with a {@link Kind} that tells the runtime what to do. Any other exception
 * thrown by {@link Extractor#extract} counts as {@link Kind#TRANSIENT}.
 */
public class ExtractionException extends DocketException {
    private static final long serialVersionUID = 1L;

    /** How an extraction failure is handled. */
    public enum Kind {
        /** Retrying cannot help (document does not exist, host not allowed): the job FAILS at once. */
        PERMANENT,
        /** May succeed later (slow site, network error): retried with back-off while attempts remain. */
        TRANSIENT,
        /**
         * The worker's own machinery broke (browser died): the job is released without spending its
         * attempt and the extractor is restarted before the slot claims again.
         */
        INFRASTRUCTURE,
        /**
         * The registry told us to slow down (HTTP 429 or 503, a "blocked" page): the job goes back to PENDING
         * without spending its attempt, and its source is blocked fleet-wide until {@link #retryAfter()} has
         * passed. Made by {@link #throttled(Duration, String)}.
         */
        THROTTLED
    }

    private final Kind kind;
    private final Duration retryAfter;

    public ExtractionException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, Duration.ZERO);
    }

    private ExtractionException(Kind kind, String message, Throwable cause, Duration retryAfter) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public ExtractionException(Kind kind, String message) {
        this(kind, message, null);
    }

    public static ExtractionException permanent(String message) {
        return new ExtractionException(Kind.PERMANENT, message);
    }

    public static ExtractionException permanent(String message, Throwable cause) {
        return new ExtractionException(Kind.PERMANENT, message, cause);
    }

    public static ExtractionException transientFailure(String message, Throwable cause) {
        return new ExtractionException(Kind.TRANSIENT, message, cause);
    }

    public static ExtractionException infrastructure(String message, Throwable cause) {
        return new ExtractionException(Kind.INFRASTRUCTURE, message, cause);
    }

    /**
     * The registry asked us to slow down: the job returns to PENDING without spending its attempt and its
     * source is blocked fleet-wide for {@code retryAfter}.
     *
     * @param retryAfter how long the registry asked us to wait; zero or negative means "no hint" (the
     *                   source's policy then chooses); capped by the runtime
     * @param why        what the registry said, for the job's history and {@code docket sources}
     */
    public static ExtractionException throttled(Duration retryAfter, String why) {
        Objects.requireNonNull(retryAfter, "retryAfter");
        Duration wait = retryAfter.isNegative() ? Duration.ZERO : retryAfter;
        return new ExtractionException(Kind.THROTTLED, why == null ? "throttled" : why, null, wait);
    }

    /** For {@link Kind#THROTTLED}: how long the registry asked us to wait (zero if it gave no hint). */
    public Duration retryAfter() {
        return retryAfter;
    }

    public Kind kind() {
        return kind;
    }
}
