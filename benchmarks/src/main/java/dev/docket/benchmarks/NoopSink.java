package dev.docket.benchmarks;

import dev.docket.queue.Document;
import dev.docket.queue.DocumentSink;
import dev.docket.queue.Job;
import dev.docket.queue.StoredDocument;

/** A {@link DocumentSink} that stores nothing and returns one fixed reference. Thread-safe. */
public final class NoopSink implements DocumentSink {
    private static final StoredDocument STORED = new StoredDocument("noop:", "0", 1, "text/plain");

    @Override
    public StoredDocument store(Job job, Document document) {
        return STORED;
    }

    @Override
    public void discard(Job job, StoredDocument document) {
        // nothing was stored
    }
}
