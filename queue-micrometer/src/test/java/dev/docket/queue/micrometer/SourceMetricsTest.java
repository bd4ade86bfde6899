package dev.docket.queue.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.JobQueue;
import dev.docket.queue.NewJob;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.testing.ManualClock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-source meters: circuit state, pause, block, jobs and rate (queue-wide), throttled (per runtime). */
class SourceMetricsTest {
    static final Duration LEASE = Duration.ofSeconds(30);

    ManualClock clock;
    InMemoryJobStore store;
    JobQueue queue;
    SimpleMeterRegistry registry;

    @BeforeEach
    void setUp() {
        clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
        store = new InMemoryJobStore(clock);
        queue = JobQueue.of(store);
        registry = new SimpleMeterRegistry();
    }

    QueueMetrics metrics(QueueMetrics.Builder b) {
        QueueMetrics m = b.clock(clock).build();
        m.bindTo(registry);
        return m;
    }

    double gauge(String name, String... tags) {
        Gauge g = registry.find(name).tags(tags).gauge();
        assertThat(g).as(name + " " + List.of(tags)).isNotNull();
        return g.value();
    }

    /** Reads a gauge once so the snapshot (and the MultiGauge rows) are refreshed, then moves past the interval. */
    void refresh() {
        clock.advance(Duration.ofSeconds(10));
        registry.find(DocketMetricNames.JOBS).tags("status", "pending").gauge().value();
    }

    @Test
    void circuitPauseBlockJobsAndRateOfEachSource() {
        metrics(QueueMetrics.builder(store));
        queue.setSourcePolicy("registry-a", SourcePolicy.builder().breaker(1).rate(SourcePolicy.Rate.perSecond(20))
                .build());
        store.enqueueAll(List.of(NewJob.of("registry-a", "1"), NewJob.of("registry-a", "2"),
                NewJob.of("registry-b", "1")));
        queue.pauseSource("registry-b", "maintenance");
        Job a = store.claim("w-1", 1, LEASE).get(0);
        refresh();
        assertThat(gauge(DocketMetricNames.SOURCE_JOBS, "source", "registry-a", "status", "processing")).isEqualTo(1.0);
        assertThat(gauge(DocketMetricNames.SOURCE_JOBS, "source", "registry-a", "status", "pending")).isEqualTo(1.0);
        assertThat(gauge(DocketMetricNames.SOURCE_CIRCUIT_STATE, "source", "registry-a")).isZero();
        assertThat(gauge(DocketMetricNames.SOURCE_RATE, "source", "registry-a")).isEqualTo(20.0);
        assertThat(gauge(DocketMetricNames.SOURCE_PAUSED, "source", "registry-b")).isEqualTo(1.0);
        assertThat(gauge(DocketMetricNames.SOURCE_PAUSED, "source", "registry-a")).isZero();

        store.finish(a.lease(), JobOutcome.retryLater("HTTP 503", Duration.ZERO).countedAgainstSource());
        refresh();
        assertThat(gauge(DocketMetricNames.SOURCE_CIRCUIT_STATE, "source", "registry-a")).as("open").isEqualTo(2.0);
        clock.advance(Duration.ofSeconds(31));
        Job probe = store.claim("w-1", 1, LEASE).get(0);
        refresh();
        assertThat(gauge(DocketMetricNames.SOURCE_CIRCUIT_STATE, "source", "registry-a")).as("half-open").isEqualTo(1.0);
        store.finish(probe.lease(), JobOutcome.completed(null));
        refresh();
        assertThat(gauge(DocketMetricNames.SOURCE_CIRCUIT_STATE, "source", "registry-a")).as("closed").isZero();
    }

    @Test
    void theSourceTagIsBoundedAndFurtherSourcesAreSummedIntoOther() {
        metrics(QueueMetrics.builder(store).maxSources(2));
        for (int i = 0; i < 5; i++) {
            store.enqueue(NewJob.of("registry-" + i, "1"));
        }
        refresh();
        Set<String> tags = registry.find(DocketMetricNames.SOURCE_JOBS).tag("status", "pending").gauges().stream()
                .map(g -> g.getId().getTag("source")).collect(Collectors.toSet());
        assertThat(tags).containsExactlyInAnyOrder("registry-0", "registry-1", WorkerMetrics.OTHER_SOURCE);
        assertThat(gauge(DocketMetricNames.SOURCE_JOBS, "source", WorkerMetrics.OTHER_SOURCE, "status", "pending"))
                .isEqualTo(3.0);
        assertThatThrownBy(() -> QueueMetrics.builder(store).maxSources(0).build())
                .hasMessage("maxSources must be 1-10000 but was 0");
    }

    @Test
    void sourceGaugesCanBeTurnedOff() {
        metrics(QueueMetrics.builder(store).sourceGauges(false));
        store.enqueue(NewJob.of("registry-a", "1"));
        refresh();
        assertThat(registry.getMeters()).extracting(Meter::getId).extracting(Meter.Id::getName)
                .noneMatch(n -> n.startsWith("docket.source."));
    }

    @Test
    void throttledJobsAreCountedPerRuntimeAndSourceAndLeaveTheInFlightGauge() {
        WorkerMetrics m = WorkerMetrics.builder().build();
        m.bindTo(registry);
        Job job = store.enqueue(NewJob.of("registry-a", "1"));
        m.onClaimed(job);
        assertThat(gauge(DocketMetricNames.JOBS_IN_FLIGHT)).isEqualTo(1.0);
        m.onThrottled(job, "HTTP 429", Duration.ofSeconds(30));
        assertThat(registry.find(DocketMetricNames.JOBS_THROTTLED).tags("source", "registry-a").functionCounter()
                .count()).isEqualTo(1.0);
        assertThat(registry.find(DocketMetricNames.JOBS_CLAIMED).tags("source", "registry-a").functionCounter()
                .count()).isEqualTo(1.0);
        assertThat(gauge(DocketMetricNames.JOBS_IN_FLIGHT)).isZero();
    }
}
