package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.Job;
import dev.docket.queue.NewJob;
import dev.docket.queue.spi.WorkerHeartbeat;
import dev.docket.queue.WorkerInfo;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A crashed worker's row as a cron runbook meets it: diagnose alerts while the worker holds jobs, warns once its jobs
 * are reset, and forget-worker (or reset-stuck-jobs, for the workers whose jobs it reset) removes the row.
 */
class ForgetWorkerCliTest extends CliStoreTest {

    /** A worker that claimed {@code jobs} jobs (reported in its heartbeat when {@code reported}) and then died. */
    void crashed(String workerId, int jobs, boolean reported) {
        for (int i = 0; i < jobs; i++) {
            store.enqueue(NewJob.of("registry-a", workerId + "-" + i));
        }
        if (!reported) {
            store.heartbeat(WorkerHeartbeat.of(workerId, List.of(), Duration.ofSeconds(30)));
        }
        List<Job> held = jobs == 0 ? List.of() : store.claim(workerId, jobs, Duration.ofSeconds(30));
        assertThat(held).hasSize(jobs);
        if (reported) {
            store.heartbeat(WorkerHeartbeat.of(workerId, held.stream().map(Job::lease).toList(), Duration.ofSeconds(30)));
        }
    }

    List<String> workerIds() {
        return store.workers().stream().map(WorkerInfo::workerId).toList();
    }

    @Test
    void diagnoseWarnsAboutADeadWorkerWhoseJobsAreResetAndForgetWorkerRemovesIt() {
        crashed("w-crashed", 2, true);
        db.advanceClock(Duration.ofMinutes(5));
        store.heartbeat(WorkerHeartbeat.of("w-live", List.of(), Duration.ofSeconds(30)));
        assertThat(cli.run("reset-stuck-jobs", "--keep-workers").exit()).isZero();

        CliRunner.Run r = cli.run("diagnose");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("WARNINGS\n  - worker w-crashed has had no heartbeat for 5m")
                .contains("docket forget-worker w-crashed").contains("ALERTS\n  none");
        Map<String, Object> doc = MiniJson.object(cli.run("diagnose", "--json").out());
        assertThat(doc.get("status")).isEqualTo("OK");
        assertThat((List<?>) doc.get("warnings")).singleElement().asString().contains("w-crashed");

        CliRunner.Run forget = cli.run("forget-worker", "w-crashed");
        assertThat(forget.exit()).as(forget.toString()).isZero();
        assertThat(forget.out()).contains("forgot worker w-crashed");
        assertThat(workerIds()).containsExactly("w-live");
        CliRunner.Run after = cli.run("diagnose");
        assertThat(after.out()).doesNotContain("w-crashed").doesNotContain("WARNINGS");
    }

    @Test
    void forgetWorkerRefusesAWorkerHoldingJobsALiveOneAndAnUnknownOne() {
        crashed("w-crashed", 1, true);
        db.advanceClock(Duration.ofMinutes(5));
        store.heartbeat(WorkerHeartbeat.of("w-live", List.of(), Duration.ofSeconds(30)));

        CliRunner.Run holding = cli.run("forget-worker", "w-crashed");
        assertThat(holding.exit()).isEqualTo(2);
        assertThat(holding.err()).contains("worker w-crashed holds 1 PROCESSING job(s)").contains("reset-stuck-jobs");

        CliRunner.Run live = cli.run("forget-worker", "w-live");
        assertThat(live.exit()).isEqualTo(2);
        assertThat(live.err()).contains("worker w-live is alive");

        CliRunner.Run unknown = cli.run("forget-worker", "w-nobody");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("worker w-nobody does not exist");

        assertThat(workerIds()).containsExactlyInAnyOrder("w-crashed", "w-live");
    }

    @Test
    void resetStuckJobsForgetsTheDeadWorkersWhoseJobsItResetSoTheAlertClears() {
        crashed("w-claimed-then-died", 1, false); // its last heartbeat reported no job: an alert until forgotten
        db.advanceClock(Duration.ofMinutes(5));
        store.heartbeat(WorkerHeartbeat.of("w-live", List.of(), Duration.ofSeconds(30)));
        assertThat(cli.run("diagnose").exit()).isEqualTo(1);

        CliRunner.Run reset = cli.run("reset-stuck-jobs");

        assertThat(reset.exit()).as(reset.toString()).isZero();
        assertThat(reset.out()).contains("forgot dead worker w-claimed-then-died");
        assertThat(workerIds()).containsExactly("w-live");
        CliRunner.Run after = cli.run("diagnose");
        assertThat(after.exit()).as(after.toString()).isZero();
    }

    @Test
    void forgetWorkerAllDeadForgetsEveryDeadWorkerWithoutJobsAndKeepsTheOthers() throws SQLException {
        crashed("w-idle-dead", 0, false);
        crashed("w-holding", 1, true);
        db.advanceClock(Duration.ofMinutes(5));
        store.heartbeat(WorkerHeartbeat.of("w-live", List.of(), Duration.ofSeconds(30)));

        CliRunner.Run r = cli.run("forget-worker", "--all-dead");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("forgot worker w-idle-dead")
                .contains("kept worker w-holding: holds 1 PROCESSING job(s)");
        assertThat(workerIds()).containsExactlyInAnyOrder("w-holding", "w-live");

        CliRunner.Run usage = cli.run("forget-worker");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("--all-dead");
    }
}
