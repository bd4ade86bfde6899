package dev.docket.queue;

/**
 * The root of Docket's own exceptions. Unchecked. Refused arguments are {@link IllegalArgumentException}s,
 * and refused transitions {@link JobStateException}s (an {@link IllegalStateException}), as Java callers
 * expect.
 */
public class DocketException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DocketException(String message) {
        super(message);
    }

    public DocketException(String message, Throwable cause) {
        super(message, cause);
    }
}
