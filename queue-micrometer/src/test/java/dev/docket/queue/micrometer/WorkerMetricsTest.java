package dev.docket.queue.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.Job;
import dev.docket.queue.NewJob;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StoreException;
import dev.docket.queue.StoredDocument;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** WorkerMetrics values checked against known sequences of listener events (one runtime's meters). */
class WorkerMetricsTest extends StoreFixture {

    WorkerMetrics metrics() {
        WorkerMetrics m = WorkerMetrics.builder().workerId("w-1").build();
        m.bindTo(registry);
        return m;
    }

    /** A job claimed from the store (the events carry store rows). */
    Job claimed(String source, String number) {
        store.enqueue(NewJob.of(source, number));
        return store.claim("w-1", 1, Duration.ofSeconds(30)).get(0);
    }

    double counter(String name, String source) {
        var search = registry.find(name).tag("worker", "w-1");
        if (source != null) {
            search = search.tag("source", source);
        }
        FunctionCounter c = search.functionCounter();
        assertThat(c).as(name + " source=" + source).isNotNull();
        return c.count();
    }

    double gauge(String name, String... tags) {
        Gauge g = registry.find(name).tags(tags).gauge();
        assertThat(g).as(name).isNotNull();
        return g.value();
    }

    /** A PROCESSING job of {@code source} as a store row may hold it (any text: rows may come from other systems). */
    static Job jobOf(long id, String source) {
        return new Job(id, source, "N-" + id, null, dev.docket.queue.JobStatus.PROCESSING, 0, 1, 5, T0, "w-1",
                java.util.UUID.randomUUID(), T0.plusSeconds(30), T0, 0, null, null, null, T0, T0, null);
    }

    java.util.Set<String> sourceTagValues() {
        java.util.Set<String> values = new java.util.HashSet<>();
        for (Meter meter : registry.getMeters()) {
            String v = meter.getId().getTag("source");
            if (v != null) {
                values.add(v);
            }
        }
        return values;
    }

    @Test
    void countsAKnownSequenceOfJobEvents() {
        WorkerMetrics m = metrics();
        Job a1 = claimed("A", "1");
        Job a2 = claimed("A", "2");
        Job b1 = claimed("B", "1");
        StoredDocument doc = new StoredDocument("file:///tmp/x.pdf", "00", 1, "application/pdf");

        m.onClaimed(a1);
        m.onClaimed(a2);
        m.onClaimed(b1);
        assertThat(gauge(DocketMetricNames.JOBS_IN_FLIGHT, "worker", "w-1")).isEqualTo(3.0);
        m.onStarted(a1, Duration.ofMillis(100));
        m.onStarted(a2, Duration.ofMillis(200));
        m.onStarted(b1, Duration.ofMillis(300));
        m.onCompleted(a1, doc, Duration.ofSeconds(2));
        m.onFailed(b1, "no such document", Duration.ofSeconds(1));
        m.onTimedOut(a2, Duration.ofMinutes(5));
        m.onRetryScheduled(a2, "timed out", Duration.ofSeconds(5));

        assertThat(counter(DocketMetricNames.JOBS_CLAIMED, "A")).isEqualTo(2.0);
        assertThat(counter(DocketMetricNames.JOBS_CLAIMED, "B")).isEqualTo(1.0);
        assertThat(counter(DocketMetricNames.JOBS_COMPLETED, "A")).isEqualTo(1.0);
        assertThat(counter(DocketMetricNames.JOBS_FAILED, "B")).isEqualTo(1.0);
        assertThat(counter(DocketMetricNames.JOBS_TIMED_OUT, "A")).isEqualTo(1.0);
        assertThat(counter(DocketMetricNames.JOBS_RETRIED, "A")).isEqualTo(1.0);
        assertThat(registry.find(DocketMetricNames.JOBS_FAILED).tag("source", "A").functionCounter()).isNull();
        assertThat(gauge(DocketMetricNames.JOBS_IN_FLIGHT, "worker", "w-1")).isZero();

        Timer toStart = registry.find(DocketMetricNames.JOBS_CLAIM_TO_START).tag("worker", "w-1").timer();
        assertThat(toStart.count()).isEqualTo(3);
        assertThat(toStart.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(600.0);
        assertThat(toStart.max(TimeUnit.MILLISECONDS)).isEqualTo(300.0);

        Timer completed = registry.find(DocketMetricNames.JOBS_DURATION)
                .tags("worker", "w-1", "source", "A", "outcome", "completed").timer();
        assertThat(completed.count()).isEqualTo(1);
        assertThat(completed.totalTime(TimeUnit.SECONDS)).isEqualTo(2.0);
        Timer failed = registry.find(DocketMetricNames.JOBS_DURATION)
                .tags("worker", "w-1", "source", "B", "outcome", "failed").timer();
        assertThat(failed.count()).isEqualTo(1);
        assertThat(failed.totalTime(TimeUnit.SECONDS)).isEqualTo(1.0);
    }

    @Test
    void leaseLossReleaseAndResetAreCountedAndInFlightNeverGoesNegative() {
        WorkerMetrics m = metrics();
        Job a1 = claimed("A", "1");
        Job a2 = claimed("A", "2");
        m.onClaimed(a1);
        m.onClaimed(a2);
        m.onLeaseLost(a1.id(), "lease could not be renewed");
        m.onReleased(a2, "worker w-1 shutting down");
        // a late duplicate end (e.g. a lease loss reported after the job completed) changes nothing
        m.onLeaseLost(a1.id(), "finishing write rejected");
        m.onReset(a1, StaleDecision.requeue(Duration.ZERO), "lease expired 12s ago");

        assertThat(gauge(DocketMetricNames.JOBS_IN_FLIGHT, "worker", "w-1")).isZero();
        assertThat(counter(DocketMetricNames.JOBS_LEASE_LOST, null)).isEqualTo(2.0);
        assertThat(registry.find(DocketMetricNames.JOBS_LEASE_LOST).functionCounter().getId().getTag("source")).isNull();
        assertThat(counter(DocketMetricNames.JOBS_RELEASED, "A")).isEqualTo(1.0);
        assertThat(counter(DocketMetricNames.JOBS_RESET, "A")).isEqualTo(1.0);
    }

    @Test
    void extractorAndStoreGaugesFollowTheirEvents() {
        WorkerMetrics m = metrics();
        assertThat(gauge(DocketMetricNames.EXTRACTOR_UP, "worker", "w-1")).as("not up before it says so").isZero();
        assertThat(gauge(DocketMetricNames.STORE_UP, "worker", "w-1")).isEqualTo(1.0);
        m.onExtractorUp();
        assertThat(gauge(DocketMetricNames.EXTRACTOR_UP, "worker", "w-1")).isEqualTo(1.0);
        m.onExtractorDown("browser crashed", null);
        assertThat(gauge(DocketMetricNames.EXTRACTOR_UP, "worker", "w-1")).isZero();
        m.onExtractorUp();
        m.onStoreUnavailable(new StoreException("connection refused", true));
        assertThat(gauge(DocketMetricNames.STORE_UP, "worker", "w-1")).isZero();
        m.onStoreRecovered(Duration.ofSeconds(3));
        assertThat(gauge(DocketMetricNames.STORE_UP, "worker", "w-1")).isEqualTo(1.0);
        assertThat(gauge(DocketMetricNames.EXTRACTOR_UP, "worker", "w-1")).isEqualTo(1.0);
    }

    @Test
    void eventsBeforeBindingAreCountedAndSeveralRegistriesSeeTheSameCounts() {
        WorkerMetrics m = WorkerMetrics.builder().workerId("w-1").build();
        Job a1 = claimed("A", "1");
        m.onClaimed(a1);
        m.bindTo(registry);
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        m.bindTo(second);
        m.onClaimed(a1);
        assertThat(counter(DocketMetricNames.JOBS_CLAIMED, "A")).isEqualTo(2.0);
        assertThat(second.find(DocketMetricNames.JOBS_CLAIMED).tag("source", "A").functionCounter().count()).isEqualTo(2.0);
    }

    @Test
    void withoutSourceTagEveryCounterExistsFromTheStartWithWorkerAndCommonTagsOnly() {
        WorkerMetrics m = WorkerMetrics.builder().workerId("w-1").tag("queue", "docket").sourceTag(false)
                .build();
        m.bindTo(registry);
        for (String name : List.of(DocketMetricNames.JOBS_CLAIMED, DocketMetricNames.JOBS_COMPLETED, DocketMetricNames.JOBS_FAILED,
                DocketMetricNames.JOBS_RETRIED, DocketMetricNames.JOBS_TIMED_OUT, DocketMetricNames.JOBS_RELEASED,
                DocketMetricNames.JOBS_LEASE_LOST, DocketMetricNames.JOBS_RESET)) {
            FunctionCounter c = registry.find(name).functionCounter();
            assertThat(c).as(name).isNotNull();
            assertThat(c.count()).isZero();
            assertThat(c.getId().getTags()).containsExactlyInAnyOrder(Tag.of("queue", "docket"), Tag.of("worker", "w-1"));
            assertThat(c.getId().getBaseUnit()).as("no unit: Prometheus would append it to the name").isNull();
        }
        Job a1 = claimed("A", "1");
        m.onClaimed(a1);
        m.onCompleted(a1, new StoredDocument("file:///x", "00", 1, "application/pdf"), Duration.ofSeconds(1));
        assertThat(registry.find(DocketMetricNames.JOBS_COMPLETED).functionCounter().count()).isEqualTo(1.0);
        assertThat(registry.find(DocketMetricNames.JOBS_DURATION).timer().getId().getTag("source")).isNull();
        assertThat(registry.find(DocketMetricNames.JOBS).gauges()).as("queue-wide gauges are QueueMetrics'").isEmpty();
    }

    @Test
    void theSourceTagIsBoundedByDefaultTheFirstSourcesKeepTheirNameTheRestAreOther() {
        WorkerMetrics m = metrics();
        for (int i = 0; i < 500; i++) {
            Job j = jobOf(i, "registry-" + i);
            m.onClaimed(j);
            m.onCompleted(j, null, Duration.ofMillis(10));
        }

        java.util.Set<String> values = sourceTagValues();
        assertThat(values).hasSize(WorkerMetrics.DEFAULT_MAX_SOURCES + 1).contains("registry-0", "registry-49",
                WorkerMetrics.OTHER_SOURCE).doesNotContain("registry-50", "registry-499");
        assertThat(counter(DocketMetricNames.JOBS_CLAIMED, "registry-0")).isEqualTo(1.0);
        assertThat(counter(DocketMetricNames.JOBS_CLAIMED, WorkerMetrics.OTHER_SOURCE)).isEqualTo(450.0);
        assertThat(registry.find(DocketMetricNames.JOBS_DURATION).tags("source", WorkerMetrics.OTHER_SOURCE).timer().count())
                .isEqualTo(450);
        // a source seen before the limit was reached keeps its name afterwards
        m.onClaimed(jobOf(1000, "registry-7"));
        assertThat(counter(DocketMetricNames.JOBS_CLAIMED, "registry-7")).isEqualTo(2.0);
    }

    @Test
    void maxSourcesIsASettingAndSourceValuesAreSanitised() {
        WorkerMetrics m = WorkerMetrics.builder().workerId("w-1").maxSources(2).build();
        m.bindTo(registry);
        String hostile = "reg\u001b[31m\nistry " + "x".repeat(400);
        m.onClaimed(jobOf(1, hostile));
        m.onClaimed(jobOf(2, "B"));
        m.onClaimed(jobOf(3, "C"));
        m.onClaimed(jobOf(4, "  "));

        assertThat(sourceTagValues()).hasSize(3).contains("B", WorkerMetrics.OTHER_SOURCE);
        String cleaned = sourceTagValues().stream().filter(v -> v.startsWith("reg")).findFirst().orElseThrow();
        assertThat(cleaned).hasSizeLessThanOrEqualTo(WorkerMetrics.MAX_SOURCE_LENGTH).startsWith("reg_[31m_istry x")
                .doesNotContain("\u001b").doesNotContain("\n");
        assertThat(counter(DocketMetricNames.JOBS_CLAIMED, WorkerMetrics.OTHER_SOURCE)).isEqualTo(2.0);

        assertThatThrownBy(() -> WorkerMetrics.builder().maxSources(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSources must be 1-")
                .hasMessageContaining("but was 0");
    }

    @Test
    void builderRejectsABlankWorkerIdNamingIt() {
        assertThatThrownBy(() -> WorkerMetrics.builder().workerId(" ").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workerId must not be blank");
    }

    @Test
    void registersNoQueueWideMeterSoEveryHostCanBindIt() {
        WorkerMetrics m = metrics();
        m.onClaimed(claimed("A", "1"));
        assertThat(registry.getMeters()).extracting(meter -> meter.getId().getName())
                .isNotEmpty()
                .doesNotContain(DocketMetricNames.JOBS, DocketMetricNames.JOBS_OLDEST_PENDING_AGE,
                        DocketMetricNames.WORKERS_HEARTBEAT_AGE);
    }

    @Test
    void theExtractorsFiguresBecomeGaugesWithBytesAsBaseUnitAndTheBrowserAsATagAndGoneFiguresReadNaN() {
        WorkerMetrics m = metrics();
        java.util.Map<String, Long> figures = new java.util.LinkedHashMap<>();
        figures.put("memory.limit.bytes", 4096L);
        figures.put("memory.browser.0.bytes", 700L);
        figures.put("memory.browser.1.bytes", 650L);
        figures.put("processes.defunct", 3L);
        m.onExtractorHealth(dev.docket.queue.ExtractorHealth.ready("ok", 4, figures));
        assertThat(gauge("docket.extractor.memory.limit", "worker", "w-1")).isEqualTo(4096);
        assertThat(registry.find("docket.extractor.memory.limit").gauge().getId().getBaseUnit()).isEqualTo("bytes");
        assertThat(gauge("docket.extractor.memory.browser", "worker", "w-1", "browser", "0")).isEqualTo(700);
        assertThat(gauge("docket.extractor.memory.browser", "browser", "1")).isEqualTo(650);
        assertThat(gauge("docket.extractor.processes.defunct")).isEqualTo(3);

        figures.remove("memory.browser.1.bytes");
        figures.put("processes.defunct", 0L);
        m.onExtractorHealth(dev.docket.queue.ExtractorHealth.ready("ok", 4, figures));
        assertThat(gauge("docket.extractor.processes.defunct")).isZero();
        assertThat(gauge("docket.extractor.memory.browser", "browser", "1")).isNaN();

        SimpleMeterRegistry later = new SimpleMeterRegistry();
        m.bindTo(later);
        assertThat(later.find("docket.extractor.memory.browser").tag("browser", "0").gauge().value()).isEqualTo(700);
    }
}
