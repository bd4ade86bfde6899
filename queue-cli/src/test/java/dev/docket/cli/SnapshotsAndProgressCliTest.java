package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.FailureSnapshot;
import dev.docket.queue.Job;
import dev.docket.queue.JobEventType;
import dev.docket.queue.JobProgress;
import dev.docket.queue.NewJob;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.spi.WorkerHeartbeat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code diagnose --job} shows progress and failure snapshots; {@code purge} removes the snapshot files. */
class SnapshotsAndProgressCliTest extends CliStoreTest {
    @TempDir
    Path dir;

    /** A failed job with one snapshot of two files on disk and an S3 one. */
    private Job failedWithSnapshot(Path png, Path html) throws Exception {
        Files.write(png, new byte[] {1, 2, 3});
        Files.writeString(html, "<p>x</p>");
        Job j = store.enqueue(NewJob.of("registry-a", "N-1"));
        Job claimed = store.claim("w-1", 1, Duration.ofMinutes(5)).get(0);
        store.heartbeat(new WorkerHeartbeat(WorkerHeartbeat.of("w-1", List.of(), Duration.ofMinutes(5)).worker(),
                List.of(claimed.lease()), Duration.ofMinutes(5),
                List.of(new JobProgress(j.id(), 1, "w-1", "download", 0.75, null))));
        FailureSnapshot s = new FailureSnapshot(1, "TRANSIENT", "job " + j.id() + ": timed out at https://r.example/doc?token=s3cr3t",
                List.of(new FailureSnapshot.File("screenshot", new StoredDocument(png.toUri().toString(), "a".repeat(64), 3, "image/png")),
                        new FailureSnapshot.File("html", new StoredDocument(html.toUri().toString(), "b".repeat(64), 8, "text/html")),
                        new FailureSnapshot.File("details", new StoredDocument("s3://bucket/" + j.id() + "-x.json", "c".repeat(64), 9,
                                "application/json"))));
        store.recordEvent(j.id(), JobEventType.SNAPSHOT_SAVED, "w-1", s.toMessage());
        store.finish(claimed.lease(), JobOutcome.failed("timed out"));
        return j;
    }

    @Test
    void diagnoseJobListsTheProgressAndTheSnapshotFilesWithTheirUris() throws Exception {
        Path png = dir.resolve("1-a.png");
        Path html = dir.resolve("1-b.html");
        Job j = failedWithSnapshot(png, html);

        CliRunner.Run r = cli.run("diagnose", "--job", Long.toString(j.id()));
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("PROGRESS", "download 75", "attempt 1, worker w-1", "FAILURE SNAPSHOTS (1)",
                "attempt 1 (TRANSIENT)", png.toUri().toString(), html.toUri().toString(), "s3://bucket/")
                .doesNotContain("s3cr3t");

        Map<String, Object> doc = MiniJson.object(cli.run("diagnose", "--job", Long.toString(j.id()), "--json").out());
        @SuppressWarnings("unchecked")
        Map<String, Object> progress = (Map<String, Object>) doc.get("progress");
        assertThat(progress.get("step")).isEqualTo("download");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> snapshots = (List<Map<String, Object>>) doc.get("snapshots");
        assertThat(snapshots).singleElement().satisfies(s -> {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> files = (List<Map<String, Object>>) s.get("files");
            assertThat(files).extracting(f -> f.get("uri")).contains(png.toUri().toString());
        });
    }

    @Test
    void purgeRemovesTheSnapshotFilesWithTheirJobAndNamesTheOnesItCannot() throws Exception {
        Path png = dir.resolve("1-a.png");
        Path html = dir.resolve("1-b.html");
        Job j = failedWithSnapshot(png, html);

        CliRunner.Run early = cli.run("purge", "--older-than", "30d");
        assertThat(early.out()).contains("purged 0 finished job(s)");
        assertThat(png).exists();

        db.advanceClock(Duration.ofDays(31));
        CliRunner.Run r = cli.run("purge", "--older-than", "30d");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("purged 1 finished job(s)", "removed 2 failure snapshot file(s)");
        assertThat(r.err()).contains("left in place", "s3://bucket/" + j.id() + "-x.json");
        assertThat(png).doesNotExist();
        assertThat(html).doesNotExist();
        assertThat(store.find(j.id())).isEmpty();
        assertThat(store.progress(List.of(j.id()))).isEmpty();
    }
}
