package dev.docket.queue;

import dev.docket.queue.spi.JobOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobOutcomeTest {

    @Test
    void completedCarriesTheResultAndRecordsNoEvent() {
        JobOutcome o = JobOutcome.completed("{\"uri\": \"x\"}");
        assertThat(o.kind()).isEqualTo(JobOutcome.Kind.COMPLETED);
        assertThat(o.result()).isEqualTo("{\"uri\": \"x\"}");
        assertThat(o.error()).isNull();
        assertThat(o.delay()).isZero();
        assertThat(o.event()).isNull();
        assertThat(o.targetStatus()).isEqualTo(JobStatus.COMPLETED);
        assertThat(JobOutcome.completed(null).result()).isNull();
    }

    @Test
    void failedCarriesTheErrorAndRecordsFailed() {
        JobOutcome o = JobOutcome.failed("document does not exist");
        assertThat(o.kind()).isEqualTo(JobOutcome.Kind.FAILED);
        assertThat(o.error()).isEqualTo("document does not exist");
        assertThat(o.result()).isNull();
        assertThat(o.event()).isEqualTo(JobEventType.FAILED);
        assertThat(o.targetStatus()).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void retryLaterCarriesTheDelayAndRecordsRetryScheduled() {
        JobOutcome o = JobOutcome.retryLater("registry timed out", Duration.ofSeconds(30));
        assertThat(o.kind()).isEqualTo(JobOutcome.Kind.RETRY);
        assertThat(o.delay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.error()).isEqualTo("registry timed out");
        assertThat(o.event()).isEqualTo(JobEventType.RETRY_SCHEDULED);
        assertThat(o.targetStatus()).isEqualTo(JobStatus.PENDING);
        assertThat(o).hasToString("RETRY(registry timed out) in PT30S");
    }

    @Test
    void releasedCarriesTheReasonAndRecordsReleased() {
        JobOutcome o = JobOutcome.released("worker shutting down");
        assertThat(o.kind()).isEqualTo(JobOutcome.Kind.RELEASED);
        assertThat(o.error()).isEqualTo("worker shutting down");
        assertThat(o.delay()).isZero();
        assertThat(o.event()).isEqualTo(JobEventType.RELEASED);
        assertThat(o.targetStatus()).isEqualTo(JobStatus.PENDING);
    }

    @Test
    void recordedAsChangesOnlyTheEvent() {
        JobOutcome base = JobOutcome.retryLater("ran past 5m", Duration.ofSeconds(10));
        JobOutcome o = base.recordedAs(JobEventType.TIMED_OUT);
        assertThat(o.event()).isEqualTo(JobEventType.TIMED_OUT);
        assertThat(o.kind()).isEqualTo(base.kind());
        assertThat(o.error()).isEqualTo(base.error());
        assertThat(o.delay()).isEqualTo(base.delay());
        assertThat(base.event()).as("the original is unchanged").isEqualTo(JobEventType.RETRY_SCHEDULED);
        assertThatThrownBy(() -> base.recordedAs(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void errorsAndReasonsMustNotBeBlank() {
        assertThatThrownBy(() -> JobOutcome.failed(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("error");
        assertThatThrownBy(() -> JobOutcome.failed("  ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JobOutcome.retryLater("", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JobOutcome.released(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reason");
    }

    @Test
    void retryDelayMustBePresentAndNotNegative() {
        assertThatThrownBy(() -> JobOutcome.retryLater("x", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> JobOutcome.retryLater("x", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay");
        assertThat(JobOutcome.retryLater("x", Duration.ZERO).delay()).isZero();
    }
}
