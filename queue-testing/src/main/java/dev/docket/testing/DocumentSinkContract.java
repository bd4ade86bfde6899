package dev.docket.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.docket.queue.testing.ManualClock;
import dev.docket.queue.Document;
import dev.docket.queue.DocumentSink;
import dev.docket.queue.DocumentSweeper;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.NewJob;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StaleJob;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.SweepableDocumentSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fenced protocol every {@link DocumentSink} must follow (see {@link DocumentSink}). Shipped in
 * {@code queue-testing}: to check your own sink, subclass this class and implement {@link #createSink()},
 * {@link #read(StoredDocument)} and {@link #exists(StoredDocument)}. A sink that also implements
 * {@link SweepableDocumentSink} is checked against {@link DocumentSweeper} too.
 *
 * <p>Jobs come from an {@link InMemoryJobStore} on a manual clock set an hour behind real time, so that the
 * documents a sink writes (stamped with its own clock) are younger than their jobs, as in production.
 */
public abstract class DocumentSinkContract {
    /** The content type of the tests' documents. */
    protected static final String PDF = "application/pdf";

    /** The sink under test; a fresh, empty one for each test. */
    protected DocumentSink sink;
    /** The clock of {@link #store}, an hour behind real time. */
    protected ManualClock clock;
    /** Where the tests' jobs come from. */
    protected InMemoryJobStore store;

    /** A fresh sink holding nothing; called before each test. */
    protected abstract DocumentSink createSink() throws IOException;

    /** The bytes stored at {@code document}'s location, read by other means than the sink's own bookkeeping. */
    protected abstract byte[] read(StoredDocument document) throws IOException;

    /** Whether anything is stored at {@code document}'s location. */
    protected abstract boolean exists(StoredDocument document) throws IOException;

    @BeforeEach
    void setUpSink() throws IOException {
        clock = ManualClock.at(Instant.now().minus(Duration.ofHours(1)));
        store = new InMemoryJobStore(clock);
        sink = createSink();
    }

    /** A claimed job of {@code store} (a fresh claim, so a fresh lease token). */
    protected Job claimed(JobStore from, String documentNumber) {
        Job enqueued = from.enqueue(NewJob.of("registry-a", documentNumber));
        List<Job> claimed = from.claim("worker-1", 1, Duration.ofMinutes(5));
        assertThat(claimed).extracting(Job::id).containsExactly(enqueued.id());
        return claimed.get(0);
    }

    /** The same job claimed again after its first claim was reset: the situation of a stale owner. */
    protected Job reclaimed(Job job) {
        StaleJob stale = new StaleJob(job, "test: the owner went silent");
        store.reset(stale, StaleDecision.requeue(Duration.ZERO), "test");
        List<Job> again = store.claim("worker-2", 1, Duration.ofMinutes(5));
        assertThat(again).extracting(Job::id).containsExactly(job.id());
        assertThat(again.get(0).leaseToken()).isNotEqualTo(job.leaseToken());
        return again.get(0);
    }

    /** A PDF-typed document holding {@code text} in UTF-8. */
    protected static Document doc(String text) {
        return Document.of(text.getBytes(StandardCharsets.UTF_8), PDF);
    }

    /** The lower-case hex SHA-256 of {@code text} in UTF-8. */
    protected static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void storesTheBytesAndSaysWhereWithTheirChecksumSizeAndType() throws Exception {
        StoredDocument stored = sink.store(claimed(store, "doc-1"), doc("%PDF-1 one"));

        assertThat(read(stored)).isEqualTo("%PDF-1 one".getBytes(StandardCharsets.UTF_8));
        assertThat(stored.sha256()).isEqualTo(sha256("%PDF-1 one"));
        assertThat(stored.size()).isEqualTo(10);
        assertThat(stored.contentType()).isEqualTo(PDF);
        assertThat(dev.docket.queue.internal.Json.validate(stored.toJson())).isNull();
    }

    @Test
    void aStaleOwnersLateDocumentNeverReplacesTheNewOwnersDocument() throws Exception {
        Job stale = claimed(store, "doc-1");
        Job owner = reclaimed(stale);

        StoredDocument winner = sink.store(owner, doc("%PDF-1 new owner"));
        StoredDocument late = sink.store(stale, doc("%PDF-1 stale owner"));

        assertThat(late.uri()).isNotEqualTo(winner.uri());
        assertThat(read(winner)).isEqualTo("%PDF-1 new owner".getBytes(StandardCharsets.UTF_8));
        // the stale owner's finishing write is rejected; the runtime discards its document
        sink.discard(stale, late);
        assertThat(exists(late)).isFalse();
        assertThat(read(winner)).isEqualTo("%PDF-1 new owner".getBytes(StandardCharsets.UTF_8));
        assertThat(sha256("%PDF-1 new owner")).isEqualTo(winner.sha256());
    }

    @Test
    void discardRemovesOnlyThatAttemptAndIsQuietWhenItIsGone() throws Exception {
        Job first = claimed(store, "doc-1");
        StoredDocument a = sink.store(first, doc("%PDF-1 a"));
        Job second = reclaimed(first);
        StoredDocument b = sink.store(second, doc("%PDF-1 b"));

        sink.discard(first, a);
        sink.discard(first, a);

        assertThat(exists(a)).isFalse();
        assertThat(read(b)).isEqualTo("%PDF-1 b".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void twoQueuesSharingTheSinkNeverCollideAlthoughTheirJobIdsDo() throws Exception {
        InMemoryJobStore otherQueue = new InMemoryJobStore(clock);
        Job mine = claimed(store, "doc-1");
        Job theirs = claimed(otherQueue, "doc-1");
        assertThat(theirs.id()).isEqualTo(mine.id());

        StoredDocument a = sink.store(mine, doc("%PDF-1 queue a"));
        StoredDocument b = sink.store(theirs, doc("%PDF-1 queue b"));

        assertThat(a.uri()).isNotEqualTo(b.uri());
        assertThat(read(a)).isEqualTo("%PDF-1 queue a".getBytes(StandardCharsets.UTF_8));
        assertThat(read(b)).isEqualTo("%PDF-1 queue b".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theLocationNeverComesFromJobText() throws Exception {
        Job hostile = store.enqueue(NewJob.builder("../../registry", "../../../etc/passwd%00<x>").build());
        Job job = store.claim("worker-1", 1, Duration.ofMinutes(5)).get(0);
        assertThat(job.id()).isEqualTo(hostile.id());

        StoredDocument stored = sink.store(job, doc("%PDF-1 x"));

        assertThat(stored.uri()).doesNotContain("passwd").doesNotContain("registry").doesNotContain("..");
        assertThat(read(stored)).isEqualTo("%PDF-1 x".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void concurrentAttemptsOfOneJobEachKeepTheirOwnDocument() throws Exception {
        Job first = claimed(store, "doc-1");
        List<Job> attempts = new ArrayList<>();
        attempts.add(first);
        Job last = first;
        for (int i = 0; i < 5; i++) {
            last = reclaimed(last);
            attempts.add(last);
        }
        ExecutorService pool = Executors.newFixedThreadPool(attempts.size());
        try {
            List<Future<StoredDocument>> results = new ArrayList<>();
            for (int i = 0; i < attempts.size(); i++) {
                Job attempt = attempts.get(i);
                String text = "%PDF-1 attempt " + i;
                Callable<StoredDocument> c = () -> sink.store(attempt, doc(text));
                results.add(pool.submit(c));
            }
            Set<String> uris = new HashSet<>();
            for (int i = 0; i < results.size(); i++) {
                StoredDocument d = results.get(i).get(30, TimeUnit.SECONDS);
                uris.add(d.uri());
                assertThat(read(d)).isEqualTo(("%PDF-1 attempt " + i).getBytes(StandardCharsets.UTF_8));
            }
            assertThat(uris).hasSize(attempts.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesAJobThatIsNotClaimed() {
        Job pending = store.enqueue(NewJob.of("registry-a", "doc-1"));

        assertThatThrownBy(() -> sink.store(pending, doc("%PDF-1 x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease");
    }

    @Test
    void theSweepRemovesOnlyDocumentsNoJobPointsTo() throws Exception {
        assumeThat(sink).isInstanceOf(SweepableDocumentSink.class);
        SweepableDocumentSink sweepable = (SweepableDocumentSink) sink;
        // a crashed attempt: stored, never recorded; the job was then completed by another attempt
        Job crashed = claimed(store, "doc-1");
        StoredDocument orphan = sink.store(crashed, doc("%PDF-1 orphan"));
        Job winner = reclaimed(crashed);
        StoredDocument kept = sink.store(winner, doc("%PDF-1 winner"));
        store.finish(winner.lease(), JobOutcome.completed(kept.toJson()));
        // an attempt still running: stored, finishing write not yet made
        Job running = claimed(store, "doc-2");
        StoredDocument inFlight = sink.store(running, doc("%PDF-1 running"));

        // too young: nothing is touched
        assertThat(DocumentSweeper.sweep(store, sweepable, Duration.ofHours(2)).removed()).isZero();
        assertThat(exists(orphan)).isTrue();

        clock.advance(Duration.ofHours(3));
        DocumentSweeper.Result result = DocumentSweeper.sweep(store, sweepable, Duration.ofHours(1));

        assertThat(result.removed()).isEqualTo(1);
        assertThat(exists(orphan)).isFalse();
        assertThat(read(kept)).isEqualTo("%PDF-1 winner".getBytes(StandardCharsets.UTF_8));
        assertThat(read(inFlight)).isEqualTo("%PDF-1 running".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theSweepKeepsDocumentsOfJobsItDoesNotKnow() throws Exception {
        assumeThat(sink).isInstanceOf(SweepableDocumentSink.class);
        InMemoryJobStore otherQueue = new InMemoryJobStore(clock);
        Job theirs = claimed(otherQueue, "doc-1");
        StoredDocument stored = sink.store(theirs, doc("%PDF-1 theirs"));

        clock.advance(Duration.ofHours(3));
        DocumentSweeper.sweep(store, (SweepableDocumentSink) sink, Duration.ofHours(1));

        assertThat(exists(stored)).isTrue();
    }
}
