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
        return new Job(id, source, number, null, JobStatus.PROCESSING, 0, 1, 3, now, "test-worker", UUID.randomUUID(),
                now.plusSeconds(30), now, 0, null, null, null, now, now, null);
    }
}
