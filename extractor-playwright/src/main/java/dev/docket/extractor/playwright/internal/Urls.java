package dev.docket.extractor.playwright.internal;

import java.net.URI;
import java.net.URISyntaxException;

/** URL helpers shared by the flow context and the allow-list checks. */
final class Urls {
    private Urls() {
    }

    /** {@code reference} resolved against {@code base}, or null when either is not a URI. */
    static String resolve(String base, String reference) {
        try {
            return new URI(base).resolve(new URI(reference.trim())).toString();
        } catch (URISyntaxException | IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }
}
