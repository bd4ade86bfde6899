package dev.docket.cli.internal;

/**
 * A command failed in a way the operator must hear about in one line: the message is printed on
 * stderr (no stack trace unless {@code --verbose}) and the process exits with {@link #exitCode()}.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** A usage error, a database that cannot be reached, or a job that does not exist: exit 2. */
    public static CliException error(String message) {
        return new CliException(ExitCodes.ERROR, message);
    }

    /** As {@link #error(String)}, keeping the cause for {@code --verbose}. */
    public static CliException error(String message, Throwable cause) {
        return new CliException(ExitCodes.ERROR, message, cause);
    }

    public int exitCode() {
        return exitCode;
    }
}
