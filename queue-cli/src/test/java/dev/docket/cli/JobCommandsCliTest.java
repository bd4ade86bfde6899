package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.Job;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.testing.DocketPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** enqueue (single and CSV), retry, cancel, purge and migrate against PostgreSQL. */
class JobCommandsCliTest extends CliStoreTest {

    @TempDir
    Path dir;

    long count() {
        return store.stats().countsByStatus().values().stream().mapToLong(Long::longValue).sum();
    }

    static List<Long> ids(String out) {
        List<Long> ids = new ArrayList<>();
        for (String line : out.split("\n")) {
            ids.add(Long.parseLong(line.trim()));
        }
        return ids;
    }

    Path file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    @Test
    void enqueuePrintsTheIdOfTheNewJobWithItsOptions() {
        CliRunner.Run r = cli.run("enqueue", "--source", "registry-a", "--number", "2024-000123", "--payload",
                "{\"lang\":\"fr\"}", "--priority", "7", "--run-after", "2030-01-31T08:00:00Z", "--max-attempts", "3");

        assertThat(r.exit()).as(r.toString()).isZero();
        long id = Long.parseLong(r.out().trim());
        Job job = store.find(id).orElseThrow();
        assertThat(job.documentSource()).isEqualTo("registry-a");
        assertThat(job.documentNumber()).isEqualTo("2024-000123");
        assertThat(job.payload()).isEqualTo("{\"lang\": \"fr\"}");
        assertThat(job.priority()).isEqualTo(7);
        assertThat(job.maxAttempts()).isEqualTo(3);
        assertThat(job.runAfter()).isEqualTo(Instant.parse("2030-01-31T08:00:00Z"));
        assertThat(job.status()).isEqualTo(JobStatus.PENDING);
    }

    @Test
    void enqueueRejectsBadOptionsWithExitTwoNamingTheOption() {
        CliRunner.Run noNumber = cli.run("enqueue", "--source", "registry-a");
        assertThat(noNumber.exit()).isEqualTo(2);
        assertThat(noNumber.err()).contains("give --source and --number (or --csv FILE)");

        CliRunner.Run badTime = cli.run("enqueue", "--source", "a", "--number", "1", "--run-after", "tomorrow");
        assertThat(badTime.exit()).isEqualTo(2);
        assertThat(badTime.err()).contains("--run-after must be an ISO-8601 date-time").contains("'tomorrow'");

        CliRunner.Run badJson = cli.run("enqueue", "--source", "a", "--number", "1", "--payload", "{lang:fr}");
        assertThat(badJson.exit()).isEqualTo(2);
        assertThat(badJson.err()).contains("--payload must be valid JSON");

        CliRunner.Run badPriority = cli.run("enqueue", "--source", "a", "--number", "1", "--priority", "high");
        assertThat(badPriority.exit()).isEqualTo(2);
        assertThat(badPriority.err()).contains("--priority").contains("high");

        CliRunner.Run both = cli.run("enqueue", "--csv", "x.csv", "--source", "a");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("--csv takes every field from the file");
        assertThat(count()).isZero();
    }

