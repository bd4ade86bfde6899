package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.Document;
import dev.docket.queue.ExtractionContext;
import dev.docket.queue.Extractor;
import dev.docket.queue.ExtractorHealth;
import dev.docket.queue.Job;
import dev.docket.queue.NewJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ExtractorSupervisor#ensureReady()} and the abandoned-threads rule, step by step. */
class ExtractorSupervisorTest {
    @TempDir
    Path dir;
    final UnitsFixture fx = new UnitsFixture();
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    final AtomicReference<RuntimeException> startFailure = new AtomicReference<>();
    final AtomicReference<ExtractorHealth> health = new AtomicReference<>(ExtractorHealth.healthy());

    final Extractor extractor = new Extractor() {
        @Override
        public void start() {
            starts.incrementAndGet();
            RuntimeException e = startFailure.get();
            if (e != null) {
                throw e;
            }
        }

        @Override
        public ExtractorHealth health() {
            return health.get();
        }

        @Override
        public Document extract(Job job, ExtractionContext ctx) {
            return UnitsFixture.pdf(job);
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    };

    @Test
    void aFailedStartIsRetriedWithBackoffAndReportedUntilItWorks() {
        WorkerUnits u = fx.units(fx.memory, extractor, dir);
        startFailure.set(new IllegalStateException("no browser"));
        Duration first = u.extractor.ensureReady();
        assertThat(first).isPositive();
        assertThat(u.extractor.problem()).contains("failed to start (attempt 1)").contains("no browser");
        assertThat(u.extractor.ensureReady()).isPositive();
        assertThat(u.extractor.problem()).contains("attempt 2");
        assertThat(fx.events).containsExactly("extractor down", "extractor down");

        startFailure.set(null);
        assertThat(u.extractor.ensureReady()).isZero(); // started; health is checked on the next step
        assertThat(u.extractor.ensureReady()).isNull(); // ready
        assertThat(u.extractor.problem()).isNull();
        assertThat(fx.events).endsWith("extractor up");
        assertThat(starts.get()).isEqualTo(3);
    }

    @Test
    void anUnhealthyExtractorIsRestartedOnceNoJobHoldsASlot() {
        WorkerUnits u = fx.units(fx.memory, extractor, dir);
        u.extractor.ensureReady();
        assertThat(u.extractor.ensureReady()).isNull();
        health.set(ExtractorHealth.down("browser crashed"));
        assertThat(u.extractor.ensureReady()).isPositive();
        assertThat(u.extractor.problem()).contains("browser crashed");
        health.set(ExtractorHealth.healthy());
        assertThat(u.extractor.ensureReady()).isZero(); // closed and started again
        assertThat(closes.get()).isEqualTo(1);
        assertThat(starts.get()).isEqualTo(2);
        assertThat(u.extractor.ensureReady()).isNull();
        assertThat(u.extractor.problem()).isNull();
    }

    @Test
    void moreHangingExtractionsThanTheConcurrencyStopClaimingAndAskForARestart() {
        WorkerUnits u = fx.units(fx.memory, extractor, dir);
        u.extractor.ensureReady();
        u.extractor.ensureReady();
        InFlight[] hanging = new InFlight[3];
        for (int i = 0; i < 3; i++) {
            fx.memory.enqueue(NewJob.of("s", "n" + i));
            Job job = fx.memory.claim("u1", 1, UnitsFixture.LEASE).get(0);
            hanging[i] = new InFlight(job, 0, fx.clock, fx.ticker, UnitsFixture.JOB_TIMEOUT);
            u.extractor.noteIfAbandoned(hanging[i]); // extract() has not returned
        }
        assertThat(u.extractor.abandonedExtractions()).isEqualTo(3);
        assertThat(u.extractor.tooManyAbandoned()).isTrue(); // 3 > concurrency 2
        assertThat(u.extractor.abandonedProblem()).contains("3 extraction thread(s)");
        assertThat(u.extractor.ensureReady()).isZero(); // the restart it asked for
        assertThat(starts.get()).isEqualTo(2);

        hanging[0].extractionReturned();
        assertThat(u.extractor.tooManyAbandoned()).isFalse();
        assertThat(u.extractor.abandonedProblem()).isNull();
    }

    @Test
    void aHoldingExtractorGetsNoClaimAndNoRestartTheWorkerIsDegradedWithItsFiguresAndNoAttemptIsSpent() {
        WorkerUnits u = fx.units(fx.memory, extractor, dir);
        long id = fx.memory.enqueue(NewJob.of("s", "n1")).id();
        health.set(ExtractorHealth.holding("memory in use 3.8 GiB is above the high-water mark", 0,
                java.util.Map.of("memory.used.bytes", 3_800L)));
        assertThat(u.claimLoop.runOnce().claimed()).isEmpty(); // starts it
        assertThat(u.claimLoop.runOnce().claimed()).as("holding: nothing claimed").isEmpty();
        assertThat(u.claimLoop.runOnce().claimed()).isEmpty();
        assertThat(u.state()).isEqualTo(dev.docket.queue.WorkerState.DEGRADED);
        assertThat(u.problem()).contains("holds new claims").contains("above the high-water mark");
        assertThat(u.info(u.state()).extractorFigures()).containsEntry("memory.used.bytes", 3_800L);
        assertThat(starts.get()).as("not restarted").isEqualTo(1);
        assertThat(closes.get()).isZero();
        assertThat(fx.events).doesNotContain("extractor down");
        Job job = fx.memory.find(id).orElseThrow();
        assertThat(job.status()).isEqualTo(dev.docket.queue.JobStatus.PENDING);
        assertThat(job.attempts()).isZero();

        health.set(ExtractorHealth.ready("memory 2.0 GiB in use", 0, java.util.Map.of("memory.used.bytes", 2_000L)));
        assertThat(u.claimLoop.runOnce().claimed()).extracting(Job::id).containsExactly(id);
        assertThat(u.problem()).isNull();
        assertThat(u.state()).isEqualTo(dev.docket.queue.WorkerState.RUNNING);
    }

    @Test
    void withConcurrencyAutoTheRuntimeUsesTheSlotsTheExtractorSaysItCanRun() {
        WorkerUnits u = fx.units(fx.memory, extractor, new dev.docket.queue.FileSystemDocumentSink(dir),
                UnitsFixture.config().concurrencyAuto(8).build(), null);
        for (int i = 0; i < 10; i++) {
            fx.memory.enqueue(NewJob.of("s", "n" + i));
        }
        health.set(ExtractorHealth.ready("room for 3", 3, java.util.Map.of()));
        u.extractor.ensureReady();
        assertThat(u.slots.free()).as("1 until the extractor says").isEqualTo(1);
        assertThat(u.extractor.ensureReady()).isNull();
        assertThat(u.slots.free()).isEqualTo(3);
        assertThat(u.info(u.state()).concurrency()).isEqualTo(3);
        health.set(ExtractorHealth.ready("room for 20", 20, java.util.Map.of()));
        u.extractor.ensureReady();
        assertThat(u.slots.free()).as("at most the configured maximum").isEqualTo(8);
        health.set(ExtractorHealth.healthy()); // does not say
        u.extractor.ensureReady();
        assertThat(u.slots.free()).as("the default concurrency, within the maximum").isEqualTo(8);
    }
}
