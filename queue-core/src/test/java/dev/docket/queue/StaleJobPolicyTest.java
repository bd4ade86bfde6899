package dev.docket.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StaleJobPolicyTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    static StaleJob staleJob(int attempts, int maxAttempts) {
        Job job = Job.builder(7, "registry-a", "doc-7").status(JobStatus.PROCESSING).attempts(attempts)
                .maxAttempts(maxAttempts).workerId("w-1").leaseToken(UUID.randomUUID())
                .leaseExpiresAt(T0.plusSeconds(30)).processingStartedAt(T0).createdAt(T0).build();
        return new StaleJob(job, "lease expired 12s ago (worker w-1)");
    }

    @Test
    void leaseExpiredEvaluatesOnlyTheLeaseCriterion() {
        assertThat(StaleJobPolicy.leaseExpired().criteria()).isEqualTo(new StaleCriteria(true, null, null));
        assertThat(StaleJobPolicy.leaseExpired()).hasToString("leaseExpired");
    }

    @Test
    void leaseExpiredRequeuesAtOnceWhileAttemptsRemain() {
        StaleDecision decision = StaleJobPolicy.leaseExpired().decide(staleJob(2, 3));
        assertThat(decision.isRequeue()).isTrue();
        assertThat(decision.delay()).isZero();
        assertThat(decision.targetStatus()).isEqualTo(JobStatus.PENDING);
        assertThat(decision.failureReason()).isNull();
    }

    @Test
    void leaseExpiredFailsAJobAbandonedOnItsLastAttemptSayingWhy() {
        StaleDecision decision = StaleJobPolicy.leaseExpired().decide(staleJob(3, 3));
        assertThat(decision.isRequeue()).isFalse();
        assertThat(decision.targetStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(decision.failureReason()).isEqualTo(
                "abandoned by worker w-1 (lease expired 12s ago (worker w-1)) on its last attempt 3/3");
    }

    @Test
    void processingLongerThanAlsoResetsExpiredLeasesAndRespectsAttempts() {
        StaleJobPolicy policy = StaleJobPolicy.processingLongerThan(Duration.ofMinutes(5));
        assertThat(policy.criteria()).isEqualTo(new StaleCriteria(true, null, Duration.ofMinutes(5)));
        assertThat(policy.decide(staleJob(1, 5)).isRequeue()).isTrue();
        assertThat(policy.decide(staleJob(5, 5)).isRequeue()).isFalse();
        assertThat(policy.toString()).contains("PT5M");
    }

    @Test
    void processingLongerThanRejectsAMissingOrNonPositiveLimit() {
        assertThatThrownBy(() -> StaleJobPolicy.processingLongerThan(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> StaleJobPolicy.processingLongerThan(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("processingLongerThan");
    }

    @Test
    void criteriaNeedAtLeastOneCriterionAndPositiveDurations() {
        assertThatThrownBy(() -> new StaleCriteria(false, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> new StaleCriteria(false, Duration.ofSeconds(-1), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ownerSilentFor");
    }

    @Test
    void decisionsRejectBadArguments() {
        assertThatThrownBy(() -> StaleDecision.requeue(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StaleDecision.fail(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(StaleDecision.requeue(Duration.ofSeconds(5)).delay()).isEqualTo(Duration.ofSeconds(5));
    }
}
