package dev.docket.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobBuilderTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void defaultsAreThoseOfAFreshlyEnqueuedJob() {
        Job job = Job.builder(1, "registry-a", "doc-1").createdAt(T0).build();

        assertThat(job.status()).isEqualTo(JobStatus.PENDING);
        assertThat(job.attempts()).isZero();
        assertThat(job.maxAttempts()).isEqualTo(NewJob.DEFAULT_MAX_ATTEMPTS);
        assertThat(job.runAfter()).isEqualTo(T0);
        assertThat(job.updatedAt()).isEqualTo(T0);
        assertThat(job.workerId()).isNull();
        assertThat(job.leaseToken()).isNull();
        assertThat(job.completedAt()).isNull();
    }

    @Test
    void toBuilderCopiesEveryComponent() {
        Job job = new Job(7, "s", "n", "{\"a\":1}", JobStatus.PROCESSING, 3, 2, 4, T0, "w-1", UUID.randomUUID(),
                T0.plusSeconds(30), T0.plusSeconds(1), 1, "boom", "{\"r\":1}", "key", T0.minusSeconds(5),
                T0.plusSeconds(2), T0.plusSeconds(3));

        assertThat(job.toBuilder().build()).isEqualTo(job);
        assertThat(job.toBuilder().status(JobStatus.FAILED).build())
                .isEqualTo(new Job(7, "s", "n", "{\"a\":1}", JobStatus.FAILED, 3, 2, 4, T0, "w-1", job.leaseToken(),
                        T0.plusSeconds(30), T0.plusSeconds(1), 1, "boom", "{\"r\":1}", "key", T0.minusSeconds(5),
                        T0.plusSeconds(2), T0.plusSeconds(3)));
    }

    @Test
    void buildRefusesMissingRequiredComponents() {
        assertThatThrownBy(() -> Job.builder(1, "s", "n").build()).isInstanceOf(NullPointerException.class)
                .hasMessage("createdAt");
        assertThatThrownBy(() -> Job.builder(1, null, "n").createdAt(T0).build())
                .isInstanceOf(NullPointerException.class).hasMessage("documentSource");
        assertThatThrownBy(() -> Job.builder(1, "s", "n").status(null).createdAt(T0).build())
                .isInstanceOf(NullPointerException.class).hasMessage("status");
    }
}
