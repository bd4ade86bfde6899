package dev.docket.queue;

import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A {@link DocumentSink} that can list what it holds, so that {@link DocumentSweeper} can remove the
 * documents of attempts that never became their job's document (the process died between
 * {@link DocumentSink#store} and the finishing write).
 */
public interface SweepableDocumentSink extends DocumentSink {

    /**
     * One document this sink holds.
     *
     * @param jobId      the job it was stored for
     * @param leaseToken the lease token of the attempt that stored it
     * @param uri        the {@link StoredDocument#uri()} it was stored under
     * @param writtenAt  when it was written (the sink's clock)
     */
    record Entry(long jobId, UUID leaseToken, String uri, Instant writtenAt) {
        public Entry {
            Objects.requireNonNull(leaseToken, "leaseToken");
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(writtenAt, "writtenAt");
        }
    }

    /** Receives entries one at a time, so a sink holding millions of documents need not list them at once. */
    @FunctionalInterface
    interface EntryVisitor {
        void visit(Entry entry) throws IOException;
    }

    /** Visits every document written before {@code writtenBefore}, in no particular order. */
    void forEachEntry(Instant writtenBefore, EntryVisitor visitor) throws IOException;

    /** Removes one listed document; succeeds quietly when it is already gone. */
    void delete(Entry entry) throws IOException;
}
