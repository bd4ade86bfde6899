package dev.docket.queue;

/**
 * A document sink's readiness (see {@link DocumentSink#health()}). A runtime claims nothing while its sink is not
 * ready.
 *
 * @param ready  true when documents can be stored
 * @param detail what is wrong (or a short status), never null
 */
public record DocumentSinkHealth(boolean ready, String detail) {
    private static final DocumentSinkHealth READY = new DocumentSinkHealth(true, "ready");

    public DocumentSinkHealth {
        java.util.Objects.requireNonNull(detail, "detail");
    }

    public static DocumentSinkHealth healthy() {
        return READY;
    }

    public static DocumentSinkHealth down(String detail) {
        return new DocumentSinkHealth(false, detail);
    }
}
