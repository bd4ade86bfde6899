package dev.docket.queue.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.spi.JobStore;
import dev.docket.queue.NewJob;
import dev.docket.queue.StoreException;
import dev.docket.queue.spi.WorkerHeartbeat;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.TimeGauge;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** QueueMetrics values checked against known store states: the queue-wide gauges. */
class QueueMetricsTest extends StoreFixture {

    QueueMetrics metrics() {
        QueueMetrics m = QueueMetrics.builder(store).clock(clock).build();
        m.bindTo(registry);
        return m;
    }

    double gauge(String name, String... tags) {
        Gauge g = registry.find(name).tags(tags).gauge();
        assertThat(g).as(name).isNotNull();
        return g.value();
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

        assertThat(gauge(DocketMetricNames.JOBS, "status", "pending")).isEqualTo(2.0);
        assertThat(gauge(DocketMetricNames.JOBS, "status", "processing")).isEqualTo(1.0);
        assertThat(gauge(DocketMetricNames.JOBS, "status", "completed")).isZero();
        TimeGauge oldest = registry.find(DocketMetricNames.JOBS_OLDEST_PENDING_AGE).timeGauge();
        assertThat(oldest.value(TimeUnit.SECONDS)).isEqualTo(20.0);
        assertThat(registry.find(DocketMetricNames.JOBS).gauges()).hasSize(5);

        store.enqueue(NewJob.of("A", "4"));
        clock.advance(Duration.ofSeconds(4));
        assertThat(gauge(DocketMetricNames.JOBS, "status", "pending")).as("cached for 5 s").isEqualTo(2.0);
        assertThat(oldest.value(TimeUnit.SECONDS)).as("age still advances between reads").isEqualTo(24.0);
        clock.advance(Duration.ofSeconds(1));
        assertThat(gauge(DocketMetricNames.JOBS, "status", "pending")).isEqualTo(3.0);
    }

    @Test
    void readsTheStoreAtMostOncePerRefreshIntervalWhateverTheNumberOfGauges() {
        AtomicInteger statsCalls = new AtomicInteger();
        JobStore counting = forwarding(store, (name) -> {
            if (name.equals("stats")) {
                statsCalls.incrementAndGet();
            }
        });
        QueueMetrics m = QueueMetrics.builder(counting).clock(clock).build();
        m.bindTo(registry);
        for (int i = 0; i < 3; i++) {
            registry.getMeters().forEach(QueueMetricsTest::read);
        }
        assertThat(statsCalls).hasValue(1);
        clock.advance(QueueMetrics.DEFAULT_REFRESH_INTERVAL);
        registry.getMeters().forEach(QueueMetricsTest::read);
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

        gauge(DocketMetricNames.JOBS, "status", "pending"); // any store gauge read refreshes the worker rows
        assertThat(gauge(DocketMetricNames.WORKERS_HEARTBEAT_AGE, "worker", "w-1")).isEqualTo(5.0);
        assertThat(gauge(DocketMetricNames.WORKERS_HEARTBEAT_AGE, "worker", "w-dead")).isEqualTo(95.0);
        assertThat(registry.find(DocketMetricNames.WORKERS_HEARTBEAT_AGE).tag("worker", "w-stopped").gauge()).isNull();

        clock.advance(QueueMetrics.DEFAULT_WORKER_WINDOW);
        store.heartbeat(WorkerHeartbeat.of("w-1", List.of(), Duration.ofSeconds(30)));
        gauge(DocketMetricNames.JOBS, "status", "pending");
        assertThat(registry.find(DocketMetricNames.WORKERS_HEARTBEAT_AGE).tag("worker", "w-dead").gauge())
                .as("a worker silent for longer than the window is dropped").isNull();
        assertThat(gauge(DocketMetricNames.WORKERS_HEARTBEAT_AGE, "worker", "w-1")).isZero();
    }

    @Test
    void storeFailuresGiveNaNFirstThenKeepTheLastFiguresAndNeverThrow() {
        AtomicBoolean down = new AtomicBoolean(true);
        JobStore flaky = forwarding(store, name -> {
            if (down.get() && (name.equals("stats") || name.equals("workers"))) {
                throw new StoreException("connection refused", true);
            }
        });
        QueueMetrics m = QueueMetrics.builder(flaky).clock(clock).build();
        m.bindTo(registry);
        store.enqueue(NewJob.of("A", "1"));
        assertThat(gauge(DocketMetricNames.JOBS, "status", "pending")).isNaN();
        down.set(false);
        clock.advance(Duration.ofSeconds(5));
        assertThat(gauge(DocketMetricNames.JOBS, "status", "pending")).isEqualTo(1.0);
        down.set(true);
        store.enqueue(NewJob.of("A", "2"));
        clock.advance(Duration.ofSeconds(5));
        assertThat(gauge(DocketMetricNames.JOBS, "status", "pending")).isEqualTo(1.0);
        registry.getMeters().forEach(QueueMetricsTest::read);
    }

    @Test
    void commonTagsOnEveryGaugeNoBaseUnitOnTheCountsAndNoPerRuntimeMeter() {
        QueueMetrics.builder(store).tag("queue", "docket").clock(clock).build().bindTo(registry);
        assertThat(registry.find(DocketMetricNames.JOBS).tag("status", "pending").gauge().getId().getTag("queue"))
                .isEqualTo("docket");
        assertThat(registry.find(DocketMetricNames.JOBS).gauges()).allSatisfy(g -> assertThat(g.getId().getBaseUnit()).isNull());
        assertThat(registry.find(DocketMetricNames.JOBS_OLDEST_PENDING_AGE).timeGauge().getId().getTag("queue"))
                .isEqualTo("docket");
        assertThat(registry.getMeters()).extracting(meter -> meter.getId().getName())
                .containsOnly(DocketMetricNames.JOBS, DocketMetricNames.JOBS_OLDEST_PENDING_AGE);
    }

    @Test
    void builderRejectsBadSettingsNamingThem() {
        assertThatThrownBy(() -> QueueMetrics.builder(store).refreshInterval(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refreshInterval must be > 0");
        assertThatThrownBy(() -> QueueMetrics.builder(store).workerWindow(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workerWindow");
        assertThatThrownBy(() -> QueueMetrics.builder(store).clock(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clock");
        assertThatThrownBy(() -> QueueMetrics.builder(null)).isInstanceOf(NullPointerException.class);
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
