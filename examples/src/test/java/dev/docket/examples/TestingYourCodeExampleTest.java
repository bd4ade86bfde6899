package dev.docket.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.QueueAdmin;
import dev.docket.queue.StaleJobPolicy;
import dev.docket.queue.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * How users unit-test code around Docket: the in-memory store and a manual clock make leases and
 * retries deterministic. (The README's "Testing your code" snippet is this test.)
 */
class TestingYourCodeExampleTest {

    @Test
    void anAbandonedJobGoesBackToTheQueueOnceItsLeaseRunsOut() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryJobStore store = new InMemoryJobStore(clock);
        store.enqueue(NewJob.of("registry-a", "42"));
        Job claimed = store.claim("test-worker", 1, Duration.ofSeconds(30)).get(0);
        clock.advance(Duration.ofSeconds(31));   // the lease runs out
        QueueAdmin.over(store).resetStuckJobs(StaleJobPolicy.leaseExpired(), false);
        assertThat(store.find(claimed.id()).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
    }

    @Test
    void theQuickStartCompletesItsJob() throws Exception {
        var store = QuickStart.run();
        assertThat(store.stats().count(JobStatus.COMPLETED)).isEqualTo(1);
        assertThat(new dev.docket.queue.FileSystemDocumentSink(Path.of("documents")).fileOf(store.find(1).orElseThrow()))
                .exists(); // relative to the module directory
    }
}
