package dev.docket.extractor.playwright.internal.snapshot;

import dev.docket.extractor.playwright.FailureSnapshots;
import dev.docket.queue.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link SnapshotGate}: which failures get a snapshot. */
class SnapshotGateTest {
    private final ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void firstPerErrorTakesTheFirstOfEachErrorPerSourcePerWindow() {
        SnapshotGate gate = new SnapshotGate(FailureSnapshots.defaults(), clock);
        assertThat(gate.admit("reg-a", "TRANSIENT", "job 1: timed out after 5000 ms at http://x/doc/17.pdf?t=abc")).isTrue();
        assertThat(gate.admit("reg-a", "TRANSIENT", "job 2: timed out after 5000 ms at http://x/doc/18.pdf?t=def"))
                .as("the same error of another job").isFalse();
        assertThat(gate.admit("reg-b", "TRANSIENT", "job 3: timed out after 5000 ms at http://x/doc/17.pdf")).as("another source").isTrue();
        assertThat(gate.admit("reg-a", "PERMANENT", "job 4: timed out after 5000 ms at http://x/doc/17.pdf")).as("another kind").isTrue();
        assertThat(gate.admit("reg-a", "TRANSIENT", "job 5: HTTP 500 from http://x/search")).as("another error").isTrue();

        clock.advance(Duration.ofMinutes(59));
        assertThat(gate.admit("reg-a", "TRANSIENT", "job 6: timed out after 5000 ms at http://x/doc/19.pdf")).isFalse();
        clock.advance(Duration.ofMinutes(2));
        assertThat(gate.admit("reg-a", "TRANSIENT", "job 7: timed out after 5000 ms at http://x/doc/19.pdf"))
                .as("an hour after the first").isTrue();
    }

    @Test
    void everyFailureAndOffDoWhatTheySay() {
        SnapshotGate every = new SnapshotGate(FailureSnapshots.builder().policy(FailureSnapshots.Policy.EVERY_FAILURE).build(), clock);
        assertThat(every.admit("s", "TRANSIENT", "x")).isTrue();
        assertThat(every.admit("s", "TRANSIENT", "x")).isTrue();
        SnapshotGate off = new SnapshotGate(FailureSnapshots.off(), clock);
        assertThat(off.admit("s", "TRANSIENT", "x")).isFalse();
    }

    @Test
    void theBudgetRefusesWhatDoesNotFitUntilTheNextWindow() {
        FailureSnapshots config = FailureSnapshots.builder().maxScreenshotBytes(16 * 1024).maxHtmlChars(1024)
                .budgetBytes(100_000).build();
        SnapshotGate gate = new SnapshotGate(config, clock);
        assertThat(gate.charge(60_000)).isTrue();
        assertThat(gate.charge(60_000)).isFalse();
        assertThat(gate.charge(40_000)).isTrue();
        assertThat(gate.spent()).isEqualTo(100_000);
        clock.advance(Duration.ofHours(1));
        assertThat(gate.charge(60_000)).isTrue();
    }

    @Test
    void theBuilderNamesTheBadValue() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FailureSnapshots.builder().maxScreenshotBytes(10).build())
                .hasMessage("maxScreenshotBytes must be 16384-16777216 but was 10");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FailureSnapshots.builder().budgetBytes(1).build())
                .hasMessageStartingWith("budgetBytes must be at least the largest snapshot");
    }
}
