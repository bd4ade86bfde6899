package dev.docket.queue;

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
        INFRASTRUCTURE
    }

    private final Kind kind;

    public ExtractionException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
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

    public Kind kind() {
        return kind;
    }
}
