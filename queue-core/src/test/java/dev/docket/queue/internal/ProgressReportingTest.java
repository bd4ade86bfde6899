package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.FailureSnapshot;
import dev.docket.queue.Job;
import dev.docket.queue.JobEventType;
import dev.docket.queue.JobProgress;
import dev.docket.queue.NewJob;
import dev.docket.queue.StoreException;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.spi.WorkerHeartbeat;
import dev.docket.queue.testing.ForwardingJobStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress travels with the heartbeat (no write of its own); a failure snapshot is an event in the job's history. */
class ProgressReportingTest {
    @TempDir
    Path dir;
    final UnitsFixture fx = new UnitsFixture();
    final List<List<JobProgress>> sent = new CopyOnWriteArrayList<>();
    final AtomicBoolean storeDown = new AtomicBoolean();
    final ForwardingJobStore store = new ForwardingJobStore(fx.memory) {
        @Override
        public Set<Long> heartbeat(WorkerHeartbeat heartbeat) {
            if (storeDown.get()) {
                throw new StoreException("down", true);
            }
            sent.add(heartbeat.progress());
            return super.heartbeat(heartbeat);
        }
    };

    InFlight running(WorkerUnits u) {
        fx.memory.enqueue(NewJob.of("s", "n"));
        Job job = fx.memory.claim("u1", 1, UnitsFixture.LEASE).get(0);
        InFlight f = new InFlight(job, u.slots.take(), fx.clock, fx.ticker, UnitsFixture.JOB_TIMEOUT);
        f.reportTo(store, new Listeners(List.of()), null);
        u.slots.hold(f);
        return f;
    }

    @Test
    void progressIsRememberedAndOnlyTheLatestGoesWithTheNextHeartbeat() {
        WorkerUnits u = fx.units(store, (job, ctx) -> UnitsFixture.pdf(job), dir);
        InFlight f = running(u);
        f.progress("open", 0.0);
        f.progress("search", 0.25);
        assertThat(fx.memory.progress(List.of(f.job().id()))).as("no write per call").isEmpty();

        u.leases.beatOnce();
        assertThat(sent.get(0)).extracting(JobProgress::step).containsExactly("search");
        assertThat(fx.memory.progress(List.of(f.job().id()))).extracting(JobProgress::step, JobProgress::fraction)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("search", 0.25));

        u.leases.beatOnce();
        assertThat(sent.get(1)).as("nothing new: nothing sent").isEmpty();
    }

    @Test
    void progressOfAFailedHeartbeatGoesWithTheNextOneUnlessNewerCame() {
        WorkerUnits u = fx.units(store, (job, ctx) -> UnitsFixture.pdf(job), dir);
        InFlight f = running(u);
        f.progress("result", 0.5);
        storeDown.set(true);
        u.leases.beatOnce();
        storeDown.set(false);
        u.leases.beatOnce();
        assertThat(sent).singleElement().satisfies(p -> assertThat(p).extracting(JobProgress::step).containsExactly("result"));
    }

    @Test
    void badProgressIsRefusedWithTheWordsOfTheField() {
        WorkerUnits u = fx.units(store, (job, ctx) -> UnitsFixture.pdf(job), dir);
        InFlight f = running(u);
        assertThatThrownBy(() -> f.progress("x", 1.5)).hasMessage("progress fraction must be between 0 and 1 but was 1.5");
        assertThatThrownBy(() -> f.progress(" ", 0.5)).hasMessage("progress step must not be blank but was ' '");
        assertThatThrownBy(() -> f.progress("x", Double.NaN)).hasMessageContaining("but was NaN");
        f.progress("a\u0000b" + "c".repeat(100), 1.0);
        assertThat(f.lastProgress().step()).isEqualTo("a_b" + "c".repeat(61));
    }

    @Test
    void aSavedSnapshotIsASnapshotSavedEventWhoseMessageListsTheFiles() {
        WorkerUnits u = fx.units(store, (job, ctx) -> UnitsFixture.pdf(job), dir);
        InFlight f = running(u);
        FailureSnapshot s = new FailureSnapshot(1, "TRANSIENT", "job 1: timed out\nsecond line", List.of(
                new FailureSnapshot.File("screenshot", new StoredDocument("file:///d/1-x.png", "a".repeat(64), 10, "image/png"))));
        f.snapshotSaved(s);
        assertThat(fx.memory.events(f.job().id())).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(JobEventType.SNAPSHOT_SAVED);
            assertThat(e.message()).isEqualTo("failure snapshot of attempt 1 (TRANSIENT): job 1: timed out second line\n"
                    + "  screenshot image/png 10 bytes sha256 " + "a".repeat(64) + " file:///d/1-x.png");
            assertThat(FailureSnapshot.parse(e.message())).contains(s);
        });
        assertThat(FailureSnapshot.parse("retried by operator")).isEmpty();
    }
}