    @Test
    void enqueueCsvAddsEveryRowInOrderAndPrintsTheIds() throws IOException {
        String csv = "document_source,document_number,priority,payload\r\n"
                + "registry-a,N-1,,\r\n"
                + "\"registry, with comma\",\"N \"\"2\"\"\",5,\"{\"\"k\"\":\"\"é\"\"}\"\r\n"
                + "\r\n"
                + "Société Générale,N-3,,\"{\"\"a\"\":\r\n 1}\"\r\n";
        Path f = file("jobs.csv", ("\uFEFF" + csv).getBytes(StandardCharsets.UTF_8));

        CliRunner.Run r = cli.run("enqueue", "--csv", f.toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        List<Long> ids = ids(r.out());
        assertThat(ids).hasSize(3).isSorted();
        assertThat(r.err()).contains("3 job(s) enqueued from");
        Job second = store.find(ids.get(1)).orElseThrow();
        assertThat(second.documentSource()).isEqualTo("registry, with comma");
        assertThat(second.documentNumber()).isEqualTo("N \"2\"");
        assertThat(second.priority()).isEqualTo(5);
        assertThat(second.payload()).isEqualTo("{\"k\": \"é\"}");
        Job third = store.find(ids.get(2)).orElseThrow();
        assertThat(third.documentSource()).isEqualTo("Société Générale");
        assertThat(third.payload()).as("a quoted field spanning lines").isEqualTo("{\"a\": 1}");
        assertThat(store.find(ids.get(0)).orElseThrow().payload()).isNull();
    }

    @Test
    void aBadCsvLineIsExitTwoNamingTheLineAndNothingIsEnqueued() throws IOException {
        Path f = file("bad.csv", ("document_source,document_number\n"
                + "registry-a,N-1\n"
                + "registry-a,N-2,extra\n"
                + "registry-a,\n").getBytes(StandardCharsets.UTF_8));

        CliRunner.Run r = cli.run("enqueue", "--csv", f.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("line 3: expected 2 field(s) like the header but found 3")
                .contains("line 4: documentNumber must not be blank")
                .contains("2 bad line(s); nothing enqueued");
        assertThat(count()).isZero();
    }

    @Test
    void aCsvLineThatIsNotUtf8IsAnErrorNamingTheLine() throws IOException {
        byte[] latin1 = "document_source,document_number\nregistry-a,N-1\nSoci\u00e9t\u00e9,N-2\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        Path f = file("latin1.csv", latin1);

        CliRunner.Run r = cli.run("enqueue", "--csv", f.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("line 3: not valid UTF-8 (byte 0xE9").contains("nothing enqueued");
        assertThat(count()).isZero();
        CliRunner.Run missing = cli.run("enqueue", "--csv", dir.resolve("nope.csv").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file");
    }

    @Test
    void retryCancelAndPurge() {
        Job failed = store.enqueue(NewJob.builder("registry-a", "F-1").maxAttempts(1).build());
        Job failedB = store.enqueue(NewJob.builder("registry-b", "F-2").maxAttempts(1).build());
        Job pending = store.enqueue(NewJob.of("registry-a", "P-1"));
        for (Job j : store.claim("w-1", 2, Duration.ofSeconds(30))) {
            store.finish(j.lease(), JobOutcome.failed("document does not exist"));
        }
        assertThat(store.find(failed.id()).orElseThrow().status()).isEqualTo(JobStatus.FAILED);

        CliRunner.Run retry = cli.run("retry", "--job", Long.toString(failed.id()));
        assertThat(retry.exit()).as(retry.toString()).isZero();
        assertThat(retry.out()).contains("job " + failed.id() + " is PENDING again (attempts reset to 0/1)");
        assertThat(store.find(failed.id()).orElseThrow().status()).isEqualTo(JobStatus.PENDING);

        CliRunner.Run notFailed = cli.run("retry", "--job", Long.toString(pending.id()));
        assertThat(notFailed.exit()).isEqualTo(2);
        assertThat(notFailed.err()).contains("job " + pending.id() + " is PENDING");

        CliRunner.Run all = cli.run("retry", "--all-failed", "--source", "registry-b");
        assertThat(all.out()).contains("1 failed job(s) of source registry-b put back to PENDING");
        assertThat(store.find(failedB.id()).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
        assertThat(cli.run("retry", "--job", "1", "--all-failed").exit()).isEqualTo(2);
        assertThat(cli.run("retry", "--source", "x").err()).contains("give either --job ID or --all-failed");

        CliRunner.Run cancel = cli.run("cancel", "--job", Long.toString(pending.id()));
        assertThat(cancel.exit()).as(cancel.toString()).isZero();
        assertThat(cancel.out()).contains("is CANCELLED");
        CliRunner.Run again = cli.run("cancel", "--job", Long.toString(pending.id()));
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("only a PENDING job can be cancelled");

        db.advanceClock(Duration.ofDays(31));
        CliRunner.Run purge = cli.run("purge", "--older-than", "30d");
        assertThat(purge.exit()).as(purge.toString()).isZero();
        assertThat(purge.out()).contains("purged 1 finished job(s) older than 30d");
        assertThat(store.find(pending.id())).isEmpty();
        assertThat(store.find(failed.id())).isPresent();
        assertThat(cli.run("purge").err()).contains("Missing required option: '--older-than=DURATION'");
    }

    @Test
    void migrateCreatesTheSchemaOnceAndTheCommandsThenWork() {
        try (DocketPostgres fresh = DocketPostgres.empty()) {
            CliRunner freshCli = CliRunner.on(fresh);
            CliRunner.Run before = freshCli.run("diagnose");
            assertThat(before.exit()).isEqualTo(2);
            assertThat(before.err()).contains("schema '" + fresh.schema() + "'").contains("has no Docket tables")
                    .contains("run 'docket migrate' first");

            CliRunner.Run first = freshCli.run("migrate");
            assertThat(first.exit()).as(first.toString()).isZero();
            int latest = dev.docket.queue.jdbc.SchemaMigrator.latestVersion();
            assertThat(first.out()).containsPattern("schema " + fresh.schema() + ": applied [0-9]+ migration\\(s\\), now at version "
                    + latest);
            CliRunner.Run second = freshCli.run("migrate");
            assertThat(second.out()).contains("is up to date (version " + latest + ")");
            assertThat(freshCli.run("diagnose").exit()).isZero();
        }
    }
}
