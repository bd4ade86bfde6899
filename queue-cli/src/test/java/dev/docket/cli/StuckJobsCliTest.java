package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.Job;
import dev.docket.queue.JobEventType;
import dev.docket.queue.spi.JobLease;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.JobStatus;
import dev.docket.queue.LeaseLostException;
import dev.docket.queue.NewJob;
import dev.docket.queue.spi.WorkerHeartbeat;
import dev.docket.queue.jdbc.PostgresJobStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The old system's worst failure, jobs left "En traitement" by a dead worker, as operators see and fix
 * it with the CLI: diagnose lists them as stale with alerts (exit 1), reset-stuck-jobs puts them back
 * to PENDING with the worker cleared (fenced), --dry-run changes nothing.
 */
class StuckJobsCliTest extends CliStoreTest {

    String table(String name) {
        return "\"" + db.schema() + "\"." + name;
    }

    /** Rows exactly as a worker killed with SIGKILL leaves them: PROCESSING, owner set, lease run out, old heartbeat. */
    List<Long> crashedWorkerLeft(String workerId, int jobs) throws SQLException {
        db.execute("INSERT INTO " + table("worker_status") + " (worker_id, status, last_heartbeat, host, pid, started_at,"
                + " concurrency, in_flight, jobs_completed, jobs_failed) VALUES ('" + workerId + "', 'RUNNING',"
                + " now() - interval '10 minutes', 'host-a', 4242, now() - interval '2 hours', 20, " + jobs + ", 117, 3)");
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + table("extraction_queue")
                + " (status_id, worker_id, processing_started_at, document_source, document_number, created_at, updated_at,"
                + " attempts, max_attempts, lease_token, lease_expires_at) VALUES (2, ?, now() - interval '11 minutes',"
                + " 'registry-a', ?, now() - interval '12 minutes', now() - interval '10 minutes', 1, 5,"
                + " gen_random_uuid(), now() - interval '9 minutes 30 seconds') RETURNING id")) {
            for (int i = 0; i < jobs; i++) {
                ps.setString(1, workerId);
                ps.setString(2, "DOC-" + i);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    /** status_id, worker_id and lease_token of a job, straight from the table. */
    Map<String, Object> row(long id) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT status_id, worker_id, lease_token FROM " + table("extraction_queue") + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("job " + id + " exists").isTrue();
                java.util.HashMap<String, Object> m = new java.util.HashMap<>();
                m.put("status_id", rs.getInt(1));
                m.put("worker_id", rs.getString(2));
                m.put("lease_token", rs.getObject(3));
                return m;
            }
        }
    }

    @Test
    void diagnoseListsADeadWorkersJobsAsStaleWithAlertsAndExitsOne() throws SQLException {
        List<Long> ids = crashedWorkerLeft("host-a-4242-dead", 2);

        CliRunner.Run r = cli.run("diagnose");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        String stale = r.out().substring(r.out().indexOf("STALE JOBS"), r.out().indexOf("JOBS PROCESSING LONGER"));
        for (long id : ids) {
            assertThat(stale).containsPattern("(?m)^\\s+" + id + "\\s+registry-a\\s+DOC-\\d\\s+host-a-4242-dead\\s+11m(\\d\\ds)?\\s");
        }
        assertThat(stale).contains("lease expired 9m3");
        assertThat(r.out()).containsPattern("host-a-4242-dead\\s+host-a\\s+4242\\s+RUNNING\\s+\\S+\\s+10m(\\d\\ds)?\\s+DEAD");
        assertThat(r.out()).containsPattern("PROCESSING\\s+2\\s+En traitement\\s+2");
        String alerts = r.out().substring(r.out().indexOf("ALERTS"));
        assertThat(alerts).contains("! worker host-a-4242-dead has had no heartbeat for 10m")
                .contains("! 2 stale job(s) held by dead workers")
                .contains("! 2 job(s) processing for more than 5m");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void resetStuckJobsPutsThemBackToPendingWithTheWorkerClearedAndRecordsIt() throws SQLException {
        List<Long> ids = crashedWorkerLeft("host-a-4242-dead", 2);

        CliRunner.Run r = cli.run("reset-stuck-jobs");

        assertThat(r.exit()).as(r.toString()).isZero();
        for (long id : ids) {
            assertThat(r.out()).containsPattern("(?m)^\\s*" + id + "\\s+registry-a\\s+DOC-\\d\\s+host-a-4242-dead\\s+11m(\\d\\ds)?"
                    + "\\s+1/5\\s+reset to PENDING\\s+lease expired");
            Map<String, Object> row = row(id);
            assertThat(row.get("status_id")).isEqualTo(1);
            assertThat(row.get("worker_id")).isNull();
            assertThat(row.get("lease_token")).isNull();
            assertThat(store.events(id)).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo(JobEventType.RESET);
                assertThat(e.message()).contains("lease expired").contains("host-a-4242-dead");
            });
        }
        assertThat(r.out()).contains("2 job(s) reset: 2 to PENDING, 0 to FAILED");

        CliRunner.Run after = cli.run("diagnose");
        assertThat(after.out()).contains("STALE JOBS (lease expired or worker stopped: the stale-job monitor or"
                + " reset-stuck-jobs resets them)\n  none");
        assertThat(cli.run("reset-stuck-jobs").out()).contains("no stuck jobs");
    }

    @Test
    void resetStuckJobsAlsoResetsRowsSetProcessingByPlainSqlWithoutLeaseOrWorker() throws SQLException {
        List<Long> ids = new ArrayList<>(crashedWorkerLeft("host-a-4242-dead", 1));
        db.execute("INSERT INTO " + table("extraction_queue") + " (status_id, document_source, document_number)"
                + " VALUES (2, 'registry-a', 'IMPORTED')");
        Job pending = store.enqueue(NewJob.of("registry-a", "BY-HAND"));
        db.execute("UPDATE " + table("extraction_queue") + " SET status_id = 2 WHERE id = " + pending.id());
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT id FROM "
                + table("extraction_queue") + " WHERE document_number = 'IMPORTED'"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            ids.add(rs.getLong(1));
        }
        ids.add(pending.id());

        CliRunner.Run r = cli.run("reset-stuck-jobs");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("3 job(s) reset: 3 to PENDING, 0 to FAILED");
        for (long id : ids) {
            assertThat(row(id).get("status_id")).as("job %s", id).isEqualTo(1);
        }
        assertThat(cli.run("reset-stuck-jobs").out()).contains("no stuck jobs");
    }

    @Test
    void aDeadWorkerWhoseJobsWereResetNoLongerKeepsDiagnoseAtExitOne() throws SQLException {
        crashedWorkerLeft("host-a-4242-dead", 2);
        assertThat(cli.run("diagnose").exit()).isEqualTo(1);

        CliRunner.Run reset = cli.run("reset-stuck-jobs");
        assertThat(reset.exit()).as(reset.toString()).isZero();
        CliRunner.Run after = cli.run("diagnose");

        assertThat(after.exit()).as(after.toString()).isZero();
        assertThat(after.out()).contains("ALERTS\n  none");
    }

    @Test
    void dryRunListsTheJobsAndChangesNothing() throws SQLException {
        List<Long> ids = crashedWorkerLeft("host-a-4242-dead", 2);

        CliRunner.Run r = cli.run("reset-stuck-jobs", "--dry-run");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("would reset to PENDING").contains("2 job(s) would be reset")
                .contains("nothing changed");
        for (long id : ids) {
            Map<String, Object> row = row(id);
            assertThat(row.get("status_id")).isEqualTo(2);
            assertThat(row.get("worker_id")).isEqualTo("host-a-4242-dead");
            assertThat(row.get("lease_token")).isNotNull();
            assertThat(store.events(id)).isEmpty();
        }
    }

    @Test
    void olderThanAlsoResetsJobsOfALiveWorkerAndTheOldOwnerCannotCompleteThemAfterwards() {
        Job enqueued = store.enqueue(NewJob.of("registry-b", "SLOW-1"));
        Job claimed = store.claim("w-live", 1, Duration.ofHours(1)).get(0);
        assertThat(claimed.id()).isEqualTo(enqueued.id());
        db.advanceClock(Duration.ofMinutes(10));
        JobLease lease = claimed.lease();
        store.heartbeat(WorkerHeartbeat.of("w-live", List.of(lease), Duration.ofHours(1))); // alive, lease renewed

        CliRunner.Run plain = cli.run("reset-stuck-jobs");
        assertThat(plain.out()).as(plain.toString()).contains("no stuck jobs");
        assertThat(store.find(claimed.id()).orElseThrow().status()).isEqualTo(JobStatus.PROCESSING);

        CliRunner.Run r = cli.run("reset-stuck-jobs", "--older-than", "5m");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("or processing for more than 5m")
                .containsPattern(claimed.id() + "\\s+registry-b\\s+SLOW-1\\s+w-live\\s+10m(\\d\\ds)?\\s+1/5\\s+reset to PENDING"
                        + "\\s+processing for 10m(\\d\\ds)? > 5m");
        Job after = store.find(claimed.id()).orElseThrow();
        assertThat(after.status()).isEqualTo(JobStatus.PENDING);
        assertThat(after.workerId()).isNull();
        assertThatThrownBy(() -> store.finish(lease, JobOutcome.completed("{\"uri\":\"late\"}")))
                .isInstanceOf(LeaseLostException.class);
        assertThat(store.find(claimed.id()).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
    }

    @Test
    void diagnoseJsonIsOneParsableDocumentWithTheSameFindings() throws SQLException {
        List<Long> ids = crashedWorkerLeft("host-a-4242-dead", 2);
        store.enqueue(NewJob.builder("registry-a", "PENDING-1").payload("{\"lang\":\"fr\",\"n\":[1,2]}").build());

        CliRunner.Run r = cli.run("diagnose", "--json");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        Map<String, Object> doc = MiniJson.object(r.out());
        assertThat(doc.get("status")).isEqualTo("ALERT");
        @SuppressWarnings("unchecked")
        Map<String, Object> database = (Map<String, Object>) doc.get("database");
        assertThat(database.get("reachable")).isEqualTo(true);
        assertThat(database.get("schemaVersion")).isEqualTo((double) dev.docket.queue.jdbc.SchemaMigrator.latestVersion());
        assertThat((String) database.get("serverVersion")).isNotBlank();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> workers = (List<Map<String, Object>>) doc.get("workers");
        assertThat(workers).singleElement().satisfies(w -> {
            assertThat(w.get("workerId")).isEqualTo("host-a-4242-dead");
            assertThat(w.get("alive")).isEqualTo(false);
            assertThat((Double) w.get("heartbeatAgeSeconds")).isBetween(600.0, 700.0);
        });
        @SuppressWarnings("unchecked")
        Map<String, Object> queue = (Map<String, Object>) doc.get("queue");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> counts = (List<Map<String, Object>>) queue.get("counts");
        assertThat(counts).extracting(m -> m.get("label")).containsExactly("En attente", "En traitement", "Terminé",
                "Échoué", "Annulé");
        assertThat(counts.get(1).get("count")).isEqualTo(2.0);
        assertThat(counts.get(0).get("count")).isEqualTo(1.0);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> stale = (List<Map<String, Object>>) doc.get("staleJobs");
        assertThat(stale).extracting(m -> ((Double) m.get("id")).longValue()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(stale).allSatisfy(m -> assertThat((String) m.get("staleReason")).contains("lease expired"));
        @SuppressWarnings("unchecked")
        List<String> alerts = (List<String>) doc.get("alerts");
        assertThat(alerts).hasSize(3);
    }

    @Test
    void diagnoseJobShowsItsFieldsAndHistory() throws SQLException {
        long id = crashedWorkerLeft("host-a-4242-dead", 1).get(0);
        assertThat(cli.run("reset-stuck-jobs").exit()).isZero();

        CliRunner.Run r = cli.run("diagnose", "--job", Long.toString(id));

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("JOB " + id).containsPattern("source\\s+registry-a")
                .containsPattern("status\\s+PENDING \\(status_id 1, En attente\\)")
                .containsPattern("attempts\\s+1/5").containsPattern("resets\\s+1")
                .containsPattern("RESET\\s+admin\\s+lease expired");

        CliRunner.Run json = cli.run("diagnose", "--job", Long.toString(id), "--json");
        Map<String, Object> doc = MiniJson.object(json.out());
        @SuppressWarnings("unchecked")
        Map<String, Object> job = (Map<String, Object>) doc.get("job");
        assertThat(job.get("status")).isEqualTo("PENDING");
        assertThat(job.get("workerId")).isNull();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> events = (List<Map<String, Object>>) doc.get("events");
        assertThat(events).singleElement().satisfies(e -> assertThat(e.get("type")).isEqualTo("RESET"));
    }

    @Test
    void errorsRecordedWithTokenUrlsAreShownWithTheQueryStringRedacted() {
        Job j = store.enqueue(NewJob.of("registry-a", "TOKEN-1"));
        Job claimed = store.claim("w-tok", 1, Duration.ofMinutes(5)).get(0);
        String error = "GET https://registry.example/doc/TOKEN-1?access_token=s3cr3t-t0ken&page=1 failed: 500";
        store.finish(claimed.lease(), JobOutcome.failed(error));
        store.heartbeat(WorkerHeartbeat.of("w-tok", List.of(), Duration.ofMinutes(5)));

        CliRunner.Run r = cli.run("diagnose", "--job", Long.toString(j.id()));
        CliRunner.Run json = cli.run("diagnose", "--job", Long.toString(j.id()), "--json");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("https://registry.example/doc/TOKEN-1?<redacted> failed: 500")
                .doesNotContain("s3cr3t-t0ken");
        assertThat(json.out()).contains("https://registry.example/doc/TOKEN-1?<redacted>").doesNotContain("s3cr3t-t0ken");
    }

    @Test
    void anUnknownJobIsExitTwoWithAMessage() {
        CliRunner.Run r = cli.run("diagnose", "--job", "987654");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("docket diagnose: job 987654 does not exist" + System.lineSeparator());
        assertThat(cli.run("cancel", "--job", "987654").err()).contains("job 987654 does not exist");
        assertThat(cli.run("retry", "--job", "987654").exit()).isEqualTo(2);
    }

    @Test
    void aHealthyQueueHasNoAlertAndExitsZeroAndThresholdsAreOptions() {
        Job j = store.enqueue(NewJob.of("registry-a", "OK-1"));
        store.heartbeat(WorkerHeartbeat.of("w-ok", List.of(), Duration.ofSeconds(30)));
        store.claim("w-ok", 1, Duration.ofMinutes(30));
        db.advanceClock(Duration.ofMinutes(3));
        store.heartbeat(WorkerHeartbeat.of("w-ok", List.of(store.find(j.id()).orElseThrow().lease()),
                Duration.ofMinutes(30)));

        CliRunner.Run r = cli.run("diagnose");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("ALERTS\n  none").containsPattern("w-ok\\s+\\S+\\s+\\d+\\s+RUNNING.*alive");

        CliRunner.Run strict = cli.run("diagnose", "--processing-alert", "2m");
        assertThat(strict.exit()).isEqualTo(1);
        assertThat(strict.out()).contains("! 1 job(s) processing for more than 2m");
    }
}
