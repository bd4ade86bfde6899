package dev.docket.queue.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.NewJob;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress meters of {@link WorkerMetrics}: fed by onProgress in memory, bounded step tags. */
class ProgressMetersTest {
    final InMemoryJobStore store = new InMemoryJobStore();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    Job claimed(String number) {
        store.enqueue(NewJob.of("s", number));
        return store.claim("w-1", 1, Duration.ofSeconds(30)).get(0);
    }

    double gauge() {
        return registry.find(DocketMetricNames.JOBS_PROGRESS).tag("worker", "w-1").gauge().value();
    }

    @Test
    void theGaugeIsTheMeanProgressOfTheJobsInFlightAndTheStepsAreCountedWithABoundedTag() {
        WorkerMetrics m = WorkerMetrics.builder().workerId("w-1").build();
        m.bindTo(registry);
        Job a = claimed("1");
        Job b = claimed("2");
        m.onClaimed(a);
        m.onClaimed(b);
        assertThat(gauge()).isZero();
        m.onProgress(a, "open", 0.0);
        m.onProgress(a, "download", 0.75);
        m.onProgress(b, "search", 0.25);
        assertThat(gauge()).isEqualTo(0.5);
        m.onCompleted(a, null, Duration.ofSeconds(1));
        assertThat(gauge()).as("a finished job no longer counts").isEqualTo(0.25);
        assertThat(registry.find(DocketMetricNames.JOBS_PROGRESS_STEPS).tags("worker", "w-1", "step", "download").counter().count())
                .isEqualTo(1.0);

        for (int i = 0; i < 100; i++) {
            m.onProgress(b, "step-" + i, 0.5);
        }
        List<String> tags = registry.find(DocketMetricNames.JOBS_PROGRESS_STEPS).counters().stream()
                .map(c -> c.getId().getTag("step")).toList();
        assertThat(tags).hasSize(ProgressMeters.MAX_STEPS + 1).contains(ProgressMeters.OTHER_STEP);
    }
}
