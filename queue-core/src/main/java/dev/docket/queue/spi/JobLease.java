package dev.docket.queue.spi;

import dev.docket.queue.LeaseLostException;
import java.util.Objects;
import java.util.UUID;

/**
 * The fencing handle of one claim: a finishing write or lease renewal succeeds only while the job is
 * still PROCESSING with exactly this token. A worker whose job was reset and re-claimed by someone
 * else holds an old token, so its late writes are rejected with {@link LeaseLostException}.
 */
public record JobLease(long jobId, String workerId, UUID token) {
    public JobLease {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(token, "token");
    }
}
