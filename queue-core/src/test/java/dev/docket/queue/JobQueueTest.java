package dev.docket.queue;

import dev.docket.queue.spi.JobOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobQueueTest {
    private final ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryJobStore store = new InMemoryJobStore(clock);
    private final JobQueue queue = JobQueue.builder(store).actor("billing-app").build();

    @Test
    void enqueueFindCancelRetryAndHistoryGoThroughTheStoreWithTheQueuesActor() {
        Job job = queue.enqueue(NewJob.of("registry-a", "doc-1"));
        List<Job> more = queue.enqueueAll(List.of(NewJob.of("registry-a", "doc-2"), NewJob.of("registry-b", "doc-3")));

        assertThat(queue.find(job.id())).contains(job);
        assertThat(more).extracting(Job::documentNumber).containsExactly("doc-2", "doc-3");

        assertThat(queue.cancel(job.id()).status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(queue.retry(job.id()).status()).isEqualTo(JobStatus.PENDING);
        assertThat(queue.history(job.id())).extracting(JobEvent::type, JobEvent::workerId).containsExactly(
                org.assertj.core.groups.Tuple.tuple(JobEventType.CANCELLED, "billing-app"),
                org.assertj.core.groups.Tuple.tuple(JobEventType.RETRIED, "billing-app"));
        assertThat(queue.find(987L)).isEmpty();
        assertThat(queue.history(987L)).isEmpty();
    }

    @Test
    void retryAllFailedRetriesTheFailedJobsOfOneSource() {
        queue.enqueueAll(List.of(NewJob.of("a", "1"), NewJob.of("b", "2")));
        for (Job j : store.claim("w-1", 2, Duration.ofSeconds(30))) {
            store.finish(j.lease(), JobOutcome.failed("bad"));
        }

        assertThat(queue.retryAllFailed("a")).isEqualTo(1);
        assertThat(queue.retryAllFailed(null)).isEqualTo(1);
        assertThat(store.stats().count(JobStatus.PENDING)).isEqualTo(2);
    }

    @Test
    void invalidTransitionsThrowJobStateException() {
        Job job = queue.enqueue(NewJob.of("registry-a", "doc-1"));

        assertThatThrownBy(() -> queue.retry(job.id())).isInstanceOfSatisfying(JobStateException.class, e -> {
            assertThat(e.jobId()).isEqualTo(job.id());
            assertThat(e.status()).isEqualTo(JobStatus.PENDING);
        });
        assertThatThrownBy(() -> queue.cancel(999L)).isInstanceOf(JobNotFoundException.class);
    }

    @Test
    void purgeDeletesOldFinishedJobsAndRefusesANegativeAge() {
        Job job = queue.enqueue(NewJob.of("registry-a", "doc-1"));
        queue.cancel(job.id());
        clock.advance(Duration.ofDays(2));

        assertThat(queue.purge(Duration.ofDays(1))).isEqualTo(1);
        assertThat(queue.find(job.id())).isEmpty();
        assertThatThrownBy(() -> queue.purge(Duration.ofDays(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("olderThan must be >= 0 but was PT-24H");
    }

    @Test
    void diagnoseReportsTheQueue() {
        queue.enqueue(NewJob.of("registry-a", "doc-1"));

        Diagnostics d = queue.diagnose();

        assertThat(d.stats().count(JobStatus.PENDING)).isEqualTo(1);
        assertThat(d.alerts()).isEmpty();
    }

    @Test
    void theBuilderRefusesABlankActorAndANullStore() {
        assertThatThrownBy(() -> JobQueue.builder(store).actor(" ").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("actor must not be blank but was ' '");
        assertThatThrownBy(() -> JobQueue.of(null)).isInstanceOf(NullPointerException.class).hasMessage("store");
        assertThat(JobQueue.of(store).toString()).contains("actor=admin");
    }

    @Test
    void diagnoseWarnsOfAFewDefunctProcessesOnALiveWorkerAndAlertsAboveTheThreshold() {
        store.heartbeat(new dev.docket.queue.spi.WorkerHeartbeat(new WorkerInfo("w-ok", "h", 1, WorkerState.RUNNING,
                Instant.EPOCH, null, 4, 0, 0, 0, null, java.util.Map.of("memory.used.bytes", 5L,
                ExtractorHealth.FIGURE_DEFUNCT_PROCESSES, 0L)), java.util.List.of(), Duration.ofSeconds(30)));
        store.heartbeat(new dev.docket.queue.spi.WorkerHeartbeat(new WorkerInfo("w-few", "h", 2, WorkerState.RUNNING,
                Instant.EPOCH, null, 4, 0, 0, 0, null, java.util.Map.of(ExtractorHealth.FIGURE_DEFUNCT_PROCESSES, 3L)),
                java.util.List.of(), Duration.ofSeconds(30)));
        store.heartbeat(new dev.docket.queue.spi.WorkerHeartbeat(new WorkerInfo("w-many", "h", 3, WorkerState.RUNNING,
                Instant.EPOCH, null, 4, 0, 0, 0, null, java.util.Map.of(ExtractorHealth.FIGURE_DEFUNCT_PROCESSES, 11L)),
                java.util.List.of(), Duration.ofSeconds(30)));
        Diagnostics d = queue.diagnose(DiagnosticsOptions.defaults());
        assertThat(d.workers()).filteredOn(w -> w.info().workerId().equals("w-ok"))
                .singleElement().satisfies(w -> assertThat(w.info().extractorFigures()).containsEntry("memory.used.bytes", 5L));
        assertThat(d.warnings()).anySatisfy(w -> assertThat(w).contains("w-few").contains("3 defunct").contains("docker run --init"));
        assertThat(d.alerts()).anySatisfy(a -> assertThat(a).contains("w-many").contains("11 defunct").contains("threshold 10"));
        assertThat(d.alerts()).noneSatisfy(a -> assertThat(a).contains("w-few"));
        assertThat(queue.diagnose(new DiagnosticsOptions(Duration.ofMinutes(5), Duration.ofMinutes(2), 0.5, 2)).alerts())
                .anySatisfy(a -> assertThat(a).contains("w-few"));
    }
}
