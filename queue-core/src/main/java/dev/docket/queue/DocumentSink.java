package dev.docket.queue;

import java.io.IOException;

/**
 * SPI: where extracted documents go. Called by the runtime on the job's slot thread after a
 * successful extraction and before the job is completed. Writes must be idempotent per job: a
 * retried job overwrites its earlier document, never duplicates it. Implementations must be
 * thread-safe. An {@link IOException} is treated as a transient failure of the job.
 */
public interface DocumentSink {

    /** Stores the document of {@code job} and says where it is. */
    StoredDocument store(Job job, Document document) throws IOException;
}
