package dev.docket.queue.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The progress meters of one runtime ({@link WorkerMetrics}), fed by {@code onProgress} in memory (no store read):
 * {@value DocketMetricNames#JOBS_PROGRESS}, the mean fraction of the jobs in flight that reported progress, and
 * {@value DocketMetricNames#JOBS_PROGRESS_STEPS}, steps reached by {@code step} (the first {@value #MAX_STEPS}
 * distinct step names keep theirs, later ones count as {@value #OTHER_STEP}). Thread-safe.
 */
final class ProgressMeters {
    static final int MAX_STEPS = 32;
    static final String OTHER_STEP = "other";

    private final Map<Long, Double> fractions = new ConcurrentHashMap<>();
    private final Set<String> steps = ConcurrentHashMap.newKeySet();
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private volatile Tags tags = Tags.empty();

    void bindTo(MeterRegistry registry, Tags workerTags, Set<Long> inFlight) {
        tags = workerTags;
        registries.add(registry);
        Gauge.builder(DocketMetricNames.JOBS_PROGRESS, () -> mean(inFlight)).tags(workerTags)
                .description("Mean progress (0-1) of this worker's jobs in flight that reported progress")
                .strongReference(true).register(registry);
    }

    void record(long jobId, String step, double fraction) {
        fractions.put(jobId, fraction);
        String tag = steps.contains(step) || (steps.size() < MAX_STEPS && steps.add(step)) ? step : OTHER_STEP;
        for (MeterRegistry r : registries) {
            Counter.builder(DocketMetricNames.JOBS_PROGRESS_STEPS).tags(tags.and("step", tag))
                    .description("Progress steps reached by this worker's jobs").register(r).increment();
        }
    }

    /** The mean over the jobs still in flight; forgets the others. */
    private double mean(Set<Long> inFlight) {
        fractions.keySet().retainAll(inFlight);
        return fractions.values().stream().mapToDouble(Double::doubleValue).average().orElse(0.0);
    }
}
