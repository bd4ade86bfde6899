package dev.docket.queue;

import dev.docket.queue.spi.JobOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    final InMemoryJobStore store = new InMemoryJobStore(ManualClock.startingNow());

    Job afterAttempts(int attempts) {
        store.enqueue(NewJob.builder("s", "n" + attempts).maxAttempts(50).build());
        Job job = store.claim("w", 1, Duration.ofSeconds(30)).get(0);
        for (int i = 1; i < attempts; i++) {
            store.finish(job.lease(), JobOutcome.retryLater("x", Duration.ZERO));
            job = store.claim("w", 1, Duration.ofSeconds(30)).get(0);
        }
        assertThat(job.attempts()).isEqualTo(attempts);
        return job;
    }

    @Test
    void exponentialDoublesFromTheInitialDelayUpToTheCapWithinTheJitter() {
        RetryPolicy p = RetryPolicy.exponential(Duration.ofSeconds(5), Duration.ofSeconds(30), 0.2);
        int[] expected = {5, 10, 20, 30, 30};
        for (int attempt = 1; attempt <= expected.length; attempt++) {
            Job job = afterAttempts(attempt);
            for (int i = 0; i < 50; i++) {
                RetryPolicy.Decision d = p.decide(job, new RuntimeException());
                assertThat(d.retry()).isTrue();
                assertThat(d.delay().toMillis()).as("attempt %d", attempt)
                        .isBetween(Math.round(expected[attempt - 1] * 800.0), Math.round(expected[attempt - 1] * 1200.0));
            }
        }
    }

    @Test
    void withoutJitterTheDelaysAreExact() {
        RetryPolicy p = RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofMinutes(10), 0);
        assertThat(p.decide(afterAttempts(3), new RuntimeException()).delay()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void aZeroInitialDelayRetriesAtOnce() {
        RetryPolicy p = RetryPolicy.exponential(Duration.ZERO, Duration.ZERO, 0.2);
        assertThat(p.decide(afterAttempts(2), new RuntimeException()).delay()).isZero();
    }

    @Test
    void badArgumentsAreNamedWithTheirValue() {
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofSeconds(-1), Duration.ZERO, 0))
                .hasMessage("initial must be >= 0 but was PT-1S");
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1), 0))
                .hasMessage("max must be >= initial (PT2S) but was PT1S");
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(1), 1.0))
                .hasMessage("jitter must be in [0, 1) but was 1.0");
        assertThatThrownBy(() -> RetryPolicy.Decision.retryAfter(Duration.ofMillis(-1)))
                .hasMessage("delay must be >= 0 but was PT-0.001S");
    }

    @Test
    void failIsADecisionToo() {
        assertThat(RetryPolicy.Decision.fail().retry()).isFalse();
        assertThat(RetryPolicy.Decision.retryAfter(Duration.ofSeconds(3)).delay()).isEqualTo(Duration.ofSeconds(3));
    }
}
