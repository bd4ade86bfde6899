package dev.docket.web.internal;

/** A request the dashboard answers with {@code status} and a one-line {@code message} (never a stack trace). */
public final class WebException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public WebException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static WebException badRequest(String message) {
        return new WebException(400, message);
    }

    public static WebException forbidden(String message) {
        return new WebException(403, message);
    }

    public static WebException notFound(String message) {
        return new WebException(404, message);
    }
}
