package dev.docket.queue.internal;

import dev.docket.queue.ExtractionException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How a failure is written into a job's error text. */
public final class Failures {
    private static final int MAX_ERROR_LENGTH = 2000;

    private Failures() {
    }

    /** The error text recorded for a job: the exception's message, URL query strings and user info redacted. */
    public static String describe(Throwable t) {
        String m = Redaction.redactUrls(t.getMessage());
        String s = (t instanceof ExtractionException ? "" : t.getClass().getSimpleName() + ": ") + (m == null ? "" : m);
        if (t instanceof ExtractionException && (m == null || m.isBlank())) {
            s = t.getClass().getSimpleName();
        }
        return s.length() > MAX_ERROR_LENGTH ? s.substring(0, MAX_ERROR_LENGTH) + "…" : s;
    }

    /** The cause inside {@link CompletionException}/{@link ExecutionException} wrappers. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
