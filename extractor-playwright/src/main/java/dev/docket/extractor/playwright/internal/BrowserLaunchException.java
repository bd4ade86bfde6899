package dev.docket.extractor.playwright.internal;

/** Chromium could not be started; the message says what was tried and what happened. */
public final class BrowserLaunchException extends Exception {
    private static final long serialVersionUID = 1L;

    public BrowserLaunchException(String message) {
        super(message);
    }

    public BrowserLaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
