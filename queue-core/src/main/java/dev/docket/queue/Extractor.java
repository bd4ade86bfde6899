package dev.docket.queue;

/**
 * SPI: fetches one document. User code.
 *
 * <p>Lifecycle: the runtime calls {@link #start()} before claiming anything. If it throws, the
 * runtime claims nothing, reports the worker DEGRADED with the error, and calls {@code start()} again
 * with back-off. While running, the runtime asks {@link #health()} before each claim; when it says
 * not ready, nothing is claimed and the runtime restarts the extractor ({@link #close()} then
 * {@link #start()}). {@link #close()} is called once when the runtime closes.
 *
 * <p>Threading: {@link #extract} is called concurrently from up to {@code concurrency} slot threads;
 * calls for one {@link ExtractionContext#slot()} never overlap unless an earlier call on that slot was
 * abandoned after a timeout (its {@link ExtractionContext#onCancel} callbacks have run by then).
 *
 * <p>Errors: throw {@link ExtractionException} to classify; any other exception (and a {@code null}
 * result) is transient. An {@link Error} fails the job like a transient exception; the runtime keeps
 * going.
 */
public interface Extractor extends AutoCloseable {

    /** Prepares resources (browser, sessions). May fail; retried with back-off. */
    default void start() throws Exception {
    }

    /**
     * Fetches the document for {@code job}. Should honour {@link ExtractionContext#deadline()} and
     * stop when cancelled.
     */
    Document extract(Job job, ExtractionContext context) throws Exception;

    /** Whether jobs may be handed over now. Cheap; called before every claim. */
    default ExtractorHealth health() {
        return ExtractorHealth.healthy();
    }

    /** Releases resources. Called after the last {@link #extract} returned or was abandoned. */
    @Override
    default void close() throws Exception {
    }
}
