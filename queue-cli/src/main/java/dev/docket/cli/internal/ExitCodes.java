package dev.docket.cli.internal;

/** The CLI's exit statuses, which runbooks rely on. */
public final class ExitCodes {
    /** Done; no alert. */
    public static final int OK = 0;
    /** {@code diagnose} or {@code check-db} raised at least one alert. */
    public static final int ALERT = 1;
    /** Usage error, database unreachable, job does not exist, or the operation was refused. */
    public static final int ERROR = 2;

    private ExitCodes() {
    }
}
