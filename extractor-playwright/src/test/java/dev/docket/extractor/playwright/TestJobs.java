package dev.docket.extractor.playwright;

import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;

import java.time.Instant;
import java.util.UUID;

/** Builds {@link Job}s as a store would hand them to an extractor. */
final class TestJobs {
    private TestJobs() {
    }

    static Job job(long id, String source, String number) {
        Instant now = Instant.now();
        return Job.builder(id, source, number).status(JobStatus.PROCESSING).attempts(1).maxAttempts(3)
                .workerId("test-worker").leaseToken(UUID.randomUUID()).leaseExpiresAt(now.plusSeconds(30))
                .processingStartedAt(now).createdAt(now).build();
    }
}
