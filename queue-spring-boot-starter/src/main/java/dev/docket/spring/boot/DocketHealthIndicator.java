package dev.docket.spring.boot;

import dev.docket.queue.WorkerHealth;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.spi.JobStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code docket} health contributor: the worker's health (UP; DEGRADED reported as
 * {@code docket.health.degraded-status}, OUT_OF_SERVICE by default; DOWN once it stops), and the store (DOWN when
 * it cannot be reached). Without a worker (no {@code Extractor} bean, or {@code docket.worker.enabled=false}) only
 * the store is checked. Details: the worker id, state, reasons, jobs in flight, completed and failed.
 */
public final class DocketHealthIndicator implements HealthIndicator {
    private final JobStore store;
    private final Optional<DocketWorker> worker;
    private final Status degraded;

    /**
     * A contributor over {@code store} and {@code worker}.
     *
     * @param store          the store
     * @param worker         the worker, if this application runs one
     * @param degradedStatus the status code reported while the worker is DEGRADED
     */
    public DocketHealthIndicator(JobStore store, Optional<DocketWorker> worker, String degradedStatus) {
        this.store = store;
        this.worker = worker;
        this.degraded = new Status(degradedStatus);
    }

    @Override
    public Health health() {
        Map<String, Object> storeDetails = new LinkedHashMap<>();
        storeDetails.put("type", store.getClass().getSimpleName());
        boolean storeUp;
        try {
            storeDetails.put("now", store.now().toString());
            storeUp = true;
        } catch (RuntimeException e) {
            storeDetails.put("error", String.valueOf(e.getMessage()));
            storeUp = false;
        }
        Health.Builder h = new Health.Builder().withDetail("store", storeDetails);
        if (worker.isEmpty()) {
            return (storeUp ? h.up() : h.down()).build();
        }
        Optional<WorkerRuntime> runtime = worker.get().runtime();
        h.withDetail("workerId", worker.get().config().workerId());
        if (runtime.isEmpty()) {
            return h.withDetail("state", "NOT_STARTED").down().build();
        }
        WorkerRuntime r = runtime.get();
        WorkerHealth wh = r.health();
        h.withDetail("state", r.state().name()).withDetail("reasons", wh.reasons())
                .withDetail("inFlight", r.inFlightCount()).withDetail("completed", r.completedCount())
                .withDetail("failed", r.failedCount());
        if (wh.status() == WorkerHealth.Status.DOWN || !storeUp) {
            return h.down().build();
        }
        return (wh.status() == WorkerHealth.Status.UP ? h.up() : h.status(degraded)).build();
    }
}
