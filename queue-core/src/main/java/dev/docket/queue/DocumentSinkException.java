package dev.docket.queue;

import java.io.IOException;
import java.util.Objects;

/**
 * A {@link DocumentSink} could not store a document, with a {@link Kind} that says what the runtime should do
 * about it. A sink throws it from {@link DocumentSink#store}; any other exception from {@code store} counts as
 * {@link Kind#TRANSIENT}.
 */
public class DocumentSinkException extends IOException {
    private static final long serialVersionUID = 1L;

    /** How a sink failure is handled. */
    public enum Kind {
        /** May succeed on a later attempt (a corrupted transfer, a checksum mismatch): retried with back-off. */
        TRANSIENT,
        /** Retrying cannot help (the document is larger than the sink accepts): the job fails at once. */
        PERMANENT,
        /**
         * The sink's store is unreachable or answered with a server error: the job is released without spending
         * its attempt, and the worker claims nothing until {@link DocumentSink#health()} says the sink is ready.
         */
        UNAVAILABLE,
        /**
         * The store refused the sink itself (access denied, no such bucket or table): a human must fix the
         * configuration. The job is released without spending its attempt and the worker goes DEGRADED, claiming
         * nothing until {@link DocumentSink#health()} says the sink is ready.
         */
        REJECTED
    }

    private final Kind kind;

    public DocumentSinkException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public DocumentSinkException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** True for the kinds that release the job without spending its attempt. */
    public boolean releasesTheJob() {
        return kind == Kind.UNAVAILABLE || kind == Kind.REJECTED;
    }
}
