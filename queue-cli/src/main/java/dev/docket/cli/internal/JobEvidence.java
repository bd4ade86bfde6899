package dev.docket.cli.internal;

import dev.docket.queue.FailureSnapshot;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.JobProgress;
import dev.docket.queue.SweepableDocumentSink;
import dev.docket.queue.jdbc.PostgresDocumentSink;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a job's run left besides its row: its latest progress and its failure snapshots ({@code SNAPSHOT_SAVED}
 * events), as {@code diagnose --job} shows them and {@code purge} removes them.
 */
final class JobEvidence {
    /** Snapshot events handled per purge. */
    static final int PURGE_LIMIT = 100_000;

    private JobEvidence() {
    }

    static List<FailureSnapshot> snapshots(List<JobEvent> events) {
        List<FailureSnapshot> out = new ArrayList<>();
        for (JobEvent e : events) {
            if (e.type() == JobEventType.SNAPSHOT_SAVED) {
                FailureSnapshot.parse(e.message()).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The PROGRESS and FAILURE SNAPSHOTS sections of {@code diagnose --job}. */
    static void print(PrintStream out, Optional<JobProgress> progress, List<JobEvent> events, Instant now) {
        out.println();
        out.println("PROGRESS (sent with the worker's heartbeats)");
        out.println("  " + progress.map(p -> p.step() + " " + Formats.percent(p.fraction()) + " (attempt " + p.attempt()
                + ", worker " + p.workerId() + ", " + Formats.instantWithAge(p.updatedAt(), now) + ")").orElse("none reported"));
        out.println();
        List<FailureSnapshot> snapshots = snapshots(events);
        out.println("FAILURE SNAPSHOTS (" + snapshots.size() + ")");
        if (snapshots.isEmpty()) {
            out.println("  none");
        }
        for (FailureSnapshot s : snapshots) {
            out.println("  attempt " + s.attempt() + " (" + s.kind() + "): " + DiagnoseCommand.redact(s.error()));
            for (FailureSnapshot.File f : s.files()) {
                out.println("    " + f.role() + " " + f.document().contentType() + " " + Formats.bytes(f.document().size())
                        + "  " + f.document().uri());
            }
        }
    }

    /** The {@code progress} and {@code snapshots} fields of {@code diagnose --job --json}. */
    static void json(JsonWriter w, Optional<JobProgress> progress, List<JobEvent> events) {
        w.name("progress");
        if (progress.isEmpty()) {
            w.json("null");
        } else {
            JobProgress p = progress.get();
            w.beginObject().field("step", p.step()).field("fraction", p.fraction()).field("attempt", p.attempt())
                    .field("workerId", p.workerId()).field("updatedAt", p.updatedAt()).endObject();
        }
        w.name("snapshots").beginArray();
        for (FailureSnapshot s : snapshots(events)) {
            w.beginObject().field("attempt", s.attempt()).field("kind", s.kind()).field("error", DiagnoseCommand.redact(s.error()));
            w.name("files").beginArray();
            for (FailureSnapshot.File f : s.files()) {
                w.beginObject().field("role", f.role()).field("uri", f.document().uri()).field("size", f.document().size())
                        .field("contentType", f.document().contentType()).field("sha256", f.document().sha256()).endObject();
            }
            w.endArray().endObject();
        }
        w.endArray();
    }

    /** What {@link #removeSnapshots} did. */
    record Removed(int files, int gone, List<String> left) {
    }

    /**
     * Removes the snapshot files of the jobs {@code purge(olderThan)} is about to delete: files ({@code file:}) and
     * rows of the PostgreSQL sink ({@code docket-pg:}); others (S3) are listed as left for the operator.
     */
    static Removed removeSnapshots(Session s, Duration olderThan) {
        int removed = 0;
        int gone = 0;
        List<String> left = new ArrayList<>();
        SweepableDocumentSink pg = null;
        for (JobEvent e : s.store().eventsOfPurgeable(olderThan, JobEventType.SNAPSHOT_SAVED, PURGE_LIMIT)) {
            for (FailureSnapshot snapshot : FailureSnapshot.parse(e.message()).stream().toList()) {
                for (FailureSnapshot.File f : snapshot.files()) {
                    String uri = f.document().uri();
                    try {
                        if (uri.startsWith("file:")) {
                            if (Files.deleteIfExists(Path.of(URI.create(uri)))) {
                                removed++;
                            } else {
                                gone++;
                            }
                        } else if (PostgresDocumentSink.isReference(uri)) {
                            if (pg == null) {
                                pg = PostgresDocumentSink.builder(s.dataSource()).schema(s.schema()).createTable(false).build();
                            }
                            pg.delete(new SweepableDocumentSink.Entry(e.jobId(), token(uri), uri, Instant.EPOCH));
                            removed++;
                        } else {
                            left.add(uri);
                        }
                    } catch (IOException | RuntimeException ex) {
                        left.add(uri + " (" + ex.getMessage() + ")");
                    }
                }
            }
        }
        return new Removed(removed, gone, left);
    }

    /** The attempt token of a {@code docket-pg:schema/job/token} reference. */
    private static UUID token(String uri) {
        return UUID.fromString(uri.substring(uri.lastIndexOf('/') + 1));
    }
}
