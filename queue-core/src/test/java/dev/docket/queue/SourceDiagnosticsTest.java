package dev.docket.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** diagnose's sources section and its alerts: a circuit open too long, a paused source with a backlog. */
class SourceDiagnosticsTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private final ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryJobStore store = new InMemoryJobStore(clock);
    private final JobQueue queue = JobQueue.of(store);

    private void failOne(String source) {
        Job j = store.claim("w-1", 1, LEASE).get(0);
        assertThat(j.documentSource()).isEqualTo(source);
        store.finish(j.lease(), JobOutcome.retryLater("HTTP 503 from https://r.example/doc?token=s3cret", Duration.ZERO)
                .countedAgainstSource());
    }

    private static List<String> sourceAlerts(Diagnostics d) {
        return d.alerts().stream().filter(a -> a.startsWith("source ")).toList();
    }

    @Test
    void listsEverySourceAndRaisesNoSourceAlertWhenAllIsWell() {
        queue.enqueueAll(List.of(NewJob.of("registry-a", "1"), NewJob.of("registry-b", "1")));
        Diagnostics d = queue.diagnose();
        assertThat(d.sources()).extracting(SourceStatus::source).containsExactly("registry-a", "registry-b");
        assertThat(sourceAlerts(d)).isEmpty();
    }

    @Test
    void aPausedSourceWithABacklogIsAnAlertAndWithoutOneIsNot() {
        queue.pauseSource("registry-a", "registry maintenance");
        assertThat(sourceAlerts(queue.diagnose())).as("nothing pending").isEmpty();
        queue.enqueueAll(List.of(NewJob.of("registry-a", "1"), NewJob.of("registry-a", "2")));
        assertThat(sourceAlerts(queue.diagnose())).containsExactly("source registry-a is paused (registry maintenance)"
                + " with 2 job(s) pending: 'docket resume --source registry-a' when it may run again");
        queue.resumeSource("registry-a");
        assertThat(sourceAlerts(queue.diagnose())).isEmpty();
    }

    @Test
    void aCircuitOpenOrHalfOpenWithoutClosingForMoreThanTheThresholdIsAnAlert() {
        queue.setSourcePolicy("registry-a", SourcePolicy.builder()
                .breaker(1, Duration.ofMinutes(4), Duration.ofMinutes(4)).build());
        queue.enqueueAll(List.of(NewJob.of("registry-a", "1"), NewJob.of("registry-a", "2")));
        failOne("registry-a");
        assertThat(queue.source("registry-a").orElseThrow().state()).isEqualTo(SourceStatus.State.OPEN);
        clock.advance(Duration.ofMinutes(9));
        assertThat(sourceAlerts(queue.diagnose())).as("open 9 minutes, threshold 10").isEmpty();

        // the probe fails at minute 9: open again, but the circuit has not closed since minute 0
        failOne("registry-a");
        clock.advance(Duration.ofMinutes(2));
        List<String> alerts = sourceAlerts(queue.diagnose());
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0)).startsWith("source registry-a: circuit open for 11m (threshold 10m), 2 job(s) pending")
                .contains("HTTP 503 from https://r.example/doc?<redacted>").doesNotContain("s3cret");
        assertThat(sourceAlerts(queue.diagnose(new DiagnosticsOptions(Duration.ofMinutes(5), Duration.ofMinutes(2), 0.5,
                Duration.ofMinutes(15))))).as("a longer threshold").isEmpty();

        clock.advance(Duration.ofMinutes(4));
        Job probe = store.claim("w-1", 1, LEASE).get(0);
        assertThat(sourceAlerts(queue.diagnose())).singleElement().asString().startsWith(
                "source registry-a: circuit half-open for 15m");
        store.finish(probe.lease(), JobOutcome.completed(null));
        assertThat(queue.source("registry-a").orElseThrow().state()).isEqualTo(SourceStatus.State.CLOSED);
        assertThat(sourceAlerts(queue.diagnose())).isEmpty();
    }
}
