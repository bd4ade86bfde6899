package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.ExtractionException;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.Job;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JobExecutor#execute(InFlight)} on the test thread, and how it classifies failures. */
class JobExecutorTest {
    @TempDir
    Path dir;
    final UnitsFixture fx = new UnitsFixture();

    InFlight claimed(WorkerUnits u, int maxAttempts) {
        fx.memory.enqueue(NewJob.builder("s", "n" + System.nanoTime()).maxAttempts(maxAttempts).build());
        Job job = fx.memory.claim("u1", 1, UnitsFixture.LEASE).get(0);
        InFlight f = new InFlight(job, u.slots.take(), fx.clock, fx.ticker, UnitsFixture.JOB_TIMEOUT);
        u.slots.hold(f);
        return f;
    }

    @Test
    void aSuccessfulExtractionCompletesTheJobWithTheStoredDocumentAndTheTickerTime() {
        WorkerUnits u = fx.units(fx.memory, (job, ctx) -> {
            fx.ticker.advance(Duration.ofMillis(1500));
            return UnitsFixture.pdf(job);
        }, dir);
        InFlight f = claimed(u, 3);
        u.executor.execute(f);
        Job after = fx.memory.find(f.job().id()).orElseThrow();
        assertThat(after.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(after.result()).contains("\"sha256\"");
        assertThat(fx.events).contains("completed " + f.job().id() + " in PT1.5S");
        assertThat(u.slots.free()).isEqualTo(2);
        assertThat(u.completer.completedCount()).isEqualTo(1);
    }

    @Test
    void aTransientFailureIsRetriedAfterTheDelayOfTheRetryPolicy() {
        WorkerUnits u = fx.units(fx.memory, (job, ctx) -> {
            throw new IllegalStateException("flaky");
        }, new FileSystemDocumentSink(dir), UnitsFixture.config().build(),
                (job, failure) -> RetryPolicy.Decision.retryAfter(Duration.ofSeconds(7 * job.attempts())));
        InFlight f = claimed(u, 3);
        u.executor.execute(f);
        Job after = fx.memory.find(f.job().id()).orElseThrow();
        assertThat(after.status()).isEqualTo(JobStatus.PENDING);
        assertThat(after.lastError()).isEqualTo("IllegalStateException: flaky");
        assertThat(after.runAfter()).isEqualTo(fx.clock.instant().plusSeconds(7));
    }

    @Test
    void theRetryPolicyMayFailAJobThatHasAttemptsLeft() {
        WorkerUnits u = fx.units(fx.memory, (job, ctx) -> {
            throw new IllegalStateException("flaky");
        }, new FileSystemDocumentSink(dir), UnitsFixture.config().build(), (job, failure) -> RetryPolicy.Decision.fail());
        InFlight f = claimed(u, 3);
        u.executor.execute(f);
        Job after = fx.memory.find(f.job().id()).orElseThrow();
        assertThat(after.status()).isEqualTo(JobStatus.FAILED);
        assertThat(after.lastError()).isEqualTo("not retried (retry policy): IllegalStateException: flaky");
    }

    @Test
    void aPolicyThatThrowsFallsBackToTheDefaultBackoff() {
        WorkerUnits u = fx.units(fx.memory, (job, ctx) -> {
            throw new IllegalStateException("flaky");
        }, new FileSystemDocumentSink(dir), UnitsFixture.config().build(), (job, failure) -> {
            throw new IllegalArgumentException("buggy policy");
        });
        InFlight f = claimed(u, 3);
        u.executor.execute(f);
        Job after = fx.memory.find(f.job().id()).orElseThrow();
        assertThat(after.status()).isEqualTo(JobStatus.PENDING);
        // default: 5 s ± 20%
        assertThat(after.runAfter()).isBetween(fx.clock.instant().plusSeconds(4), fx.clock.instant().plusSeconds(6));
    }

    @Test
    void exhaustedAttemptsPermanentAndInfrastructureFailuresAreNotThePolicysToDecide() {
        WorkerUnits u = fx.units(fx.memory, (job, ctx) -> UnitsFixture.pdf(job), new FileSystemDocumentSink(dir),
                UnitsFixture.config().build(), (job, failure) -> RetryPolicy.Decision.retryAfter(Duration.ofHours(1)));
        InFlight last = claimed(u, 1);
        assertThat(u.executor.classify(last.job(), new IllegalStateException("x")).kind())
                .isEqualTo(JobOutcome.Kind.FAILED);
        assertThat(u.executor.classify(last.job(), ExtractionException.permanent("gone")).kind())
                .isEqualTo(JobOutcome.Kind.FAILED);
        JobOutcome infra = u.executor.classify(last.job(),
                new ExtractionException(ExtractionException.Kind.INFRASTRUCTURE, "browser died"));
        assertThat(infra.kind()).isEqualTo(JobOutcome.Kind.RELEASED);
    }

    @Test
    void anExtractionDecidedElsewhereKeepsThatDecision() {
        WorkerUnits u = fx.units(fx.memory, (job, ctx) -> UnitsFixture.pdf(job), dir);
        InFlight f = claimed(u, 3);
        assertThat(f.decide()).isTrue(); // e.g. the watchdog timed it out first
        u.executor.execute(f);
        assertThat(fx.memory.find(f.job().id()).orElseThrow().status()).isEqualTo(JobStatus.PROCESSING);
        assertThat(u.completer.completedCount()).isZero();
    }
}
