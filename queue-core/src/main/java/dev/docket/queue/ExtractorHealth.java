package dev.docket.queue;

/**
 * An extractor's readiness. A runtime claims nothing while its extractor is not ready.
 *
 * @param ready  true when jobs may be handed to the extractor
 * @param detail what is wrong (or a short status), never null
 */
public record ExtractorHealth(boolean ready, String detail) {
    private static final ExtractorHealth READY = new ExtractorHealth(true, "ready");

    public static ExtractorHealth healthy() {
        return READY;
    }

    public static ExtractorHealth down(String detail) {
        return new ExtractorHealth(false, detail);
    }
}
