package dev.docket.queue.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.JobStore;
import dev.docket.queue.NewJob;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StoreException;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerHeartbeat;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import dev.docket.queue.testing.ManualClock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DocketMetrics values checked against known sequences of listener events and store states. */
class DocketMetricsTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    ManualClock clock;
    InMemoryJobStore store;
    SimpleMeterRegistry registry;

    @BeforeEach
    void setUp() {
        clock = ManualClock.at(T0);
        store = new InMemoryJobStore(clock);
        registry = new SimpleMeterRegistry();
    }

    DocketMetrics metrics() {
        DocketMetrics m = DocketMetrics.builder(store).workerId("w-1").clock(clock).build();
        m.bindTo(registry);
        return m;
    }

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

    @Test
    void countsAKnownSequenceOfJobEvents() {
        DocketMetrics m = metrics();
        Job a1 = claimed("A", "1");
        Job a2 = claimed("A", "2");
        Job b1 = claimed("B", "1");
        StoredDocument doc = new StoredDocument("file:///tmp/x.pdf", "00", 1, "application/pdf");

        m.onClaimed(a1);
        m.onClaimed(a2);
        m.onClaimed(b1);
        assertThat(gauge(DocketMetrics.JOBS_IN_FLIGHT, "worker", "w-1")).isEqualTo(3.0);
        m.onStarted(a1, Duration.ofMillis(100));
        m.onStarted(a2, Duration.ofMillis(200));
        m.onStarted(b1, Duration.ofMillis(300));
        m.onCompleted(a1, doc, Duration.ofSeconds(2));
        m.onFailed(b1, "no such document", Duration.ofSeconds(1));
        m.onTimedOut(a2, Duration.ofMinutes(5));
        m.onRetryScheduled(a2, "timed out", Duration.ofSeconds(5));

        assertThat(counter(DocketMetrics.JOBS_CLAIMED, "A")).isEqualTo(2.0);
        assertThat(counter(DocketMetrics.JOBS_CLAIMED, "B")).isEqualTo(1.0);
        assertThat(counter(DocketMetrics.JOBS_COMPLETED, "A")).isEqualTo(1.0);
        assertThat(counter(DocketMetrics.JOBS_FAILED, "B")).isEqualTo(1.0);
        assertThat(counter(DocketMetrics.JOBS_TIMED_OUT, "A")).isEqualTo(1.0);
        assertThat(counter(DocketMetrics.JOBS_RETRIED, "A")).isEqualTo(1.0);
        assertThat(registry.find(DocketMetrics.JOBS_FAILED).tag("source", "A").functionCounter()).isNull();
        assertThat(gauge(DocketMetrics.JOBS_IN_FLIGHT, "worker", "w-1")).isZero();

        Timer toStart = registry.find(DocketMetrics.JOBS_CLAIM_TO_START).tag("worker", "w-1").timer();
        assertThat(toStart.count()).isEqualTo(3);
        assertThat(toStart.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(600.0);
        assertThat(toStart.max(TimeUnit.MILLISECONDS)).isEqualTo(300.0);

        Timer completed = registry.find(DocketMetrics.JOBS_DURATION)
                .tags("worker", "w-1", "source", "A", "outcome", "completed").timer();
        assertThat(completed.count()).isEqualTo(1);
        assertThat(completed.totalTime(TimeUnit.SECONDS)).isEqualTo(2.0);
        Timer failed = registry.find(DocketMetrics.JOBS_DURATION)
                .tags("worker", "w-1", "source", "B", "outcome", "failed").timer();
        assertThat(failed.count()).isEqualTo(1);
        assertThat(failed.totalTime(TimeUnit.SECONDS)).isEqualTo(1.0);
    }

    @Test
    void leaseLossReleaseAndResetAreCountedAndInFlightNeverGoesNegative() {
        DocketMetrics m = metrics();
        Job a1 = claimed("A", "1");
        Job a2 = claimed("A", "2");
        m.onClaimed(a1);
        m.onClaimed(a2);
        m.onLeaseLost(a1.id(), "lease could not be renewed");
        m.onReleased(a2, "worker w-1 shutting down");
        // a late duplicate end (e.g. a lease loss reported after the job completed) changes nothing
        m.onLeaseLost(a1.id(), "finishing write rejected");
        m.onReset(a1, StaleDecision.requeue(Duration.ZERO), "lease expired 12s ago");

        assertThat(gauge(DocketMetrics.JOBS_IN_FLIGHT, "worker", "w-1")).isZero();
        assertThat(counter(DocketMetrics.JOBS_LEASE_LOST, null)).isEqualTo(2.0);
        assertThat(registry.find(DocketMetrics.JOBS_LEASE_LOST).functionCounter().getId().getTag("source")).isNull();
        assertThat(counter(DocketMetrics.JOBS_RELEASED, "A")).isEqualTo(1.0);
        assertThat(counter(DocketMetrics.JOBS_RESET, "A")).isEqualTo(1.0);
    }

    @Test
    void extractorAndStoreGaugesFollowTheirEvents() {
        DocketMetrics m = metrics();
        assertThat(gauge(DocketMetrics.EXTRACTOR_UP, "worker", "w-1")).as("not up before it says so").isZero();
        assertThat(gauge(DocketMetrics.STORE_UP, "worker", "w-1")).isEqualTo(1.0);
        m.onExtractorUp();
        assertThat(gauge(DocketMetrics.EXTRACTOR_UP, "worker", "w-1")).isEqualTo(1.0);
        m.onExtractorDown("browser crashed", null);
        assertThat(gauge(DocketMetrics.EXTRACTOR_UP, "worker", "w-1")).isZero();
        m.onExtractorUp();
        m.onStoreUnavailable(new StoreException("connection refused", true));
        assertThat(gauge(DocketMetrics.STORE_UP, "worker", "w-1")).isZero();
        m.onStoreRecovered(Duration.ofSeconds(3));
        assertThat(gauge(DocketMetrics.STORE_UP, "worker", "w-1")).isEqualTo(1.0);
        assertThat(gauge(DocketMetrics.EXTRACTOR_UP, "worker", "w-1")).isEqualTo(1.0);
    }

    @Test
    void jobsByStatusComeFromTheStoreAndAreCachedForTheRefreshInterval() {
        metrics();
        store.enqueue(NewJob.of("A", "1"));
        clock.advance(Duration.ofSeconds(10));
        store.enqueue(NewJob.of("A", "2"));
        store.enqueue(NewJob.of("A", "3"));
        store.claim("w-1", 1, Duration.ofSeconds(30)); // takes A/1, the oldest
        clock.advance(Duration.ofSeconds(20));

        assertThat(gauge(DocketMetrics.JOBS, "status", "pending")).isEqualTo(2.0);
        assertThat(gauge(DocketMetrics.JOBS, "status", "processing")).isEqualTo(1.0);
        assertThat(gauge(DocketMetrics.JOBS, "status", "completed")).isZero();
        TimeGauge oldest = registry.find(DocketMetrics.JOBS_OLDEST_PENDING_AGE).timeGauge();
        assertThat(oldest.value(TimeUnit.SECONDS)).isEqualTo(20.0);
        assertThat(registry.find(DocketMetrics.JOBS).gauges()).hasSize(5);

        store.enqueue(NewJob.of("A", "4"));
        clock.advance(Duration.ofSeconds(4));
        assertThat(gauge(DocketMetrics.JOBS, "status", "pending")).as("cached for 5 s").isEqualTo(2.0);
        assertThat(oldest.value(TimeUnit.SECONDS)).as("age still advances between reads").isEqualTo(24.0);
        clock.advance(Duration.ofSeconds(1));
        assertThat(gauge(DocketMetrics.JOBS, "status", "pending")).isEqualTo(3.0);
    }

    @Test
    void readsTheStoreAtMostOncePerRefreshIntervalWhateverTheNumberOfGauges() {
        AtomicInteger statsCalls = new AtomicInteger();
        JobStore counting = forwarding(store, (name) -> {
            if (name.equals("stats")) {
                statsCalls.incrementAndGet();
            }
        });
        DocketMetrics m = DocketMetrics.builder(counting).clock(clock).build();
        m.bindTo(registry);
        for (int i = 0; i < 3; i++) {
            registry.getMeters().forEach(DocketMetricsTest::read);
        }
        assertThat(statsCalls).hasValue(1);
        clock.advance(DocketMetrics.DEFAULT_REFRESH_INTERVAL);
        registry.getMeters().forEach(DocketMetricsTest::read);
        assertThat(statsCalls).hasValue(2);
    }

    @Test
    void heartbeatAgePerLiveWorkerFromTheStore() {
        metrics();
        store.heartbeat(WorkerHeartbeat.of("w-1", List.of(), Duration.ofSeconds(30)));
        store.heartbeat(WorkerHeartbeat.of("w-dead", List.of(), Duration.ofSeconds(30)));
        store.heartbeat(WorkerHeartbeat.of("w-stopped", List.of(), Duration.ofSeconds(30)));
        store.markWorkerStopped(new WorkerInfo("w-stopped", "h", 1, WorkerState.STOPPED, T0, null, 1, 0, 0, 0, null));
        clock.advance(Duration.ofSeconds(90));
        store.heartbeat(WorkerHeartbeat.of("w-1", List.of(), Duration.ofSeconds(30)));
        clock.advance(Duration.ofSeconds(5));

        gauge(DocketMetrics.JOBS, "status", "pending"); // any store gauge read refreshes the worker rows
        assertThat(gauge(DocketMetrics.WORKERS_HEARTBEAT_AGE, "worker", "w-1")).isEqualTo(5.0);
        assertThat(gauge(DocketMetrics.WORKERS_HEARTBEAT_AGE, "worker", "w-dead")).isEqualTo(95.0);
        assertThat(registry.find(DocketMetrics.WORKERS_HEARTBEAT_AGE).tag("worker", "w-stopped").gauge()).isNull();

        clock.advance(DocketMetrics.DEFAULT_WORKER_WINDOW);
        store.heartbeat(WorkerHeartbeat.of("w-1", List.of(), Duration.ofSeconds(30)));
        gauge(DocketMetrics.JOBS, "status", "pending");
        assertThat(registry.find(DocketMetrics.WORKERS_HEARTBEAT_AGE).tag("worker", "w-dead").gauge())
                .as("a worker silent for longer than the window is dropped").isNull();
        assertThat(gauge(DocketMetrics.WORKERS_HEARTBEAT_AGE, "worker", "w-1")).isZero();
    }

    @Test
    void storeFailuresGiveNaNFirstThenKeepTheLastFiguresAndNeverThrow() {
        AtomicBoolean down = new AtomicBoolean(true);
        JobStore flaky = forwarding(store, name -> {
            if (down.get() && (name.equals("stats") || name.equals("workers"))) {
                throw new StoreException("connection refused", true);
            }
        });
        DocketMetrics m = DocketMetrics.builder(flaky).clock(clock).build();
        m.bindTo(registry);
        store.enqueue(NewJob.of("A", "1"));
        assertThat(gauge(DocketMetrics.JOBS, "status", "pending")).isNaN();
        down.set(false);
        clock.advance(Duration.ofSeconds(5));
        assertThat(gauge(DocketMetrics.JOBS, "status", "pending")).isEqualTo(1.0);
        down.set(true);
        store.enqueue(NewJob.of("A", "2"));
        clock.advance(Duration.ofSeconds(5));
        assertThat(gauge(DocketMetrics.JOBS, "status", "pending")).isEqualTo(1.0);
        registry.getMeters().forEach(DocketMetricsTest::read);
    }

    @Test
    void eventsBeforeBindingAreCountedAndSeveralRegistriesSeeTheSameCounts() {
        DocketMetrics m = DocketMetrics.builder(store).workerId("w-1").clock(clock).build();
        Job a1 = claimed("A", "1");
        m.onClaimed(a1);
        m.bindTo(registry);
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        m.bindTo(second);
        m.onClaimed(a1);
        assertThat(counter(DocketMetrics.JOBS_CLAIMED, "A")).isEqualTo(2.0);
        assertThat(second.find(DocketMetrics.JOBS_CLAIMED).tag("source", "A").functionCounter().count()).isEqualTo(2.0);
    }

    @Test
    void withoutSourceTagEveryCounterExistsFromTheStartWithWorkerAndCommonTagsOnly() {
        DocketMetrics m = DocketMetrics.builder(store).workerId("w-1").tag("queue", "docket").sourceTag(false)
                .clock(clock).build();
        m.bindTo(registry);
        for (String name : List.of(DocketMetrics.JOBS_CLAIMED, DocketMetrics.JOBS_COMPLETED, DocketMetrics.JOBS_FAILED,
                DocketMetrics.JOBS_RETRIED, DocketMetrics.JOBS_TIMED_OUT, DocketMetrics.JOBS_RELEASED,
                DocketMetrics.JOBS_LEASE_LOST, DocketMetrics.JOBS_RESET)) {
            FunctionCounter c = registry.find(name).functionCounter();
            assertThat(c).as(name).isNotNull();
            assertThat(c.count()).isZero();
            assertThat(c.getId().getTags()).containsExactlyInAnyOrder(Tag.of("queue", "docket"), Tag.of("worker", "w-1"));
            assertThat(c.getId().getBaseUnit()).as("no unit: Prometheus would append it to the name").isNull();
        }
        Job a1 = claimed("A", "1");
        m.onClaimed(a1);
        m.onCompleted(a1, new StoredDocument("file:///x", "00", 1, "application/pdf"), Duration.ofSeconds(1));
        assertThat(registry.find(DocketMetrics.JOBS_COMPLETED).functionCounter().count()).isEqualTo(1.0);
        assertThat(registry.find(DocketMetrics.JOBS_DURATION).timer().getId().getTag("source")).isNull();
        assertThat(registry.find(DocketMetrics.JOBS).tag("status", "pending").gauge().getId().getTag("queue"))
                .isEqualTo("docket");
        assertThat(registry.find(DocketMetrics.JOBS).gauges()).allSatisfy(g -> assertThat(g.getId().getBaseUnit()).isNull());
    }

    /** A PROCESSING job of {@code source} as a store row may hold it (any text: rows may come from other systems). */
    static Job jobOf(long id, String source) {
        return Job.builder(id, source, "N-" + id).status(dev.docket.queue.JobStatus.PROCESSING).attempts(1)
                .maxAttempts(5).workerId("w-1").leaseToken(java.util.UUID.randomUUID())
                .leaseExpiresAt(T0.plusSeconds(30)).processingStartedAt(T0).createdAt(T0).build();
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
    void theSourceTagIsBoundedByDefaultTheFirstSourcesKeepTheirNameTheRestAreOther() {
        DocketMetrics m = metrics();
        for (int i = 0; i < 500; i++) {
            Job j = jobOf(i, "registry-" + i);
            m.onClaimed(j);
            m.onCompleted(j, null, Duration.ofMillis(10));
        }

        java.util.Set<String> values = sourceTagValues();
        assertThat(values).hasSize(DocketMetrics.DEFAULT_MAX_SOURCES + 1).contains("registry-0", "registry-49",
                DocketMetrics.OTHER_SOURCE).doesNotContain("registry-50", "registry-499");
        assertThat(counter(DocketMetrics.JOBS_CLAIMED, "registry-0")).isEqualTo(1.0);
        assertThat(counter(DocketMetrics.JOBS_CLAIMED, DocketMetrics.OTHER_SOURCE)).isEqualTo(450.0);
        assertThat(registry.find(DocketMetrics.JOBS_DURATION).tags("source", DocketMetrics.OTHER_SOURCE).timer().count())
                .isEqualTo(450);
        // a source seen before the limit was reached keeps its name afterwards
        m.onClaimed(jobOf(1000, "registry-7"));
        assertThat(counter(DocketMetrics.JOBS_CLAIMED, "registry-7")).isEqualTo(2.0);
    }

    @Test
    void maxSourcesIsASettingAndSourceValuesAreSanitised() {
        DocketMetrics m = DocketMetrics.builder(store).workerId("w-1").clock(clock).maxSources(2).build();
        m.bindTo(registry);
        String hostile = "reg\u001b[31m\nistry " + "x".repeat(400);
        m.onClaimed(jobOf(1, hostile));
        m.onClaimed(jobOf(2, "B"));
        m.onClaimed(jobOf(3, "C"));
        m.onClaimed(jobOf(4, "  "));

        assertThat(sourceTagValues()).hasSize(3).contains("B", DocketMetrics.OTHER_SOURCE);
        String cleaned = sourceTagValues().stream().filter(v -> v.startsWith("reg")).findFirst().orElseThrow();
        assertThat(cleaned).hasSizeLessThanOrEqualTo(DocketMetrics.MAX_SOURCE_LENGTH).startsWith("reg_[31m_istry x")
                .doesNotContain("\u001b").doesNotContain("\n");
        assertThat(counter(DocketMetrics.JOBS_CLAIMED, DocketMetrics.OTHER_SOURCE)).isEqualTo(2.0);

        assertThatThrownBy(() -> DocketMetrics.builder(store).maxSources(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSources must be 1-")
                .hasMessageContaining("but was 0");
    }

    @Test
    void builderRejectsBadSettingsNamingThem() {
        assertThatThrownBy(() -> DocketMetrics.builder(store).refreshInterval(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refreshInterval must be > 0");
        assertThatThrownBy(() -> DocketMetrics.builder(store).workerWindow(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workerWindow");
        assertThatThrownBy(() -> DocketMetrics.builder(store).workerId(" ").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workerId");
        assertThatThrownBy(() -> DocketMetrics.builder(null)).isInstanceOf(NullPointerException.class);
    }

    static void read(Meter meter) {
        meter.measure().forEach(ms -> ms.getValue());
    }

    interface Hook {
        void before(String method);
    }

    /** A JobStore proxy that calls {@code hook} before delegating each call. */
    static JobStore forwarding(JobStore delegate, Hook hook) {
        InvocationHandler h = (proxy, method, args) -> {
            hook.before(method.getName());
            try {
                return method.invoke(delegate, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (JobStore) Proxy.newProxyInstance(JobStore.class.getClassLoader(), new Class<?>[] {JobStore.class}, h);
    }
}
