package dev.docket.queue;

import dev.docket.queue.spi.JobStore;
import dev.docket.queue.internal.StoredDocuments;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes documents that a {@link SweepableDocumentSink} holds but that no job points to: those of attempts
 * whose process died between storing the document and the finishing write (see the fenced protocol on
 * {@link DocumentSink}). A document is removed only when all of these hold:
 * <ul>
 *   <li>it was written more than {@code minAge} ago (choose more than the job timeout plus the lease);</li>
 *   <li>its job exists in {@code store} and was created before the document was written (a document of a
 *       job that is gone, or older than the job with its id, belongs to someone else and is kept);</li>
 *   <li>the job is not PROCESSING under the attempt that wrote it;</li>
 *   <li>the job's recorded result does not reference it;</li>
 *   <li>no {@link JobEventType#SNAPSHOT_SAVED} event of the job lists it (failure snapshots written through the
 *       same sink live as long as their job; {@code docket purge} removes them with it).</li>
 * </ul>
 * Run it with one sink location per queue: a sink shared by two queues whose job ids overlap cannot tell
 * their documents apart. Safe to run from several processes at once (deletes are idempotent).
 */
public final class DocumentSweeper {
    private static final Logger log = LoggerFactory.getLogger(DocumentSweeper.class);
    /** The smallest {@code minAge} accepted: below it a running attempt's document could be taken. */
    public static final Duration MIN_AGE = Duration.ofMinutes(1);

    private DocumentSweeper() {
    }

    /** What one sweep did. */
    public record Result(long examined, long removed, long kept) {
    }

    /**
     * Sweeps once.
     *
     * @param minAge only documents written longer ago than this are considered; at least {@link #MIN_AGE}
     */
    public static Result sweep(JobStore store, SweepableDocumentSink sink, Duration minAge) throws IOException {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(minAge, "minAge");
        if (minAge.compareTo(MIN_AGE) < 0) {
            throw new IllegalArgumentException("minAge must be at least " + MIN_AGE + " but was " + minAge);
        }
        Instant before = store.now().minus(minAge);
        long[] counts = new long[3];
        sink.forEachEntry(before, e -> {
            counts[0]++;
            if (orphaned(store, e)) {
                sink.delete(e);
                counts[1]++;
                log.info("document sweep: removed {} (job {}, attempt {}): no job points to it", e.uri(), e.jobId(),
                        e.leaseToken());
            } else {
                counts[2]++;
            }
        });
        if (counts[1] > 0) {
            log.info("document sweep of {}: {} examined, {} removed", sink, counts[0], counts[1]);
        }
        return new Result(counts[0], counts[1], counts[2]);
    }

    static boolean orphaned(JobStore store, SweepableDocumentSink.Entry e) {
        Optional<Job> found = store.find(e.jobId());
        if (found.isEmpty()) {
            return false;
        }
        Job job = found.get();
        if (job.createdAt().isAfter(e.writtenAt())) {
            return false;
        }
        if (job.status() == JobStatus.PROCESSING && e.leaseToken().equals(job.leaseToken())) {
            return false;
        }
        if (StoredDocuments.referencedBy(job, e.uri())) {
            return false;
        }
        for (JobEvent ev : store.events(e.jobId())) {
            if (ev.type() == JobEventType.SNAPSHOT_SAVED && FailureSnapshot.parse(ev.message())
                    .map(s -> s.files().stream().anyMatch(f -> f.document().uri().equals(e.uri()))).orElse(false)) {
                return false;
            }
        }
        return true;
    }
}
