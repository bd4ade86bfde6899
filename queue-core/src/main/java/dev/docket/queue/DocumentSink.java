package dev.docket.queue;

import java.io.IOException;

/**
 * SPI: where extracted documents go. Implementations must be thread-safe and follow the <b>fenced
 * protocol</b>, which makes "the document a job points to is the one whose finishing write won" hold
 * even when a worker loses its lease while it is still writing:
 *
 * <ol>
 *   <li>{@link #store} is called on the job's slot thread after a successful extraction and
 *       <em>before</em> the job's fenced finishing write. It must write the bytes under a location
 *       unique to this attempt — derived from the job id and the claim's {@link Job#leaseToken() lease
 *       token}, never from job text — and must never overwrite or remove anything another attempt (of
 *       this job, of another job, or of another queue sharing the same place) wrote. When it returns,
 *       the bytes must be durable and readable at {@link StoredDocument#uri()}.</li>
 *   <li>The runtime then records the returned reference with the job's finishing write, which is fenced
 *       by the lease token: only one attempt's write succeeds per claim.</li>
 *   <li>When that write succeeds, {@link #committed} is called (optional: a sink may promote, tag or
 *       index the document there; it is already the job's document, so a failure here is only logged).</li>
 *   <li>When the write is rejected because the lease was lost (the job was reset, re-claimed or finished by
 *       someone else), or the attempt was decided otherwise while the document was being stored (timed out,
 *       shutting down), {@link #discard} is called with the reference: the loser's document is removed, and
 *       never becomes the job's document. A write whose result is unknown (the database connection broke
 *       mid-commit) is never followed by {@code discard}: it may have won.</li>
 *   <li>A process that dies between {@code store} and its finishing write leaves an unreferenced document
 *       behind. It never becomes the job's document (the reference was never recorded). Sinks that can list
 *       what they hold implement {@link SweepableDocumentSink} so that {@link DocumentSweeper} removes such
 *       leftovers.</li>
 * </ol>
 *
 * <p>An {@link IOException} (or a runtime exception) from {@code store} is a transient failure of the job:
 * it is retried with backoff. A {@link DocumentSinkException} says otherwise with its kind: the store is
 * unreachable or refuses the sink (the job is released without spending its attempt, and the worker waits for
 * {@link #health()}), or the document can never be stored (the job fails). Run {@code DocumentSinkContract} from {@code queue-testing} against your own
 * sink: it checks every rule above.
 */
public interface DocumentSink {

    /**
     * Stores the document of this attempt of {@code job} (a PROCESSING job with its lease token) under a
     * location unique to the attempt, and says where it is.
     */
    StoredDocument store(Job job, Document document) throws IOException;

    /**
     * Removes a document that this sink stored for {@code job} whose attempt lost: its finishing write was
     * rejected or the attempt was decided otherwise. Must remove only that attempt's document, and must succeed
     * quietly when it is already gone.
     *
     * <p>The default does nothing, which is right only for a sink that keeps nothing (a test double, a sink
     * that only forwards references): a sink that stores bytes must override it, or a losing attempt's bytes
     * stay behind (they never become the job's document either way). {@code DocumentSinkContract} checks it.
     *
     * @param job      the job as it was claimed by the losing attempt
     * @param document what {@link #store} returned for that attempt
     */
    default void discard(Job job, StoredDocument document) throws IOException {
        // a sink that keeps nothing has nothing to remove
    }

    /**
     * Told after the finishing write recorded {@code document} as the job's document. Default: nothing.
     *
     * @param job      the job as it was claimed by the winning attempt
     * @param document what {@link #store} returned for that attempt
     */
    default void committed(Job job, StoredDocument document) throws IOException {
        // nothing to do for sinks whose stored location is final
    }

    /**
     * Stores the document like {@link #store(Job, Document)}, within the job's time: a sink that can abort a slow
     * write stops it when {@code context} is cancelled or its {@link ExtractionContext#deadline() deadline}
     * passes, and throws. Default: {@link #store(Job, Document)}.
     */
    default StoredDocument store(Job job, Document document, ExtractionContext context) throws IOException {
        return store(job, document);
    }

    /**
     * Whether documents can be stored now. A runtime asks before it claims jobs, and claims nothing while the sink
     * is not ready (asking again with back-off), so a sink whose store refuses it (access denied, no such bucket)
     * keeps jobs in the queue instead of failing them. Called often: it must answer quickly from what the sink
     * knows, and check the store only when it has reason to (first call, after a failure). Must not throw.
     * Default: always ready.
     */
    default DocumentSinkHealth health() {
        return DocumentSinkHealth.healthy();
    }
}
