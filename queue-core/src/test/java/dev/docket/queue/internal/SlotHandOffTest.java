package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.spi.JobLease;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.spi.WorkerHeartbeat;
import dev.docket.queue.testing.ForwardingJobStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slot is given back when its job's outcome is handed to the completer, not when the batched finishing write
 * commits (#14); the job stays held until then: its lease is renewed and its one fenced write still lands.
 */
class SlotHandOffTest {
    @TempDir
    Path dir;
    final UnitsFixture fx = new UnitsFixture();

    /** A store whose asynchronous finishing writes wait until the test lets them through. */
    final class HeldWrites extends ForwardingJobStore {
        final List<Runnable> held = new ArrayList<>();
        final List<List<JobLease>> renewed = new ArrayList<>();

        HeldWrites() {
            super(fx.memory);
        }

        @Override
        public CompletionStage<Job> finishAsync(JobLease lease, JobOutcome outcome) {
            CompletableFuture<Job> f = new CompletableFuture<>();
            held.add(() -> f.complete(fx.memory.finish(lease, outcome)));
            return f;
        }

        @Override
        public Set<Long> heartbeat(WorkerHeartbeat heartbeat) {
            renewed.add(heartbeat.leases());
            return super.heartbeat(heartbeat);
        }
    }

    /** One claim pass that claims something (the first passes start the extractor and check its health). */
    static List<Job> claim(WorkerUnits u) {
        for (int i = 0; i < 3; i++) {
            List<Job> claimed = u.claimLoop.runOnce().claimed();
            if (!claimed.isEmpty()) {
                return claimed;
            }
        }
        throw new AssertionError("nothing claimed");
    }

    @Test
    void theSlotIsFreeWhileTheWriteIsBatchedAndTheJobStaysHeldUntilItCommits() {
        HeldWrites store = new HeldWrites();
        WorkerUnits u = fx.units(store, (job, ctx) -> UnitsFixture.pdf(job), new FileSystemDocumentSink(dir),
                UnitsFixture.config().concurrency(1).build(), null);
        long id = fx.memory.enqueue(NewJob.builder("s", "a").build()).id();
        fx.memory.enqueue(NewJob.builder("s", "b").build());

        claim(u); // claims "a" and runs it inline; its finishing write waits in the store

        assertThat(store.held).hasSize(1);
        assertThat(u.slots.free()).as("the slot is free for the next claim").isEqualTo(1);
        assertThat(u.slots.get(id)).as("the job is still held").isNotNull();
        assertThat(fx.memory.find(id).orElseThrow().status()).isEqualTo(JobStatus.PROCESSING);
        u.leases.beatOnce();
        assertThat(store.renewed.get(0)).extracting(JobLease::jobId).contains(id);

        claim(u); // the freed slot runs "b" at once: one extraction at a time still
        assertThat(store.held).hasSize(2);

        store.held.forEach(Runnable::run);
        assertThat(fx.memory.find(id).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(u.slots.isEmpty()).isTrue();
        assertThat(u.slots.free()).isEqualTo(1);
        assertThat(u.completer.completedCount()).isEqualTo(2);
    }
}
