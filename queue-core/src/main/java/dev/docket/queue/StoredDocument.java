package dev.docket.queue;

import dev.docket.queue.internal.Json;
import java.util.Objects;

/**
 * Where a {@link DocumentSink} put a document. Saved with the job as its JSON result.
 *
 * @param uri         where the bytes are (e.g. {@code file:///data/docket/42.pdf})
 * @param sha256      hex SHA-256 of the bytes
 * @param size        size in bytes
 * @param contentType media type
 */
public record StoredDocument(String uri, String sha256, long size, String contentType) {
    public StoredDocument {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(contentType, "contentType");
    }

    /**
     * The reference a completed job recorded as its result, or empty when the job has no such result (not
     * completed, or completed by a store write that recorded something else).
     */
    public static java.util.Optional<StoredDocument> of(Job job) {
        return dev.docket.queue.internal.StoredDocuments.parse(job.result());
    }

    /** This reference as the JSON object saved in the job's result. */
    public String toJson() {
        return "{\"uri\":" + Json.quote(uri) + ",\"sha256\":" + Json.quote(sha256) + ",\"size\":" + size
                + ",\"contentType\":" + Json.quote(contentType) + "}";
    }
}
