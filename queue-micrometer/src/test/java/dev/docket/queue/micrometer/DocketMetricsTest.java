package dev.docket.queue.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.Job;
import dev.docket.queue.NewJob;
import dev.docket.queue.StoredDocument;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The deprecated DocketMetrics facade: the same meters, names and tags as 0.1 (both halves bound
 * together), each builder setting reaching the half it belongs to. The meters' values are tested in
 * WorkerMetricsTest and QueueMetricsTest.
 */
@SuppressWarnings("removal")
class DocketMetricsTest extends StoreFixture {

    static Set<Meter.Id> ids(SimpleMeterRegistry registry) {
        return registry.getMeters().stream().map(Meter::getId).collect(Collectors.toSet());
    }

    static void fire(dev.docket.queue.WorkerListener l, Job job) {
        l.onClaimed(job);
        l.onStarted(job, Duration.ofMillis(5));
        l.onCompleted(job, new StoredDocument("file:///x", "00", 1, "application/pdf"), Duration.ofSeconds(1));
        l.onLeaseLost(job.id(), "lost");
    }

    @Test
    void registersExactlyTheMetersOfBothHalvesWithTheirTagsAndForwardsEveryEvent() {
        store.enqueue(NewJob.of("A", "1"));
        Job job = store.claim("w-1", 1, Duration.ofSeconds(30)).get(0);

        SimpleMeterRegistry viaFacade = new SimpleMeterRegistry();
        DocketMetrics facade = DocketMetrics.builder(store).workerId("w-1").tag("queue", "docket").clock(clock).build();
        facade.bindTo(viaFacade);
        fire(facade, job);

        SimpleMeterRegistry viaHalves = new SimpleMeterRegistry();
        WorkerMetrics worker = WorkerMetrics.builder().workerId("w-1").tag("queue", "docket").build();
        worker.bindTo(viaHalves);
        QueueMetrics.builder(store).tag("queue", "docket").clock(clock).build().bindTo(viaHalves);
        fire(worker, job);

        assertThat(ids(viaFacade)).isEqualTo(ids(viaHalves))
                .contains(new Meter.Id(DocketMetrics.JOBS_COMPLETED,
                        io.micrometer.core.instrument.Tags.of("queue", "docket", "source", "A", "worker", "w-1"),
                        null, null, Meter.Type.COUNTER));
        assertThat(viaFacade.get(DocketMetrics.JOBS_COMPLETED).functionCounter().count()).isEqualTo(1.0);
        assertThat(viaFacade.get(DocketMetrics.JOBS_LEASE_LOST).functionCounter().count()).isEqualTo(1.0);
        assertThat(viaFacade.get(DocketMetrics.JOBS).tag("status", "processing").gauge().value()).isEqualTo(1.0);
        assertThat(viaFacade.get(DocketMetrics.JOBS).tag("status", "pending").gauge().getId().getTag("worker"))
                .as("queue gauges carry the common tags, not the worker tag").isNull();
        assertThat(facade.workerMetrics()).isNotNull();
        assertThat(facade.queueMetrics()).isNotNull();
    }

    @Test
    void sourceSettingsReachTheWorkerHalfAndRefreshSettingsTheQueueHalf() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DocketMetrics m = DocketMetrics.builder(store).sourceTag(false).refreshInterval(Duration.ofMinutes(1))
                .clock(clock).build();
        m.bindTo(registry);
        assertThat(registry.get(DocketMetrics.JOBS_CLAIMED).functionCounter().getId().getTag("source")).isNull();
        assertThat(registry.get(DocketMetrics.JOBS).tag("status", "pending").gauge().value()).isZero();
        store.enqueue(NewJob.of("A", "1"));
        clock.advance(Duration.ofSeconds(59));
        assertThat(registry.get(DocketMetrics.JOBS).tag("status", "pending").gauge().value())
                .as("cached for the refresh interval set on the facade").isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(registry.get(DocketMetrics.JOBS).tag("status", "pending").gauge().value()).isEqualTo(1.0);

        SimpleMeterRegistry bounded = new SimpleMeterRegistry();
        DocketMetrics b = DocketMetrics.builder(store).maxSources(1).build();
        b.bindTo(bounded);
        store.enqueue(NewJob.of("B", "1"));
        for (Job j : store.claim("w-1", 2, Duration.ofSeconds(30))) {
            b.onClaimed(j);
        }
        assertThat(bounded.get(DocketMetrics.JOBS_CLAIMED).tag("source", DocketMetrics.OTHER_SOURCE)
                .functionCounter().count()).isEqualTo(1.0);
    }

    @Test
    void builderRejectsBadSettingsNamingThem() {
        assertThatThrownBy(() -> DocketMetrics.builder(store).refreshInterval(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refreshInterval must be > 0");
        assertThatThrownBy(() -> DocketMetrics.builder(store).workerWindow(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workerWindow");
        assertThatThrownBy(() -> DocketMetrics.builder(store).workerId(" ").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workerId");
        assertThatThrownBy(() -> DocketMetrics.builder(store).maxSources(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSources must be 1-")
                .hasMessageContaining("but was 0");
        assertThatThrownBy(() -> DocketMetrics.builder(null)).isInstanceOf(NullPointerException.class);
    }
}
