package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.ExtractionContext;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.spi.JobLease;
import dev.docket.queue.spi.WorkerHeartbeat;
import dev.docket.queue.testing.ForwardingJobStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs claimed ahead of a free slot ({@link WorkerConfig#prefetch()}, #14): held PROCESSING and lease-renewed,
 * never more extractions than slots, their timeout started when they start, given back without an attempt spent.
 * Job threads are a list the test runs; clock and ticker are manual.
 */
class PrefetchTest {
    @TempDir
    Path dir;
    final UnitsFixture fx = new UnitsFixture();
    final List<Runnable> jobThreads = new ArrayList<>();
    final List<Instant> deadlines = new ArrayList<>();
    final List<Instant> startedAt = new ArrayList<>();

    /** A store that records each heartbeat's leases and may say some of them are lost. */
    final class Beats extends ForwardingJobStore {
        final List<List<JobLease>> renewed = new ArrayList<>();
        final Set<Long> lose = new HashSet<>();

        Beats() {
            super(fx.memory);
        }

        @Override
        public Set<Long> heartbeat(WorkerHeartbeat heartbeat) {
            renewed.add(heartbeat.leases());
            Set<Long> lost = new HashSet<>(super.heartbeat(heartbeat));
            lost.addAll(lose);
            return lost;
        }
    }

    final Beats store = new Beats();

    WorkerUnits units(int concurrency, int prefetch, Duration jobTakes) {
        WorkerConfig config = UnitsFixture.config().concurrency(concurrency).prefetch(prefetch).build();
        return fx.units(store, (Job job, ExtractionContext ctx) -> {
            deadlines.add(ctx.deadline());
            startedAt.add(fx.clock.instant());
            fx.clock.advance(jobTakes);
            fx.ticker.advance(jobTakes);
            return UnitsFixture.pdf(job);
        }, new FileSystemDocumentSink(dir), config, null, jobThreads::add);
    }

    List<Long> enqueue(int n) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(fx.memory.enqueue(NewJob.builder("s", "n" + i).build()).id());
        }
        return ids;
    }

    void runJobThreads() {
        while (!jobThreads.isEmpty()) {
            jobThreads.remove(0).run();
        }
    }

    long processing() {
        return fx.memory.stats().count(JobStatus.PROCESSING);
    }

    /** An operator comparing the worker row with its PROCESSING jobs must see the prefetched ones too. */
    @Test
    void theWorkerRowCountsThePrefetchedJobsAsHeld() {
        WorkerUnits u = units(2, 3, Duration.ofMillis(5));
        enqueue(10);
        SlotHandOffTest.claim(u);

        assertThat(u.info(dev.docket.queue.WorkerState.RUNNING).inFlight())
                .as("2 running + 3 claimed ahead, all PROCESSING under this worker").isEqualTo(5)
                .isEqualTo(processing());
    }

    @Test
    void aClaimTakesTheFreeSlotsPlusThePrefetchAndStartsOnlyAsManyJobsAsSlots() {
        WorkerUnits u = units(2, 3, Duration.ofMillis(5));
        enqueue(10);
        List<Job> claimed = SlotHandOffTest.claim(u);

        assertThat(claimed).hasSize(5);
        assertThat(jobThreads).as("one job thread per free slot").hasSize(2);
        assertThat(u.slots.inFlightCount()).isEqualTo(2);
        assertThat(u.slots.readyCount()).isEqualTo(3);
        assertThat(u.slots.free()).isZero();
        assertThat(processing()).as("prefetched jobs are PROCESSING: the claim counted them").isEqualTo(5);

        runJobThreads(); // each job thread runs its job, then the prefetched ones in the slot it frees
        assertThat(u.completer.completedCount()).isEqualTo(5);
        assertThat(u.slots.readyCount()).isZero();

        // with every slot busy, the loop claims ahead only once at least half of the prefetch has gone
        SlotHandOffTest.claim(u);
        assertThat(u.slots.inFlightCount() + u.slots.readyCount()).isEqualTo(5);
        assertThat(u.slots.inFlightCount()).isLessThanOrEqualTo(2);
        assertThat(u.claimLoop.runOnce().claimed()).as("nothing free, nothing gone from the prefetch").isEmpty();
    }

    @Test
    void neverMoreExtractionsThanSlotsWhateverOrderTheJobThreadsRunIn() {
        WorkerUnits u = units(3, 4, Duration.ofMillis(1));
        enqueue(40);
        int passes = 0;
        while (u.completer.completedCount() < 40 && passes++ < 100) {
            u.claimLoop.runOnce();
            assertThat(u.slots.inFlightCount()).isLessThanOrEqualTo(3);
            assertThat(u.slots.readyCount()).isLessThanOrEqualTo(4);
            assertThat(processing()).isLessThanOrEqualTo(3 + 4);
            if (!jobThreads.isEmpty()) {
                jobThreads.remove(jobThreads.size() - 1).run(); // the newest first: any order must hold
            }
        }
        runJobThreads();
        assertThat(u.completer.completedCount()).isEqualTo(40);
        assertThat(u.slots.free()).isEqualTo(3);
    }

    @Test
    void prefetchedJobsAreGivenBackOnCloseWithoutSpendingAnAttempt() {
        WorkerUnits u = units(1, 2, Duration.ofMillis(5));
        List<Long> ids = enqueue(3);
        SlotHandOffTest.claim(u);
        assertThat(u.slots.readyCount()).isEqualTo(2);
        assertThat(fx.memory.find(ids.get(1)).orElseThrow().attempts()).as("the claim counted the attempt").isEqualTo(1);

        u.closing.set(true);
        assertThat(u.claimLoop.giveBackPrefetched("worker u1 shutting down")).isEqualTo(2);

        for (long id : ids.subList(1, 3)) {
            Job after = fx.memory.find(id).orElseThrow();
            assertThat(after.status()).isEqualTo(JobStatus.PENDING);
            assertThat(after.attempts()).as("no attempt spent").isZero();
            assertThat(fx.events).contains("released " + id);
        }
        runJobThreads(); // the running one ends; closing, its thread starts nothing more
        assertThat(fx.memory.find(ids.get(0)).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(u.slots.readyCount()).isZero();
        assertThat(u.slots.isEmpty()).isTrue();
    }

    @Test
    void aPrefetchedJobsTimeoutStartsWhenItStarts() {
        Duration jobTakes = Duration.ofMinutes(4); // the timeout is 5 min: the second job waits 4 of them
        WorkerUnits u = units(1, 1, jobTakes);
        enqueue(2);
        SlotHandOffTest.claim(u);
        assertThat(u.slots.readyCount()).isEqualTo(1);

        runJobThreads();

        assertThat(startedAt).hasSize(2);
        assertThat(deadlines.get(1)).isEqualTo(startedAt.get(1).plus(UnitsFixture.JOB_TIMEOUT));
        assertThat(u.completer.completedCount()).as("the second job did not time out").isEqualTo(2);
        assertThat(fx.events).noneMatch(e -> e.startsWith("timed out"));
    }

    @Test
    void theHeartbeatRenewsPrefetchedLeasesAndDropsAJobWhoseLeaseIsLost() {
        WorkerUnits u = units(1, 2, Duration.ofMillis(5));
        List<Long> ids = enqueue(3);
        SlotHandOffTest.claim(u);

        u.leases.beatOnce();
        assertThat(store.renewed.get(0)).extracting(JobLease::jobId).containsExactlyInAnyOrderElementsOf(ids);

        store.lose.add(ids.get(2));
        u.leases.beatOnce();
        assertThat(u.slots.readyCount()).isEqualTo(1);
        assertThat(fx.events).contains("lease lost " + ids.get(2));

        runJobThreads();
        assertThat(u.completer.completedCount()).as("the job whose lease was lost is not run").isEqualTo(2);
        assertThat(fx.memory.find(ids.get(2)).orElseThrow().status()).isEqualTo(JobStatus.PROCESSING);
    }

    @Test
    void anExtractorThatIsNotReadyGetsNoPrefetchedJobAndTheyAreGivenBack() {
        WorkerUnits u = units(1, 2, Duration.ofMillis(5));
        List<Long> ids = enqueue(3);
        SlotHandOffTest.claim(u);
        u.extractor.requestRestart(); // e.g. an infrastructure failure of the running job

        runJobThreads();
        assertThat(u.completer.completedCount()).as("the job thread starts no prefetched job").isEqualTo(1);
        assertThat(u.slots.readyCount()).isEqualTo(2);

        u.claimLoop.runOnce(); // the claim pass restarts the extractor: the prefetched jobs go back first
        assertThat(u.slots.readyCount()).isZero();
        for (long id : ids.subList(1, 3)) {
            assertThat(fx.memory.find(id).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
            assertThat(fx.memory.find(id).orElseThrow().attempts()).isZero();
        }
    }
}
