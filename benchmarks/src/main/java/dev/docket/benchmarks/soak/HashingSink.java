package dev.docket.benchmarks.soak;

import dev.docket.queue.Document;
import dev.docket.queue.DocumentSink;
import dev.docket.queue.Job;
import dev.docket.queue.StoredDocument;

/**
 * Stores nothing; returns a reference carrying the document's SHA-256, so the job's result names the
 * exact document (and so the claim) it came from. Thread-safe.
 */
public final class HashingSink implements DocumentSink {
    @Override
    public StoredDocument store(Job job, Document document) {
        return new StoredDocument("soak:job/" + job.id(), ChaosExtractor.sha256(document.content()), document.size(),
                document.contentType());
    }

    @Override
    public void discard(Job job, StoredDocument document) {
        // nothing was stored
    }
}
