package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.testing.FaultInjectingJobStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ClaimLoop#runOnce()} on the test thread: readiness first, then claim and dispatch. */
class ClaimLoopTest {
    @TempDir
    Path dir;
    final UnitsFixture fx = new UnitsFixture();

    @Test
    void theFirstPassStartsTheExtractorAndClaimsNothingTheNextClaimsAndRunsTheJobs() {
        Job j = fx.memory.enqueue(NewJob.of("s", "n1"));
        AtomicInteger starts = new AtomicInteger();
        WorkerUnits u = fx.units(fx.memory, new dev.docket.queue.Extractor() {
            @Override
            public void start() {
                starts.incrementAndGet();
            }

            @Override
            public dev.docket.queue.Document extract(Job job, dev.docket.queue.ExtractionContext ctx) {
                return UnitsFixture.pdf(job);
            }
        }, dir);

        ClaimLoop.Pass first = u.claimLoop.runOnce();
        assertThat(first.claimed()).isEmpty();
        assertThat(first.pause()).isZero(); // at once: the next pass checks the health of the extractor just started
        assertThat(starts.get()).isEqualTo(1);
        assertThat(fx.memory.find(j.id()).orElseThrow().status()).isEqualTo(JobStatus.PENDING);

        ClaimLoop.Pass second = u.claimLoop.runOnce();
        assertThat(second.claimed()).extracting(Job::id).containsExactly(j.id());
        assertThat(second.pause()).isEqualTo(Duration.ofSeconds(1)); // fewer than wanted: poll later
        assertThat(fx.memory.find(j.id()).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(u.slots.free()).isEqualTo(2);
        assertThat(starts.get()).isEqualTo(1);
    }

    @Test
    void claimsAtMostTheFreeSlots() {
        for (int i = 0; i < 5; i++) {
            fx.memory.enqueue(NewJob.of("s", "n" + i));
        }
        // the job executor never runs the jobs: they keep their slots
        WorkerUnits u = fx.units(fx.memory, (job, ctx) -> UnitsFixture.pdf(job), dir);
        ClaimLoop held = new ClaimLoop(u.ctx, u.slots, u.extractor, u.sink, u.executor, u.completer, r -> { },
                u.closing);
        held.runOnce();
        ClaimLoop.Pass pass = held.runOnce();
        assertThat(pass.claimed()).hasSize(2); // concurrency 2
        assertThat(pass.pause()).isZero();
        ClaimLoop.Pass full = held.runOnce();
        assertThat(full.claimed()).isEmpty();
        assertThat(full.pause()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aFailedClaimBacksOffAndMarksTheStoreDown() {
        FaultInjectingJobStore faulty = new FaultInjectingJobStore(fx.memory);
        fx.memory.enqueue(NewJob.of("s", "n1"));
        WorkerUnits u = fx.units(faulty, (job, ctx) -> UnitsFixture.pdf(job), dir);
        u.claimLoop.runOnce(); // starts the extractor
        faulty.failEverything(FaultInjectingJobStore.transientError());
        ClaimLoop.Pass pass = u.claimLoop.runOnce();
        assertThat(pass.claimed()).isEmpty();
        assertThat(pass.pause()).isPositive();
        assertThat(u.ctx.storeHealth().isDown()).isTrue();
        faulty.heal();
        assertThat(u.claimLoop.runOnce().claimed()).hasSize(1);
        assertThat(u.ctx.storeHealth().isDown()).isFalse();
    }

    @Test
    void aClosingRuntimeClaimsNothing() {
        fx.memory.enqueue(NewJob.of("s", "n1"));
        WorkerUnits u = fx.units(fx.memory, (job, ctx) -> UnitsFixture.pdf(job), dir);
        u.claimLoop.runOnce();
        u.closing.set(true);
        assertThat(u.claimLoop.runOnce().claimed()).isEmpty();
    }
}
