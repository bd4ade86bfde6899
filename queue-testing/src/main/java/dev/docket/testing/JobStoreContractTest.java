package dev.docket.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.spi.JobLease;
import dev.docket.queue.JobNotFoundException;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.JobStateException;
import dev.docket.queue.JobStatus;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.LeaseLostException;
import dev.docket.queue.NewJob;
import dev.docket.queue.QueueStats;
import dev.docket.queue.StaleCriteria;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StaleJob;
import dev.docket.queue.spi.WorkerHeartbeat;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link JobStore} must have. Shipped in {@code queue-testing}: to check a
 * store, subclass this class and implement {@link #createStore()} and {@link #advanceClock(Duration)}.
 *
 * <p>The tests are grouped in {@link Nested @Nested} sections ({@link Enqueue}, {@link Claim}, {@link Finish},
 * {@link Heartbeat}, {@link Stale}, {@link Reset}, {@link Events}, {@link Stats}, {@link Admin},
 * {@link ClockAndNotifications}, {@link HostileInput}, {@link Sources}); JUnit runs them all when it runs the subclass, and a
 * report names the section that fails ({@code JobStoreContractTest$Claim}, for instance).
 *
 * <p>Time: every time-dependent test is written only in terms of {@link #advanceClock(Duration)} and
 * {@link JobStore#now()}. A store on an injected clock advances the clock; a store whose clock is the
 * database's {@code now()} shifts every stored timestamp (created, run-after, lease expiry, processing
 * start, completion, heartbeats, events) back by the amount instead. So the tests never compare a
 * timestamp read before an {@code advanceClock} with one read after it, and they accept any value
 * between the store's clock just before and just after an operation (equal for a manual clock).
 *
 * <p>JSON: payloads and results used here are in PostgreSQL {@code jsonb}'s canonical text form, so a
 * store that normalises JSON passes too.
 */
public abstract class JobStoreContractTest {

    /** The lease the tests claim with; waits are expressed relative to it. */
    protected static final Duration LEASE = Duration.ofSeconds(30);
    /** Just long enough for a {@link #LEASE} to expire. */
    protected static final Duration JUST_OVER_LEASE = LEASE.plusSeconds(1);
    /** Stale when the lease expired (or the owner stopped). */
    protected static final StaleCriteria LEASE_EXPIRED = new StaleCriteria(true, null, null);
    /** The document source of the tests' jobs. */
    protected static final String SOURCE = "registry-a";
    /** A result in jsonb's canonical form (keys by length, ": " and ", " separators). */
    protected static final String RESULT = "{\"uri\": \"file:///data/1.pdf\", \"size\": 3}";
    /** A payload in jsonb's canonical form. */
    protected static final String PAYLOAD = "{\"a\": [1, 2], \"b\": \"x\"}";

    /** The store under test, fresh and empty for each test. */
    protected JobStore store;

    /** A fresh, empty store; called before each test. */
    protected abstract JobStore createStore();

    /**
     * Makes {@code d} pass for the store: advance its clock, or shift every stored timestamp back by
     * {@code d}.
     */
    protected abstract void advanceClock(Duration d);

    /** Releases what {@link #createStore()} acquired; called after each test. Default: nothing. */
    protected void closeStore(JobStore s) {
    }

    /**
     * Whether {@link JobStore#subscribe(Runnable)} delivers notifications. A store without them
     * returns a no-op subscription (the runtime then polls) and overrides this to return false.
     */
    protected boolean supportsNotifications() {
        return true;
    }

    /** Creates {@link #store} before each test. */
    @BeforeEach
    protected final void createStoreUnderTest() {
        store = createStore();
    }

    /** Closes {@link #store} after each test. */
    @AfterEach
    protected final void closeStoreUnderTest() {
        closeStore(store);
    }

    // ------------------------------------------------------------------ helpers

    /** Enqueues a job of {@link #SOURCE} with defaults. */
    protected Job enqueue(String number) {
        return store.enqueue(NewJob.of(SOURCE, number));
    }

    /** Claims exactly one job under a {@link #LEASE}; fails the test when there is none. */
    protected Job claimOne(String workerId) {
        return claimOne(workerId, LEASE);
    }

    /** Claims exactly one job under {@code lease}; fails the test when there is none. */
    protected Job claimOne(String workerId, Duration lease) {
        List<Job> claimed = store.claim(workerId, 1, lease);
        assertThat(claimed).as("claim by %s", workerId).hasSize(1);
        return claimed.get(0);
    }

    /** The job as stored now; fails the test when it does not exist. */
    protected Job job(long id) {
        return store.find(id).orElseThrow(() -> new AssertionError("job " + id + " not found"));
    }

    /** A running worker's figures, as a heartbeat reports them. */
    protected static WorkerInfo worker(String workerId) {
        return new WorkerInfo(workerId, "host-1", 4242, WorkerState.RUNNING, Instant.EPOCH, null, 4, 0, 0, 0, null);
    }

    /** Heartbeats for {@code workerId} holding {@code leases}; returns the ids it could not renew. */
    protected Set<Long> heartbeat(String workerId, JobLease... leases) {
        return store.heartbeat(new WorkerHeartbeat(worker(workerId), List.of(leases), LEASE));
    }

    /** Completes a claimed job with {@link #RESULT}. */
    protected Job completed(Job claimed) {
        return store.finish(claimed.lease(), JobOutcome.completed(RESULT));
    }

    private static List<Long> ids(List<Job> jobs) {
        return jobs.stream().map(Job::id).collect(Collectors.toList());
    }

    /** Source flow control: caps, rates, pause, throttling, circuits, fairness ({@link SourceContract}). */
    @Nested
    public class Sources extends SourceContract {
        @Override
        protected JobStore store() {
            return store;
        }

        @Override
        protected void advanceClock(Duration d) {
            JobStoreContractTest.this.advanceClock(d);
        }
    }

    /** Enqueueing, idempotency keys and finding jobs. */
    @Nested
    public class Enqueue {
        @Test
        public void enqueueCreatesAPendingJobWithEveryFieldAndFindReturnsIt() {
            Instant before = store.now();
            Job job = store.enqueue(NewJob.builder(SOURCE, "doc-1").payload(PAYLOAD).priority(7).maxAttempts(3)
                    .idempotencyKey("key-1").build());
            Instant after = store.now();

            assertThat(job.id()).isPositive();
            assertThat(job.documentSource()).isEqualTo(SOURCE);
            assertThat(job.documentNumber()).isEqualTo("doc-1");
            assertThat(job.payload()).isEqualTo(PAYLOAD);
            assertThat(job.status()).isEqualTo(JobStatus.PENDING);
            assertThat(job.priority()).isEqualTo(7);
            assertThat(job.attempts()).isZero();
            assertThat(job.maxAttempts()).isEqualTo(3);
            assertThat(job.runAfter()).isBetween(before, after);
            assertThat(job.workerId()).isNull();
            assertThat(job.leaseToken()).isNull();
            assertThat(job.leaseExpiresAt()).isNull();
            assertThat(job.processingStartedAt()).isNull();
            assertThat(job.resetCount()).isZero();
            assertThat(job.lastError()).isNull();
            assertThat(job.result()).isNull();
            assertThat(job.idempotencyKey()).isEqualTo("key-1");
            assertThat(job.createdAt()).isBetween(before, after);
            assertThat(job.updatedAt()).isBetween(before, after);
            assertThat(job.completedAt()).isNull();
            assertThat(store.find(job.id())).contains(job);
        }

        @Test
        public void enqueueWithDefaultsHasNoPayloadPriorityZeroAndDefaultAttempts() {
            Job job = enqueue("doc-1");
            assertThat(job.payload()).isNull();
            assertThat(job.priority()).isZero();
            assertThat(job.maxAttempts()).isEqualTo(NewJob.DEFAULT_MAX_ATTEMPTS);
            assertThat(job.idempotencyKey()).isNull();
        }

        @Test
        public void enqueueKeepsTheGivenRunAfter() {
            Instant later = store.now().plus(Duration.ofHours(1));
            Job job = store.enqueue(NewJob.builder(SOURCE, "doc-1").runAfter(later).build());
            assertThat(job.runAfter()).isEqualTo(later);
            assertThat(job(job.id()).runAfter()).isEqualTo(later);
        }

        @Test
        public void idsArePositiveAndIncreaseWithEachEnqueue() {
            long previous = 0;
            for (int i = 0; i < 5; i++) {
                long id = enqueue("doc-" + i).id();
                assertThat(id).isGreaterThan(previous);
                previous = id;
            }
        }

        @Test
        public void findReturnsEmptyForAnUnknownId() {
            assertThat(store.find(987_654_321L)).isEmpty();
        }

        @Test
        public void enqueueWithTheKeyOfALiveJobReturnsThatJobAndAddsNothing() {
            Job first = store.enqueue(NewJob.builder(SOURCE, "doc-1").idempotencyKey("k").build());

            Job again = store.enqueue(NewJob.builder(SOURCE, "doc-other").idempotencyKey("k").build());
            assertThat(again.id()).isEqualTo(first.id());
            assertThat(again.documentNumber()).isEqualTo("doc-1");

            claimOne("w-1");
            Job whileProcessing = store.enqueue(NewJob.builder(SOURCE, "doc-1").idempotencyKey("k").build());
            assertThat(whileProcessing.id()).isEqualTo(first.id());
            assertThat(whileProcessing.status()).isEqualTo(JobStatus.PROCESSING);

            QueueStats stats = store.stats();
            assertThat(stats.count(JobStatus.PENDING) + stats.count(JobStatus.PROCESSING)).isEqualTo(1);
        }

        @Test
        public void enqueueWithTheKeyOfACompletedJobCreatesANewJob() {
            Job first = store.enqueue(NewJob.builder(SOURCE, "doc-1").idempotencyKey("k").build());
            completed(claimOne("w-1"));

            Job second = store.enqueue(NewJob.builder(SOURCE, "doc-1").idempotencyKey("k").build());
            assertThat(second.id()).isNotEqualTo(first.id());
            assertThat(second.status()).isEqualTo(JobStatus.PENDING);
            assertThat(job(first.id()).status()).isEqualTo(JobStatus.COMPLETED);
        }

        @Test
        public void enqueueWithTheKeyOfAFailedJobCreatesANewJob() {
            Job first = store.enqueue(NewJob.builder(SOURCE, "doc-1").idempotencyKey("k").build());
            store.finish(claimOne("w-1").lease(), JobOutcome.failed("gone"));

            Job second = store.enqueue(NewJob.builder(SOURCE, "doc-1").idempotencyKey("k").build());
            assertThat(second.id()).isNotEqualTo(first.id());
        }

        @Test
        public void differentKeysMakeDifferentJobs() {
            Job a = store.enqueue(NewJob.builder(SOURCE, "doc-1").idempotencyKey("k1").build());
            Job b = store.enqueue(NewJob.builder(SOURCE, "doc-1").idempotencyKey("k2").build());
            assertThat(a.id()).isNotEqualTo(b.id());
        }

        @Test
        public void enqueueAllReturnsTheJobsInOrderWithIncreasingIds() {
            List<NewJob> batch = IntStream.range(0, 20).mapToObj(i -> NewJob.of(SOURCE, "doc-" + i))
                    .collect(Collectors.toList());
            List<Job> jobs = store.enqueueAll(batch);

            assertThat(jobs).extracting(Job::documentNumber)
                    .containsExactlyElementsOf(batch.stream().map(NewJob::documentNumber).collect(Collectors.toList()));
            assertThat(jobs).extracting(Job::status).containsOnly(JobStatus.PENDING);
            assertThat(ids(jobs)).isSorted().doesNotHaveDuplicates();
            for (Job j : jobs) {
                assertThat(store.find(j.id())).contains(j);
            }
        }

        @Test
        public void enqueueAllReturnsEachJobAsTheStoreReadsItBackWhateverItsFields() {
            Job live = store.enqueue(NewJob.builder(SOURCE, "live").idempotencyKey("taken").build());
            List<NewJob> batch = variedJobs(true);
            batch.add(NewJob.builder(SOURCE, "adopts").idempotencyKey("taken").build());

            List<Job> jobs = store.enqueueAll(batch);

            assertThat(jobs.get(batch.size() - 1)).isEqualTo(live);
            assertReadBackAsReturned(batch.subList(0, batch.size() - 1), jobs.subList(0, batch.size() - 1));
        }

        @Test
        public void enqueueAllWithoutKeysReturnsEachJobAsTheStoreReadsItBack() {
            List<NewJob> batch = variedJobs(false);
            assertReadBackAsReturned(batch, store.enqueueAll(batch));
        }

        /** Jobs with hostile texts, unicode, JSON that a store may print differently, runAfters; some keys. */
        private List<NewJob> variedJobs(boolean withKeys) {
            Instant later = store.now().plus(Duration.ofHours(1)).plusNanos(123_456_789);
            String[] payloads = {null, "{\"n\":1}", "{\"b\": [1, 2.50, 1e3, -0, true, null], \"a\": {\"z\": \"\"}}",
                "{\"q\":\"it's \\\"quoted\\\", back\\\\slash {braces}, comma\"}", "{\"u\":\"é ü 日本 \\u00e9 \\ud83d\\ude00\"}",
                "{\"c\":\"\\u0001\\t\\n\"}", "{\"long key\":1,\"k\":2}", "[\"NULL\", \"\"]", "\"just text\"", "42"};
            List<NewJob> batch = new ArrayList<>();
            for (int i = 0; i < payloads.length; i++) {
                NewJob.Builder b = NewJob.builder(i % 2 == 0 ? SOURCE : "src \"{,}\\ 日本", "doc '" + i + "' \\ {a,b}")
                        .payload(payloads[i]).priority(i * 7).maxAttempts(1 + i);
                if (i % 3 == 0) {
                    b.runAfter(later.plusSeconds(i));
                }
                if (withKeys && i % 4 == 1) {
                    b.idempotencyKey("key \"" + i + "\", {x}");
                }
                batch.add(b.build());
            }
            return batch;
        }

        private void assertReadBackAsReturned(List<NewJob> batch, List<Job> jobs) {
            assertThat(jobs).hasSize(batch.size());
            assertThat(ids(jobs)).isSorted().doesNotHaveDuplicates();
            for (int i = 0; i < jobs.size(); i++) {
                assertThat(jobs.get(i).documentNumber()).isEqualTo(batch.get(i).documentNumber());
                assertThat(jobs.get(i).runAfter()).isEqualTo(batch.get(i).runAfter() == null ? jobs.get(i).createdAt()
                        : batch.get(i).runAfter().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
                assertThat(store.find(jobs.get(i).id())).as("jobs[%d]", i).contains(jobs.get(i));
            }
        }

        @Test
        public void enqueueAllOfNothingReturnsNothing() {
            assertThat(store.enqueueAll(List.of())).isEmpty();
            assertThat(store.stats().count(JobStatus.PENDING)).isZero();
        }

        @Test
        public void enqueueAllAppliesIdempotencyKeysAgainstLiveJobsAndWithinTheBatch() {
            Job existing = store.enqueue(NewJob.builder(SOURCE, "doc-0").idempotencyKey("a").build());

            List<Job> jobs = store.enqueueAll(List.of(
                    NewJob.builder(SOURCE, "doc-1").idempotencyKey("a").build(),
                    NewJob.builder(SOURCE, "doc-2").idempotencyKey("b").build(),
                    NewJob.builder(SOURCE, "doc-3").idempotencyKey("b").build(),
                    NewJob.of(SOURCE, "doc-4")));

            assertThat(jobs).hasSize(4);
            assertThat(jobs.get(0).id()).isEqualTo(existing.id());
            assertThat(jobs.get(1).documentNumber()).isEqualTo("doc-2");
            assertThat(jobs.get(2).id()).isEqualTo(jobs.get(1).id());
            assertThat(jobs.get(3).id()).isNotIn(existing.id(), jobs.get(1).id());
            assertThat(store.stats().count(JobStatus.PENDING)).isEqualTo(3);
        }

        @Test
        public void enqueueAllAddsNothingWhenAnyElementIsRejected() {
            List<NewJob> batch = Arrays.asList(NewJob.of(SOURCE, "doc-1"), NewJob.of(SOURCE, "doc-2"), null);

            assertThatThrownBy(() -> store.enqueueAll(batch)).isInstanceOf(RuntimeException.class);

            QueueStats stats = store.stats();
            for (JobStatus s : JobStatus.values()) {
                assertThat(stats.count(s)).as("jobs %s", s).isZero();
            }
            assertThat(store.claim("w-1", 10, LEASE)).isEmpty();
        }
    }

    /** Claiming: leases, order, limits, concurrent claimers. */
    @Nested
    public class Claim {
        @Test
        public void claimMakesTheJobProcessingUnderAFreshLease() {
            Job enqueued = enqueue("doc-1");

            Instant before = store.now();
            Job claimed = claimOne("w-1");
            Instant after = store.now();

            assertThat(claimed.id()).isEqualTo(enqueued.id());
            assertThat(claimed.status()).isEqualTo(JobStatus.PROCESSING);
            assertThat(claimed.workerId()).isEqualTo("w-1");
            assertThat(claimed.attempts()).isEqualTo(1);
            assertThat(claimed.leaseToken()).isNotNull();
            assertThat(claimed.processingStartedAt()).isBetween(before, after);
            assertThat(claimed.leaseExpiresAt()).isBetween(before.plus(LEASE), after.plus(LEASE));
            assertThat(claimed.updatedAt()).isBetween(before, after);
            assertThat(claimed.lease()).isEqualTo(new JobLease(claimed.id(), "w-1", claimed.leaseToken()));
            assertThat(store.find(claimed.id())).contains(claimed);
        }

        @Test
        public void claimGivesEachClaimAFreshLeaseToken() {
            enqueue("doc-1");
            Job first = claimOne("w-1");
            store.finish(first.lease(), JobOutcome.released("shutdown"));

            Job second = claimOne("w-2");
            assertThat(second.leaseToken()).isNotEqualTo(first.leaseToken());
        }

        @Test
        public void claimTakesHighestPriorityThenEarliestRunAfterThenLowestId() {
            Instant now = store.now();
            Job lowLate = store.enqueue(NewJob.builder(SOURCE, "low-late").runAfter(now.minusSeconds(10)).build());
            Job highA = store.enqueue(NewJob.builder(SOURCE, "high-a").priority(5).runAfter(now.minusSeconds(5)).build());
            Job lowEarly = store.enqueue(NewJob.builder(SOURCE, "low-early").runAfter(now.minusSeconds(20)).build());
            Job highB = store.enqueue(NewJob.builder(SOURCE, "high-b").priority(5).runAfter(now.minusSeconds(5)).build());
            Job lowLate2 = store.enqueue(NewJob.builder(SOURCE, "low-late-2").runAfter(now.minusSeconds(10)).build());

            List<Long> order = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                order.add(claimOne("w-1").id());
            }

            assertThat(order).containsExactly(highA.id(), highB.id(), lowEarly.id(), lowLate.id(), lowLate2.id());
            assertThat(store.claim("w-1", 1, LEASE)).isEmpty();
        }

        @Test
        public void aBatchClaimTakesTheSameJobsAsSingleClaimsWould() {
            Job low = store.enqueue(NewJob.builder(SOURCE, "low").build());
            Job high = store.enqueue(NewJob.builder(SOURCE, "high").priority(9).build());
            Job mid = store.enqueue(NewJob.builder(SOURCE, "mid").priority(3).build());

            List<Job> claimed = store.claim("w-1", 2, LEASE);

            assertThat(ids(claimed)).containsExactlyInAnyOrder(high.id(), mid.id());
            assertThat(job(low.id()).status()).isEqualTo(JobStatus.PENDING);
        }

        @Test
        public void aJobWhoseRunAfterIsInTheFutureIsClaimableOnlyOnceTheClockReachesIt() {
            Job later = store.enqueue(NewJob.builder(SOURCE, "later").priority(100)
                    .runAfter(store.now().plus(Duration.ofMinutes(1))).build());
            Job now = enqueue("now");

            assertThat(claimOne("w-1").id()).as("the due job, despite its lower priority").isEqualTo(now.id());
            assertThat(store.claim("w-1", 10, LEASE)).isEmpty();

            advanceClock(Duration.ofSeconds(59));
            assertThat(store.claim("w-1", 10, LEASE)).isEmpty();

            advanceClock(Duration.ofSeconds(2));
            assertThat(claimOne("w-1").id()).isEqualTo(later.id());
        }

        @Test
        public void claimReturnsAtMostLimitJobs() {
            store.enqueueAll(IntStream.range(0, 5).mapToObj(i -> NewJob.of(SOURCE, "doc-" + i)).collect(Collectors.toList()));

            assertThat(store.claim("w-1", 3, LEASE)).hasSize(3);
            assertThat(store.claim("w-1", 10, LEASE)).hasSize(2);
            assertThat(store.claim("w-1", 10, LEASE)).isEmpty();
        }

        @Test
        public void claimOfAnEmptyQueueReturnsNothing() {
            assertThat(store.claim("w-1", 5, LEASE)).isEmpty();
        }

        @Test
        public void claimNeverReturnsProcessingOrFinishedJobs() {
            Job a = enqueue("a");
            Job b = enqueue("b");
            Job c = enqueue("c");
            Job d = enqueue("d");
            completed(claimOne("w-1"));
            store.finish(claimOne("w-1").lease(), JobOutcome.failed("bad"));
            claimOne("w-1");
            store.cancel(d.id(), "test");

            assertThat(store.claim("w-2", 10, LEASE)).isEmpty();
            assertThat(List.of(job(a.id()).status(), job(b.id()).status(), job(c.id()).status(), job(d.id()).status()))
                    .containsExactly(JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.PROCESSING, JobStatus.CANCELLED);
        }

        @Test
        public void concurrentClaimersNeverReceiveTheSameJobAndTogetherReceiveAll() throws Exception {
            int jobCount = 500;
            int threads = 8;
            Set<Long> enqueued = new HashSet<>(ids(store.enqueueAll(IntStream.range(0, jobCount)
                    .mapToObj(i -> NewJob.builder(SOURCE, "doc-" + i).priority(i % 3).build())
                    .collect(Collectors.toList()))));
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<List<Job>>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String workerId = "w-" + t;
                    Random random = new Random(t);
                    results.add(pool.submit(() -> {
                        start.await();
                        List<Job> mine = new ArrayList<>();
                        while (true) {
                            List<Job> got = store.claim(workerId, 1 + random.nextInt(5), LEASE);
                            if (got.isEmpty()) {
                                return mine;
                            }
                            mine.addAll(got);
                        }
                    }));
                }
                start.countDown();

                List<Long> all = new ArrayList<>();
                Map<Long, String> owner = new HashMap<>();
                for (int t = 0; t < threads; t++) {
                    for (Job j : results.get(t).get(60, TimeUnit.SECONDS)) {
                        assertThat(j.workerId()).isEqualTo("w-" + t);
                        all.add(j.id());
                        owner.put(j.id(), j.workerId());
                    }
                }
                assertThat(all).doesNotHaveDuplicates().hasSize(jobCount);
                assertThat(new HashSet<>(all)).isEqualTo(enqueued);
                for (Map.Entry<Long, String> e : owner.entrySet()) {
                    Job stored = job(e.getKey());
                    assertThat(stored.status()).isEqualTo(JobStatus.PROCESSING);
                    assertThat(stored.workerId()).isEqualTo(e.getValue());
                    assertThat(stored.attempts()).isEqualTo(1);
                }
            } finally {
                pool.shutdownNow();
                assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    /** Finishing writes: complete, fail, retry later, release, and the lease fence. */
    @Nested
    public class Finish {
        @Test
        public void completingSavesTheResultAndClearsTheLease() {
            enqueue("doc-1");
            Job claimed = claimOne("w-1", LEASE);

            Instant before = store.now();
            Job done = store.finish(claimed.lease(), JobOutcome.completed(RESULT));
            Instant after = store.now();

            assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(done.result()).isEqualTo(RESULT);
            assertThat(done.completedAt()).isBetween(before, after);
            assertThat(done.updatedAt()).isBetween(before, after);
            assertThat(done.leaseToken()).isNull();
            assertThat(done.leaseExpiresAt()).isNull();
            assertThat(done.attempts()).isEqualTo(1);
            assertThat(done.workerId()).as("the last owner").isEqualTo("w-1");
            assertThat(store.find(done.id())).contains(done);
            assertThat(store.events(done.id())).as("a completion is not an exceptional event").isEmpty();
        }

        @Test
        public void completingWithANullResultIsAllowed() {
            enqueue("doc-1");
            Job done = store.finish(claimOne("w-1").lease(), JobOutcome.completed(null));
            assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(done.result()).isNull();
        }

        @Test
        public void failingRecordsTheErrorAndAFailedEvent() {
            enqueue("doc-1");
            Job claimed = claimOne("w-1");

            Instant before = store.now();
            Job failed = store.finish(claimed.lease(), JobOutcome.failed("document does not exist"));
            Instant after = store.now();

            assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
            assertThat(failed.lastError()).isEqualTo("document does not exist");
            assertThat(failed.completedAt()).isBetween(before, after);
            assertThat(failed.leaseToken()).isNull();
            assertThat(failed.result()).isNull();
            assertThat(store.events(failed.id())).singleElement().satisfies(e -> {
                assertThat(e.jobId()).isEqualTo(failed.id());
                assertThat(e.type()).isEqualTo(JobEventType.FAILED);
                assertThat(e.workerId()).isEqualTo("w-1");
                assertThat(e.message()).isEqualTo("document does not exist");
                assertThat(e.at()).isBetween(before, after);
            });
        }

        @Test
        public void retryLaterMakesTheJobPendingAfterTheDelayWithTheAttemptSpent() {
            enqueue("doc-1");
            Job claimed = claimOne("w-1");
            Duration delay = Duration.ofSeconds(10);

            Instant before = store.now();
            Job retried = store.finish(claimed.lease(), JobOutcome.retryLater("registry timed out", delay));
            Instant after = store.now();

            assertThat(retried.status()).isEqualTo(JobStatus.PENDING);
            assertThat(retried.runAfter()).isBetween(before.plus(delay), after.plus(delay));
            assertThat(retried.attempts()).isEqualTo(1);
            assertThat(retried.lastError()).isEqualTo("registry timed out");
            assertThat(retried.leaseToken()).isNull();
            assertThat(retried.leaseExpiresAt()).isNull();
            assertThat(retried.workerId()).isNull();
            assertThat(retried.completedAt()).isNull();
            assertThat(store.events(retried.id())).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo(JobEventType.RETRY_SCHEDULED);
                assertThat(e.message()).isEqualTo("registry timed out");
                assertThat(e.workerId()).isEqualTo("w-1");
            });

            assertThat(store.claim("w-1", 1, LEASE)).as("not before the delay").isEmpty();
            advanceClock(delay.plusSeconds(1));
            Job again = claimOne("w-2");
            assertThat(again.id()).isEqualTo(retried.id());
            assertThat(again.attempts()).isEqualTo(2);
        }

        @Test
        public void releasingGivesTheAttemptBackAndMakesTheJobClaimableAtOnce() {
            enqueue("doc-1");
            Job claimed = claimOne("w-1");

            Instant before = store.now();
            Job released = store.finish(claimed.lease(), JobOutcome.released("worker shutting down"));
            Instant after = store.now();

            assertThat(released.status()).isEqualTo(JobStatus.PENDING);
            assertThat(released.attempts()).isZero();
            assertThat(released.runAfter()).isBetween(before, after);
            assertThat(released.lastError()).isEqualTo("worker shutting down");
            assertThat(released.leaseToken()).isNull();
            assertThat(released.leaseExpiresAt()).isNull();
            assertThat(store.events(released.id())).extracting(JobEvent::type).containsExactly(JobEventType.RELEASED);

            Job again = claimOne("w-2");
            assertThat(again.id()).isEqualTo(released.id());
            assertThat(again.attempts()).isEqualTo(1);
        }

        @Test
        public void anOutcomeRecordedAsAnotherEventRecordsThatEvent() {
            enqueue("doc-1");
            Job claimed = claimOne("w-1");

            store.finish(claimed.lease(), JobOutcome.failed("ran past 5m").recordedAs(JobEventType.TIMED_OUT));

            assertThat(store.events(claimed.id())).extracting(JobEvent::type, JobEvent::message)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(JobEventType.TIMED_OUT, "ran past 5m"));
        }

        @Test
        public void theOwnerCanStillFinishAfterItsLeaseExpiredAsLongAsNobodyResetTheJob() {
            enqueue("doc-1");
            Job claimed = claimOne("w-1");
            advanceClock(JUST_OVER_LEASE);

            Job done = completed(claimed);

            assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(store.findStale(LEASE_EXPIRED, 10)).isEmpty();
        }

        @Test
        public void finishWithAWrongTokenThrowsLeaseLostAndChangesNothing() {
            enqueue("doc-1");
            Job claimed = claimOne("w-1");
            JobLease forged = new JobLease(claimed.id(), "w-1", UUID.randomUUID());

            assertThatThrownBy(() -> store.finish(forged, JobOutcome.completed(RESULT)))
                    .isInstanceOf(LeaseLostException.class)
                    .satisfies(e -> assertThat(((LeaseLostException) e).jobId()).isEqualTo(claimed.id()));

            assertThat(job(claimed.id())).isEqualTo(claimed);
            assertThat(store.events(claimed.id())).isEmpty();
        }

        @Test
        public void aSecondFinishWithTheSameLeaseThrowsLeaseLostAndKeepsTheFirstResult() {
            enqueue("doc-1");
            Job claimed = claimOne("w-1");
            Job done = completed(claimed);

            assertThatThrownBy(() -> store.finish(claimed.lease(), JobOutcome.failed("late failure")))
                    .isInstanceOf(LeaseLostException.class);

            assertThat(job(claimed.id())).isEqualTo(done);
        }

        @Test
        public void finishOfAnUnknownJobThrowsLeaseLost() {
            JobLease lease = new JobLease(987_654_321L, "w-1", UUID.randomUUID());
            assertThatThrownBy(() -> store.finish(lease, JobOutcome.completed(RESULT)))
                    .isInstanceOf(LeaseLostException.class);
        }

        @Test
        public void afterAResetTheOldOwnersFinishIsRejectedEvenBeforeAnyoneReclaims() {
            enqueue("doc-1");
            Job claimed = claimOne("w-old");
            advanceClock(JUST_OVER_LEASE);
            StaleJob stale = store.findStale(LEASE_EXPIRED, 10).get(0);
            store.reset(stale, StaleDecision.requeue(Duration.ZERO), "monitor");

            assertThatThrownBy(() -> completed(claimed)).isInstanceOf(LeaseLostException.class);
            assertThat(job(claimed.id()).status()).isEqualTo(JobStatus.PENDING);
        }

        @Test
        public void afterAResetAndReclaimOnlyTheNewOwnerCanFinishOrRenew() {
            enqueue("doc-1");
            heartbeat("w-old");
            Job old = claimOne("w-old");
            advanceClock(JUST_OVER_LEASE);
            List<StaleJob> stale = store.findStale(LEASE_EXPIRED, 10);
            assertThat(stale).extracting(s -> s.job().id()).containsExactly(old.id());
            assertThat(store.reset(stale.get(0), StaleDecision.requeue(Duration.ZERO), "monitor")).isPresent();

            Job current = claimOne("w-new");
            assertThat(current.id()).isEqualTo(old.id());
            assertThat(current.attempts()).isEqualTo(2);
            assertThat(current.leaseToken()).isNotEqualTo(old.leaseToken());

            assertThatThrownBy(() -> store.finish(old.lease(), JobOutcome.completed("{\"stale\": true}")))
                    .isInstanceOf(LeaseLostException.class);
            assertThat(heartbeat("w-old", old.lease())).containsExactly(old.id());
            assertThat(job(current.id())).as("untouched by the old owner").isEqualTo(current);

            assertThat(heartbeat("w-new", current.lease())).isEmpty();
            Job done = store.finish(current.lease(), JobOutcome.completed(RESULT));
            assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(done.result()).isEqualTo(RESULT);
            assertThat(done.workerId()).isEqualTo("w-new");
        }
    }

    /** Heartbeats, lease renewal and the worker registry. */
    @Nested
    public class Heartbeat {
        @Test
        public void heartbeatRenewsHeldLeasesSoTheJobIsNotStaleBeforeTheNewExpiry() {
            heartbeat("w-1");
            enqueue("doc-1");
            Job claimed = claimOne("w-1");
            advanceClock(Duration.ofSeconds(20));

            Instant before = store.now();
            Set<Long> lost = heartbeat("w-1", claimed.lease());
            Instant after = store.now();

            assertThat(lost).isEmpty();
            Job renewed = job(claimed.id());
            assertThat(renewed.leaseExpiresAt()).isBetween(before.plus(LEASE), after.plus(LEASE));
            assertThat(renewed.leaseToken()).isEqualTo(claimed.leaseToken());
            assertThat(renewed.status()).isEqualTo(JobStatus.PROCESSING);

            advanceClock(Duration.ofSeconds(20)); // 40 s after the claim, 20 s after the renewal
            assertThat(store.findStale(LEASE_EXPIRED, 10)).isEmpty();

            advanceClock(Duration.ofSeconds(11));
            assertThat(store.findStale(LEASE_EXPIRED, 10)).extracting(s -> s.job().id()).containsExactly(claimed.id());
        }

        @Test
        public void heartbeatReportsTheLeasesItCouldNotRenew() {
            enqueue("held");
            enqueue("finished");
            Job held = claimOne("w-1");
            Job finished = claimOne("w-1");
            completed(finished);
            JobLease forged = new JobLease(held.id(), "w-1", UUID.randomUUID());
            JobLease unknown = new JobLease(987_654_321L, "w-1", UUID.randomUUID());

            Set<Long> lost = heartbeat("w-1", held.lease(), finished.lease(), unknown);
            assertThat(lost).containsExactlyInAnyOrder(finished.id(), unknown.jobId());

            assertThat(heartbeat("w-1", forged)).containsExactly(held.id());
            assertThat(job(held.id()).leaseToken()).isEqualTo(held.leaseToken());
            assertThat(job(finished.id()).status()).isEqualTo(JobStatus.COMPLETED);
        }

        @Test
        public void heartbeatRegistersTheWorkerWithItsFigures() {
            WorkerInfo info = new WorkerInfo("w-1", "host-9", 77, WorkerState.DEGRADED, Instant.EPOCH, null, 8, 3, 10, 2,
                    "extractor down: browser crashed");

            Instant before = store.now();
            store.heartbeat(new WorkerHeartbeat(info, List.of(), LEASE));
            Instant after = store.now();

            assertThat(store.workers()).singleElement().satisfies(w -> {
                assertThat(w.workerId()).isEqualTo("w-1");
                assertThat(w.host()).isEqualTo("host-9");
                assertThat(w.pid()).isEqualTo(77);
                assertThat(w.state()).isEqualTo(WorkerState.DEGRADED);
                assertThat(w.startedAt()).as("taken from the first heartbeat").isBetween(before, after);
                assertThat(w.lastHeartbeat()).isBetween(before, after);
                assertThat(w.concurrency()).isEqualTo(8);
                assertThat(w.inFlight()).isEqualTo(3);
                assertThat(w.jobsCompleted()).isEqualTo(10);
                assertThat(w.jobsFailed()).isEqualTo(2);
                assertThat(w.lastError()).isEqualTo("extractor down: browser crashed");
            });
        }

        @Test
        public void heartbeatStoresTheExtractorFiguresInOrderAndTheNextOneReplacesThem() {
            java.util.Map<String, Long> figures = new java.util.LinkedHashMap<>();
            figures.put("memory.limit.bytes", 4_294_967_296L);
            figures.put("memory.browser.0.bytes", 754_974_720L);
            figures.put("processes.defunct", 0L);
            figures.put("bad name!", 1L); // not a figure name: left out
            store.heartbeat(new WorkerHeartbeat(new WorkerInfo("w-1", "h", 1, WorkerState.RUNNING, Instant.EPOCH, null, 4,
                    0, 0, 0, null, figures), List.of(), LEASE));
            assertThat(store.workers()).singleElement().satisfies(w -> assertThat(w.extractorFigures())
                    .containsExactly(java.util.Map.entry("memory.limit.bytes", 4_294_967_296L),
                            java.util.Map.entry("memory.browser.0.bytes", 754_974_720L),
                            java.util.Map.entry("processes.defunct", 0L)));
            store.heartbeat(new WorkerHeartbeat(new WorkerInfo("w-1", "h", 1, WorkerState.RUNNING, Instant.EPOCH, null, 4,
                    0, 0, 0, null), List.of(), LEASE));
            assertThat(store.workers()).singleElement().satisfies(w -> assertThat(w.extractorFigures()).isEmpty());
        }

        @Test
        public void laterHeartbeatsUpdateTheSameWorkerRowAndKeepItsStart() {
            heartbeat("w-1");
            advanceClock(Duration.ofSeconds(5));
            WorkerInfo later = new WorkerInfo("w-1", "host-1", 4242, WorkerState.RUNNING, Instant.EPOCH, null, 4, 2, 7, 1,
                    null);

            Instant before = store.now();
            store.heartbeat(new WorkerHeartbeat(later, List.of(), LEASE));
            Instant after = store.now();

            assertThat(store.workers()).singleElement().satisfies(w -> {
                assertThat(w.lastHeartbeat()).isBetween(before, after);
                assertThat(Duration.between(w.startedAt(), w.lastHeartbeat())).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
                assertThat(w.inFlight()).isEqualTo(2);
                assertThat(w.jobsCompleted()).isEqualTo(7);
                assertThat(w.jobsFailed()).isEqualTo(1);
            });
        }

        @Test
        public void workersAreListedMostRecentHeartbeatFirst() {
            heartbeat("w-a");
            advanceClock(Duration.ofSeconds(1));
            heartbeat("w-b");
            assertThat(store.workers()).extracting(WorkerInfo::workerId).containsExactly("w-b", "w-a");

            advanceClock(Duration.ofSeconds(1));
            heartbeat("w-a");
            assertThat(store.workers()).extracting(WorkerInfo::workerId).containsExactly("w-a", "w-b");
        }

        @Test
        public void noWorkersAreListedBeforeAnyHeartbeat() {
            assertThat(store.workers()).isEmpty();
        }

        @Test
        public void markWorkerStoppedRecordsTheStoppedStateAndFinalFigures() {
            heartbeat("w-1");
            store.markWorkerStopped(new WorkerInfo("w-1", "host-1", 4242, WorkerState.STOPPING, Instant.EPOCH, null, 4, 0,
                    42, 3, null));

            assertThat(store.workers()).singleElement().satisfies(w -> {
                assertThat(w.state()).isEqualTo(WorkerState.STOPPED);
                assertThat(w.jobsCompleted()).isEqualTo(42);
                assertThat(w.jobsFailed()).isEqualTo(3);
                assertThat(w.inFlight()).isZero();
                assertThat(w.startedAt()).isNotNull();
            });
        }

        @Test
        public void forgetWorkerDeletesTheRowOfAWorkerThatHoldsNoJob() {
            heartbeat("w-gone");
            heartbeat("w-other");
            enqueue("1");
            Job done = completed(claimOne("w-gone"));
            assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);

            assertThat(store.forgetWorker("w-gone")).isTrue();

            assertThat(store.workers()).extracting(WorkerInfo::workerId).containsExactly("w-other");
            assertThat(store.forgetWorker("w-gone")).as("already forgotten").isFalse();
            assertThat(store.forgetWorker("never-seen")).isFalse();
            assertThat(job(done.id()).status()).as("its finished jobs are untouched").isEqualTo(JobStatus.COMPLETED);
        }

        @Test
        public void forgetWorkerRefusesWhileTheWorkerHoldsProcessingJobsAndKeepsTheRow() {
            enqueue("1");
            enqueue("2");
            Job held = claimOne("w-crashed");
            claimOne("w-crashed");
            heartbeat("w-crashed", held.lease());

            assertThatThrownBy(() -> store.forgetWorker("w-crashed")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("w-crashed").hasMessageContaining("holds 2 PROCESSING job(s)");

            assertThat(store.workers()).extracting(WorkerInfo::workerId).containsExactly("w-crashed");
            advanceClock(JUST_OVER_LEASE);
            for (StaleJob stale : store.findStale(LEASE_EXPIRED, 10)) {
                assertThat(store.reset(stale, StaleDecision.requeue(Duration.ZERO), "test")).isPresent();
            }
            assertThat(store.forgetWorker("w-crashed")).as("once its jobs are reset").isTrue();
            assertThat(store.workers()).isEmpty();
        }

        @Test
        public void aForgottenWorkerThatHeartbeatsAgainIsListedAgain() {
            heartbeat("w-back");
            assertThat(store.forgetWorker("w-back")).isTrue();

            heartbeat("w-back");

            assertThat(store.workers()).extracting(WorkerInfo::workerId).containsExactly("w-back");
        }

        @Test
        public void forgetWorkerNeedsAWorkerId() {
            assertThatThrownBy(() -> store.forgetWorker(null)).isInstanceOfAny(NullPointerException.class,
                    IllegalArgumentException.class).hasMessageContaining("workerId");
            assertThatThrownBy(() -> store.forgetWorker(" ")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("workerId");
        }
    }

    /** Which jobs are stale, and why. */
    @Nested
    public class Stale {
        @Test
        public void aJobIsStaleOnceItsLeaseExpiresAndTheReasonSaysSince() {
            heartbeat("w-1");
            enqueue("doc-1");
            Job claimed = claimOne("w-1");

            advanceClock(LEASE.minusSeconds(1));
            assertThat(store.findStale(LEASE_EXPIRED, 10)).isEmpty();

            advanceClock(Duration.ofSeconds(2));
            assertThat(store.findStale(LEASE_EXPIRED, 10)).singleElement().satisfies(s -> {
                assertThat(s.job()).isEqualTo(job(claimed.id()));
                assertThat(s.job().leaseToken()).isEqualTo(claimed.leaseToken());
                assertThat(s.reason()).containsPattern("lease expired \\d\\S* ago").contains("w-1");
            });
        }

        @Test
        public void aJobFinishedBeforeItsLeaseExpiredIsNeverStale() {
            heartbeat("w-1");
            enqueue("done");
            enqueue("retried");
            completed(claimOne("w-1"));
            store.finish(claimOne("w-1").lease(), JobOutcome.retryLater("busy", Duration.ofHours(1)));
            enqueue("pending");

            advanceClock(Duration.ofMinutes(10));

            assertThat(store.findStale(new StaleCriteria(true, Duration.ofSeconds(1), Duration.ofSeconds(1)), 10))
                    .isEmpty();
        }

        @Test
        public void aJobOfAStoppedWorkerIsStaleUnderTheLeaseCriterionAtOnce() {
            heartbeat("w-1");
            enqueue("doc-1");
            Job claimed = claimOne("w-1");
            store.markWorkerStopped(worker("w-1"));

            assertThat(store.findStale(LEASE_EXPIRED, 10)).singleElement().satisfies(s -> {
                assertThat(s.job().id()).isEqualTo(claimed.id());
                assertThat(s.reason()).contains("worker w-1 is STOPPED");
            });
        }

        @Test
        public void aJobIsStaleWhenItsOwnerIsSilentForLongerThanTheLimit() {
            StaleCriteria silent = new StaleCriteria(false, Duration.ofMinutes(1), null);
            heartbeat("w-1");
            heartbeat("w-2");
            enqueue("doc-1");
            enqueue("doc-2");
            Job quiet = claimOne("w-1", Duration.ofHours(1));
            Job chatty = claimOne("w-2", Duration.ofHours(1));

            advanceClock(Duration.ofSeconds(50));
            heartbeat("w-2", chatty.lease());
            assertThat(store.findStale(silent, 10)).isEmpty();

            advanceClock(Duration.ofSeconds(70));
            heartbeat("w-2", chatty.lease());
            assertThat(store.findStale(silent, 10)).singleElement().satisfies(s -> {
                assertThat(s.job().id()).isEqualTo(quiet.id());
                assertThat(s.reason()).contains("worker w-1 silent for 2m");
            });
        }

        @Test
        public void aJobIsStaleUnderTheSilenceCriterionWhenItsOwnerHasNoRowOrIsStopped() {
            StaleCriteria silent = new StaleCriteria(false, Duration.ofMinutes(1), null);
            heartbeat("w-stopped");
            enqueue("doc-1");
            enqueue("doc-2");
            Job ghost = claimOne("w-ghost", Duration.ofHours(1));
            advanceClock(Duration.ofSeconds(1));
            Job stopped = claimOne("w-stopped", Duration.ofHours(1));
            store.markWorkerStopped(worker("w-stopped"));

            List<StaleJob> stale = store.findStale(silent, 10);

            assertThat(stale).extracting(s -> s.job().id()).containsExactly(ghost.id(), stopped.id());
            assertThat(stale.get(0).reason()).contains("w-ghost");
            assertThat(stale.get(1).reason()).contains("worker w-stopped is STOPPED");
        }

        @Test
        public void aJobIsStaleWhenProcessingLongerThanTheLimitEvenWithALiveOwner() {
            StaleCriteria tooLong = new StaleCriteria(false, null, Duration.ofMinutes(5));
            heartbeat("w-1");
            enqueue("doc-1");
            Job claimed = claimOne("w-1", Duration.ofHours(1));

            advanceClock(Duration.ofMinutes(4));
            heartbeat("w-1", claimed.lease());
            assertThat(store.findStale(tooLong, 10)).isEmpty();

            advanceClock(Duration.ofMinutes(2));
            heartbeat("w-1", claimed.lease());
            assertThat(store.findStale(tooLong, 10)).singleElement().satisfies(s -> {
                assertThat(s.job().id()).isEqualTo(claimed.id());
                assertThat(s.reason()).contains("processing for 6m > 5m");
            });
            assertThat(store.findStale(LEASE_EXPIRED, 10)).as("its lease is fine").isEmpty();
        }

        @Test
        public void staleJobsComeOldestClaimFirstUpToTheLimit() {
            heartbeat("w-1");
            store.enqueueAll(List.of(NewJob.of(SOURCE, "1"), NewJob.of(SOURCE, "2"), NewJob.of(SOURCE, "3")));
            Job first = claimOne("w-1");
            advanceClock(Duration.ofSeconds(1));
            Job second = claimOne("w-1");
            advanceClock(Duration.ofSeconds(1));
            Job third = claimOne("w-1");
            advanceClock(JUST_OVER_LEASE);

            assertThat(store.findStale(LEASE_EXPIRED, 2)).extracting(s -> s.job().id())
                    .containsExactly(first.id(), second.id());
            assertThat(store.findStale(LEASE_EXPIRED, 10)).extracting(s -> s.job().id())
                    .containsExactly(first.id(), second.id(), third.id());
        }
    }

    /** Resetting stale jobs, fenced against their owners. */
    @Nested
    public class Reset {
        @Test
        public void resetRequeuesAStaleJobWithoutSpendingAnotherAttempt() {
            heartbeat("w-1");
            enqueue("doc-1");
            Job claimed = claimOne("w-1");
            advanceClock(JUST_OVER_LEASE);
            StaleJob stale = store.findStale(LEASE_EXPIRED, 10).get(0);
            Duration delay = Duration.ofSeconds(10);

            Instant before = store.now();
            Optional<Job> reset = store.reset(stale, StaleDecision.requeue(delay), "monitor-1");
            Instant after = store.now();

            assertThat(reset).hasValueSatisfying(j -> {
                assertThat(j.status()).isEqualTo(JobStatus.PENDING);
                assertThat(j.workerId()).isNull();
                assertThat(j.leaseToken()).isNull();
                assertThat(j.leaseExpiresAt()).isNull();
                assertThat(j.runAfter()).isBetween(before.plus(delay), after.plus(delay));
                assertThat(j.resetCount()).isEqualTo(1);
                assertThat(j.attempts()).isEqualTo(1);
                assertThat(j.completedAt()).isNull();
            });
            assertThat(store.find(claimed.id())).isEqualTo(reset);
            assertThat(store.events(claimed.id())).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo(JobEventType.RESET);
                assertThat(e.workerId()).isEqualTo("monitor-1");
                assertThat(e.message()).isEqualTo(stale.reason());
                assertThat(e.at()).isBetween(before, after);
            });

            assertThat(store.claim("w-2", 1, LEASE)).as("not before the delay").isEmpty();
            advanceClock(delay.plusSeconds(1));
            assertThat(claimOne("w-2").id()).isEqualTo(claimed.id());
        }

        @Test
        public void resetCanFailAStaleJobRecordingResetThenFailed() {
            enqueue("doc-1");
            Job claimed = claimOne("w-1");
            advanceClock(JUST_OVER_LEASE);
            StaleJob stale = store.findStale(LEASE_EXPIRED, 10).get(0);

            Instant before = store.now();
            Optional<Job> reset = store.reset(stale, StaleDecision.fail("abandoned 5 times"), "admin");
            Instant after = store.now();

            assertThat(reset).hasValueSatisfying(j -> {
                assertThat(j.status()).isEqualTo(JobStatus.FAILED);
                assertThat(j.lastError()).isEqualTo("abandoned 5 times");
                assertThat(j.completedAt()).isBetween(before, after);
                assertThat(j.resetCount()).isEqualTo(1);
                assertThat(j.leaseToken()).isNull();
            });
            assertThat(store.events(claimed.id())).extracting(JobEvent::type, JobEvent::message).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(JobEventType.RESET, stale.reason()),
                    org.assertj.core.groups.Tuple.tuple(JobEventType.FAILED, "abandoned 5 times"));
            assertThat(store.claim("w-2", 1, LEASE)).isEmpty();
        }

        @Test
        public void resetDoesNothingWhenTheOwnerFinishedFirst() {
            enqueue("doc-1");
            Job claimed = claimOne("w-1");
            advanceClock(JUST_OVER_LEASE);
            StaleJob stale = store.findStale(LEASE_EXPIRED, 10).get(0);
            Job done = completed(claimed);

            assertThat(store.reset(stale, StaleDecision.requeue(Duration.ZERO), "monitor")).isEmpty();
            assertThat(job(claimed.id())).isEqualTo(done);
            assertThat(store.events(claimed.id())).isEmpty();
        }

        @Test
        public void resetDoesNothingWhenTheJobWasReclaimedSinceItWasFound() {
            enqueue("doc-1");
            claimOne("w-1");
            advanceClock(JUST_OVER_LEASE);
            StaleJob stale = store.findStale(LEASE_EXPIRED, 10).get(0);
            assertThat(store.reset(stale, StaleDecision.requeue(Duration.ZERO), "monitor-a")).isPresent();
            Job reclaimed = claimOne("w-2");

            assertThat(store.reset(stale, StaleDecision.requeue(Duration.ZERO), "monitor-b")).isEmpty();
            assertThat(job(reclaimed.id())).isEqualTo(reclaimed);
            assertThat(job(reclaimed.id()).resetCount()).isEqualTo(1);
        }
    }

    /** The job event history. */
    @Nested
    public class Events {
        @Test
        public void recordEventStoresTheEventWithTheStoresTime() {
            Job job = enqueue("doc-1");

            Instant before = store.now();
            store.recordEvent(job.id(), JobEventType.LEASE_LOST, "w-1", "result discarded");
            Instant after = store.now();

            assertThat(store.events(job.id())).singleElement().satisfies(e -> {
                assertThat(e.jobId()).isEqualTo(job.id());
                assertThat(e.type()).isEqualTo(JobEventType.LEASE_LOST);
                assertThat(e.workerId()).isEqualTo("w-1");
                assertThat(e.message()).isEqualTo("result discarded");
                assertThat(e.at()).isBetween(before, after);
            });
            assertThat(job(job.id())).as("recording an event changes no job").isEqualTo(job);
        }

        @Test
        public void recordedEventsAreListedOldestFirst() {
            Job job = enqueue("doc-1");
            store.recordEvent(job.id(), JobEventType.LEASE_LOST, "w-1", "result discarded");
            advanceClock(Duration.ofSeconds(1));
            store.recordEvent(job.id(), JobEventType.TIMED_OUT, "w-2", "ran past 5m");
            advanceClock(Duration.ofSeconds(1));
            store.cancel(job.id(), "ops");

            List<JobEvent> events = store.events(job.id());
            assertThat(events).extracting(JobEvent::type)
                    .containsExactly(JobEventType.LEASE_LOST, JobEventType.TIMED_OUT, JobEventType.CANCELLED);
            assertThat(events.get(0)).satisfies(e -> {
                assertThat(e.jobId()).isEqualTo(job.id());
                assertThat(e.workerId()).isEqualTo("w-1");
                assertThat(e.message()).isEqualTo("result discarded");
            });
            assertThat(events.get(2).workerId()).isEqualTo("ops");
            assertThat(events).extracting(JobEvent::at).isSorted();
            assertThat(events.get(1).at()).isAfter(events.get(0).at());
        }

        @Test
        public void eventsOfAJobWithoutHistoryOrOfAnUnknownJobAreEmpty() {
            Job job = enqueue("doc-1");
            assertThat(store.events(job.id())).isEmpty();
            assertThat(store.events(987_654_321L)).isEmpty();
        }

        @Test
        public void eventsBelongToTheirJobOnly() {
            Job a = enqueue("a");
            Job b = enqueue("b");
            store.recordEvent(a.id(), JobEventType.LEASE_LOST, "w-1", "x");

            assertThat(store.events(a.id())).hasSize(1);
            assertThat(store.events(b.id())).isEmpty();
        }
    }

    /** Queue figures. */
    @Nested
    public class Stats {
        @Test
        public void statsOfAnEmptyStoreCountZeroForEveryStatus() {
            Instant before = store.now();
            QueueStats stats = store.stats();
            Instant after = store.now();

            for (JobStatus s : JobStatus.values()) {
                assertThat(stats.countsByStatus()).containsEntry(s, 0L);
            }
            assertThat(stats.oldestPendingAt()).isNull();
            assertThat(stats.completedLast5m()).isZero();
            assertThat(stats.failedLast60m()).isZero();
            assertThat(stats.now()).isBetween(before, after);
        }

        @Test
        public void statsCountJobsByStatus() {
            store.enqueueAll(IntStream.range(0, 9).mapToObj(i -> NewJob.of(SOURCE, "doc-" + i)).collect(Collectors.toList()));
            completed(claimOne("w-1"));
            completed(claimOne("w-1"));
            store.finish(claimOne("w-1").lease(), JobOutcome.failed("x"));
            claimOne("w-1");
            claimOne("w-1");
            claimOne("w-1");
            Job toCancel = enqueue("cancel-me");
            store.cancel(toCancel.id(), "ops");

            QueueStats stats = store.stats();
            assertThat(stats.countsByStatus()).containsOnly(
                    Map.entry(JobStatus.PENDING, 3L),
                    Map.entry(JobStatus.PROCESSING, 3L),
                    Map.entry(JobStatus.COMPLETED, 2L),
                    Map.entry(JobStatus.FAILED, 1L),
                    Map.entry(JobStatus.CANCELLED, 1L));
        }

        @Test
        public void statsGiveTheCreationOfTheOldestClaimablePendingJob() {
            store.enqueue(NewJob.builder(SOURCE, "future").runAfter(store.now().plus(Duration.ofHours(1))).build());
            advanceClock(Duration.ofSeconds(1));
            Job oldestClaimable = enqueue("due-1");
            advanceClock(Duration.ofSeconds(1));
            enqueue("due-2");

            assertThat(store.stats().oldestPendingAt()).isEqualTo(job(oldestClaimable.id()).createdAt());

            claimOne("w-1");
            claimOne("w-1");
            assertThat(store.stats().oldestPendingAt()).as("only the future job is left").isNull();
        }

        @Test
        public void statsCountJobsFinishedInTheLast5And60Minutes() {
            store.enqueueAll(IntStream.range(0, 6).mapToObj(i -> NewJob.of(SOURCE, "doc-" + i)).collect(Collectors.toList()));
            completed(claimOne("w-1"));
            completed(claimOne("w-1"));
            store.finish(claimOne("w-1").lease(), JobOutcome.failed("x"));

            QueueStats fresh = store.stats();
            assertThat(List.of(fresh.completedLast5m(), fresh.failedLast5m(), fresh.completedLast60m(),
                    fresh.failedLast60m())).containsExactly(2L, 1L, 2L, 1L);

            advanceClock(Duration.ofMinutes(6));
            completed(claimOne("w-1"));
            store.finish(claimOne("w-1").lease(), JobOutcome.failed("y"));
            store.finish(claimOne("w-1").lease(), JobOutcome.failed("z"));

            QueueStats later = store.stats();
            assertThat(List.of(later.completedLast5m(), later.failedLast5m(), later.completedLast60m(),
                    later.failedLast60m())).containsExactly(1L, 2L, 3L, 3L);
            assertThat(later.errorRateLast60m()).isEqualTo(0.5);

            advanceClock(Duration.ofMinutes(61));
            QueueStats old = store.stats();
            assertThat(List.of(old.completedLast5m(), old.failedLast5m(), old.completedLast60m(), old.failedLast60m()))
                    .containsExactly(0L, 0L, 0L, 0L);
            assertThat(old.count(JobStatus.COMPLETED)).isEqualTo(3);
        }
    }

    /** What operators do: cancel, retry, purge. */
    @Nested
    public class Admin {
        @Test
        public void cancelMakesAPendingJobCancelledAndUnclaimable() {
            Job job = enqueue("doc-1");

            Instant before = store.now();
            Job cancelled = store.cancel(job.id(), "ops");
            Instant after = store.now();

            assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
            assertThat(cancelled.completedAt()).isBetween(before, after);
            assertThat(store.find(job.id())).contains(cancelled);
            assertThat(store.events(job.id())).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo(JobEventType.CANCELLED);
                assertThat(e.workerId()).isEqualTo("ops");
            });
            assertThat(store.claim("w-1", 1, LEASE)).isEmpty();
        }

        @Test
        public void cancelOfAJobThatIsNotPendingThrowsIllegalStateNamingItsStatus() {
            enqueue("doc-1");
            Job processing = claimOne("w-1");
            enqueue("doc-2");
            Job done = completed(claimOne("w-1"));

            assertThatThrownBy(() -> store.cancel(processing.id(), "ops")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(String.valueOf(processing.id())).hasMessageContaining("PROCESSING");
            assertThatThrownBy(() -> store.cancel(done.id(), "ops")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(String.valueOf(done.id())).hasMessageContaining("COMPLETED");
            assertThat(job(processing.id())).isEqualTo(processing);
            assertThat(job(done.id())).isEqualTo(done);
        }

        @Test
        public void cancelOfAnUnknownJobThrowsJobNotFound() {
            assertThatThrownBy(() -> store.cancel(987_654_321L, "ops")).isInstanceOf(JobNotFoundException.class)
                    .satisfies(e -> assertThat(((JobNotFoundException) e).jobId()).isEqualTo(987_654_321L));
        }

        @Test
        public void retryMakesAFailedJobPendingWithNoAttemptsSpent() {
            enqueue("doc-1");
            Job failed = store.finish(claimOne("w-1").lease(), JobOutcome.failed("bad"));

            Instant before = store.now();
            Job retried = store.retry(failed.id(), "ops");
            Instant after = store.now();

            assertThat(retried.status()).isEqualTo(JobStatus.PENDING);
            assertThat(retried.attempts()).isZero();
            assertThat(retried.runAfter()).isBetween(before, after);
            assertThat(retried.completedAt()).isNull();
            assertThat(retried.leaseToken()).isNull();
            assertThat(store.find(failed.id())).contains(retried);
            assertThat(store.events(failed.id())).extracting(JobEvent::type)
                    .containsExactly(JobEventType.FAILED, JobEventType.RETRIED);
            assertThat(store.events(failed.id()).get(1).workerId()).isEqualTo("ops");

            Job again = claimOne("w-2");
            assertThat(again.id()).isEqualTo(failed.id());
            assertThat(again.attempts()).isEqualTo(1);
        }

        @Test
        public void retryMakesACancelledJobPending() {
            Job job = enqueue("doc-1");
            store.cancel(job.id(), "ops");

            Job retried = store.retry(job.id(), "ops");

            assertThat(retried.status()).isEqualTo(JobStatus.PENDING);
            assertThat(retried.completedAt()).isNull();
            assertThat(claimOne("w-1").id()).isEqualTo(job.id());
        }

        @Test
        public void retryOfAProcessingOrCompletedJobThrowsIllegalStateNamingItsStatus() {
            enqueue("doc-1");
            Job processing = claimOne("w-1");
            enqueue("doc-2");
            Job done = completed(claimOne("w-1"));

            assertThatThrownBy(() -> store.retry(processing.id(), "ops")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(String.valueOf(processing.id())).hasMessageContaining("PROCESSING");
            assertThatThrownBy(() -> store.retry(done.id(), "ops")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(String.valueOf(done.id())).hasMessageContaining("COMPLETED");
            assertThat(job(processing.id())).isEqualTo(processing);
            assertThat(job(done.id())).isEqualTo(done);
        }

        @Test
        public void retryOfAPendingJobThrowsIllegalState() {
            Job pending = enqueue("doc-1");
            assertThatThrownBy(() -> store.retry(pending.id(), "ops")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(String.valueOf(pending.id())).hasMessageContaining("PENDING");
        }

        @Test
        public void retryOfAnUnknownJobThrowsJobNotFound() {
            assertThatThrownBy(() -> store.retry(987_654_321L, "ops")).isInstanceOf(JobNotFoundException.class);
        }

        @Test
        public void retryAllFailedRetriesEveryFailedJobOfTheSourceOnly() {
            List<Job> jobs = store.enqueueAll(List.of(NewJob.of("src-a", "1"), NewJob.of("src-a", "2"),
                    NewJob.of("src-b", "3"), NewJob.of("src-a", "4")));
            List<Job> claimed = store.claim("w-1", 3, LEASE);
            assertThat(ids(claimed)).containsExactlyInAnyOrderElementsOf(ids(jobs.subList(0, 3)));
            for (Job j : claimed) {
                store.finish(j.lease(), JobOutcome.failed("bad"));
            }
            Job cancelled = store.cancel(jobs.get(3).id(), "ops");

            assertThat(store.retryAllFailed("src-a", "ops")).isEqualTo(2);
            for (Job j : claimed) {
                JobStatus expected = j.documentSource().equals("src-a") ? JobStatus.PENDING : JobStatus.FAILED;
                assertThat(job(j.id()).status()).as("job %s of %s", j.id(), j.documentSource()).isEqualTo(expected);
            }
            assertThat(job(cancelled.id()).status()).as("cancelled jobs are not failed jobs")
                    .isEqualTo(JobStatus.CANCELLED);
            assertThat(store.retryAllFailed("src-a", "ops")).isZero();
        }

        @Test
        public void retryAllFailedWithoutASourceRetriesEveryFailedJob() {
            store.enqueueAll(List.of(NewJob.of("src-a", "1"), NewJob.of("src-b", "2"), NewJob.of("src-c", "3")));
            List<Job> claimed = store.claim("w-1", 2, LEASE);
            for (Job j : claimed) {
                store.finish(j.lease(), JobOutcome.failed("bad"));
            }

            assertThat(store.retryAllFailed(null, "ops")).isEqualTo(2);

            assertThat(store.stats().count(JobStatus.FAILED)).isZero();
            assertThat(store.stats().count(JobStatus.PENDING)).isEqualTo(3);
            for (Job j : claimed) {
                assertThat(job(j.id()).attempts()).isZero();
                assertThat(store.events(j.id())).extracting(JobEvent::type).endsWith(JobEventType.RETRIED);
            }
        }

        @Test
        public void purgeDeletesOldFinishedJobsAndTheirEventsAndKeepsTheRest() {
            enqueue("completed");
            Job oldCompleted = completed(claimOne("w-1"));
            enqueue("failed");
            Job oldFailed = store.finish(claimOne("w-1").lease(), JobOutcome.failed("bad"));
            Job oldCancelled = store.cancel(enqueue("cancelled").id(), "ops");
            enqueue("processing");
            Job processing = claimOne("w-1");
            enqueue("completed-later");
            Job recent = claimOne("w-1");
            Job oldPending = enqueue("pending");
            store.recordEvent(oldCompleted.id(), JobEventType.LEASE_LOST, "w-9", "late");
            store.recordEvent(oldPending.id(), JobEventType.LEASE_LOST, "w-9", "late");

            advanceClock(Duration.ofHours(2));
            completed(recent);

            assertThat(store.purge(Duration.ofHours(1))).isEqualTo(3);

            for (Job gone : List.of(oldCompleted, oldFailed, oldCancelled)) {
                assertThat(store.find(gone.id())).as("job %s", gone.id()).isEmpty();
                assertThat(store.events(gone.id())).as("events of job %s", gone.id()).isEmpty();
            }
            assertThat(store.find(processing.id())).isPresent();
            assertThat(store.find(oldPending.id())).isPresent();
            assertThat(store.find(recent.id())).isPresent();
            assertThat(store.events(oldPending.id())).isNotEmpty();
            assertThat(store.stats().count(JobStatus.COMPLETED)).isEqualTo(1);
            assertThat(store.purge(Duration.ofHours(1))).isZero();
        }

        @Test
        public void purgeRemovesWorkersSilentForLongerThanTheRetentionThatHoldNoJob() {
            store.enqueue(NewJob.of("s", "held"));
            store.heartbeat(WorkerHeartbeat.of("gone", List.of(), Duration.ofSeconds(30)));
            Job held = store.claim("holder", 1, Duration.ofSeconds(30)).get(0);
            store.heartbeat(WorkerHeartbeat.of("holder", List.of(held.lease()), Duration.ofSeconds(30)));
            advanceClock(Duration.ofDays(2));
            store.heartbeat(WorkerHeartbeat.of("fresh", List.of(), Duration.ofSeconds(30)));

            store.purge(Duration.ofDays(1));

            assertThat(store.workers()).extracting(WorkerInfo::workerId).containsExactlyInAnyOrder("holder", "fresh");
        }
    }

    /** The store's clock and enqueue notifications. */
    @Nested
    public class ClockAndNotifications {
        @Test
        public void nowNeverGoesBackwards() {
            Instant first = store.now();
            Instant second = store.now();
            assertThat(first).isNotNull();
            assertThat(second).isAfterOrEqualTo(first);
        }

        @Test
        public void aSubscriberIsToldWhenAJobIsEnqueued() throws InterruptedException {
            assumeThat(supportsNotifications()).as("store delivers notifications").isTrue();
            CountDownLatch told = new CountDownLatch(1);
            try (JobStore.Subscription subscription = store.subscribe(told::countDown)) {
                enqueue("doc-1");
                assertThat(told.await(5, TimeUnit.SECONDS)).as("notified within 5 s").isTrue();
            }
        }

        @Test
        public void closingASubscriptionDoesNotThrowEvenTwice() {
            JobStore.Subscription subscription = store.subscribe(() -> { });
            subscription.close();
            subscription.close();
            enqueue("doc-1");
        }
    }

    /** Edges of the documented ranges and hostile input. */
    @Nested
    public class HostileInput {
        @Test
        public void runAfterAtTheEndsOfTheDocumentedRangeIsKeptToTheMicrosecond() {
            Instant first = NewJob.MIN_RUN_AFTER;
            Instant last = NewJob.MAX_RUN_AFTER;
            Instant withNanos = Instant.parse("2030-06-01T12:00:00.123456789Z");
            List<Job> jobs = store.enqueueAll(List.of(NewJob.builder(SOURCE, "first").runAfter(first).build(),
                    NewJob.builder(SOURCE, "last").runAfter(last).build(),
                    NewJob.builder(SOURCE, "nanos").runAfter(withNanos).build()));
            assertThat(jobs.get(0).runAfter()).isEqualTo(first);
            assertThat(jobs.get(1).runAfter()).isEqualTo(last);
            assertThat(jobs.get(2).runAfter()).as("truncated to microseconds by both stores")
                    .isEqualTo(Instant.parse("2030-06-01T12:00:00.123456Z"));
            assertThat(job(jobs.get(1).id()).runAfter()).isEqualTo(last);
            assertThat(claimOne("w-1").id()).as("a run-after in the past is claimable").isEqualTo(jobs.get(0).id());
        }

        @Test
        public void aResultHoldingAnEscapedNulIsStoredWithTheNulReplacedByU_FFFD() {
            enqueue("doc-1");
            Job claimed = claimOne("w-1");
            Job done = store.finish(claimed.lease(), JobOutcome.completed(
                    "{\"uri\": \"file:///data/1.pdf\", \"contentType\": \"text/html\\u0000\\u001b[0m\"}"));
            assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(done.result()).isEqualTo("{\"uri\": \"file:///data/1.pdf\", \"contentType\": \"text/html\ufffd\\u001b[0m\"}");
            assertThat(job(done.id()).result()).isEqualTo(done.result());
        }

        @Test
        public void aResultThatIsNotStorableJsonIsRejectedAndChangesNothing() {
            enqueue("doc-1");
            Job claimed = claimOne("w-1");
            for (String bad : List.of("{\"a\": 1", "{\"a\": 1, \"a\": 2}", "[" + "1e60000, ".repeat(20) + "1]")) {
                assertThatThrownBy(() -> store.finish(claimed.lease(), JobOutcome.completed(bad)))
                        .as(bad.length() > 40 ? bad.substring(0, 40) : bad)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("result of job " + claimed.id());
            }
            assertThat(job(claimed.id()).status()).isEqualTo(JobStatus.PROCESSING);
            assertThat(store.finish(claimed.lease(), JobOutcome.completed(RESULT)).status()).isEqualTo(JobStatus.COMPLETED);
        }

        @Test
        public void errorTextsWithNulAndControlCharactersAreStoredCleanedInEveryFinishingWrite() {
            String dirty = "bad\u0000byte\u001b[31m red\r\nnext line\ttab \ud800 lone";
            String clean = "bad\ufffdbyte\ufffd[31m red\nnext line\ttab \ufffd lone";
            store.enqueueAll(List.of(NewJob.of(SOURCE, "1"), NewJob.of(SOURCE, "2"), NewJob.of(SOURCE, "3")));
            List<Job> claimed = store.claim("w-1", 3, LEASE);
            Job failed = store.finish(claimed.get(0).lease(), JobOutcome.failed(dirty));
            Job retry = store.finish(claimed.get(1).lease(), JobOutcome.retryLater(dirty, Duration.ZERO));
            Job released = store.finish(claimed.get(2).lease(), JobOutcome.released(dirty));
            for (Job j : List.of(failed, retry, released)) {
                assertThat(j.lastError()).as("job %s", j.documentNumber()).isEqualTo(clean);
                assertThat(job(j.id()).lastError()).isEqualTo(clean);
                assertThat(store.events(j.id())).singleElement().satisfies(e -> assertThat(e.message()).isEqualTo(clean));
            }
            store.recordEvent(failed.id(), JobEventType.LEASE_LOST, "w-1", dirty);
            assertThat(store.events(failed.id())).last().satisfies(e -> assertThat(e.message()).isEqualTo(clean));
            store.heartbeat(new WorkerHeartbeat(new WorkerInfo("w-1", "host-1", 1, WorkerState.RUNNING, Instant.EPOCH,
                    null, 1, 0, 0, 0, dirty), List.of(), LEASE));
            assertThat(store.workers()).singleElement().satisfies(w -> assertThat(w.lastError()).isEqualTo(clean));
        }
    }

    private static List<String> reasons(List<StaleJob> stale) {
        return stale.stream().map(StaleJob::reason).collect(Collectors.toList());
    }

    /** The words every store uses (queue-core internal StoreChecks and StaleReasons): they cannot drift. */
    @Nested
    public class Words {

        
        @Test
        public void invalidTransitionsThrowJobStateExceptionWithTheJobItsStatusAndTheSameWords() {
            Job pending = enqueue("doc-1");
            Job processing = claimOne("w-1");
            assertThat(processing.id()).isEqualTo(pending.id());
            Job other = enqueue("doc-2");

            assertThatThrownBy(() -> store.cancel(processing.id(), "ops")).isInstanceOfSatisfying(JobStateException.class,
                    e -> {
                        assertThat(e.jobId()).isEqualTo(processing.id());
                        assertThat(e.status()).isEqualTo(JobStatus.PROCESSING);
                        assertThat(e).hasMessage("job " + processing.id()
                                + " is PROCESSING: only a PENDING job can be cancelled");
                    });
            assertThatThrownBy(() -> store.retry(other.id(), "ops")).isInstanceOfSatisfying(JobStateException.class,
                    e -> {
                        assertThat(e.jobId()).isEqualTo(other.id());
                        assertThat(e.status()).isEqualTo(JobStatus.PENDING);
                        assertThat(e).hasMessage("job " + other.id()
                                + " is PENDING: only a FAILED or CANCELLED job can be retried");
                    });
        }

        @Test
        public void retryOfAFailedJobWhoseKeyALiveJobHoldsThrowsJobStateExceptionAndChangesNothing() {
            store.enqueue(NewJob.builder(SOURCE, "doc-1").idempotencyKey("k-1").build());
            Job failed = store.finish(claimOne("w-1").lease(), JobOutcome.failed("bad"));
            Job holder = store.enqueue(NewJob.builder(SOURCE, "doc-1").idempotencyKey("k-1").build());
            assertThat(holder.id()).isNotEqualTo(failed.id());

            assertThatThrownBy(() -> store.retry(failed.id(), "ops")).isInstanceOfSatisfying(JobStateException.class,
                    e -> {
                        assertThat(e.jobId()).isEqualTo(failed.id());
                        assertThat(e.status()).isEqualTo(JobStatus.FAILED);
                        assertThat(e).hasMessage("job " + failed.id() + " is FAILED and cannot be retried: job "
                                + holder.id() + " has the same idempotency key 'k-1' and is PENDING or PROCESSING");
                    });
            assertThat(job(failed.id())).isEqualTo(failed);
            assertThat(job(holder.id())).isEqualTo(holder);
        }

        @Test
        public void badArgumentsAreRefusedWithTheSameWordsByEveryStore() {
            Job job = enqueue("doc-1");
            assertThatThrownBy(() -> store.claim(null, 1, LEASE)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("workerId must not be blank but was null");
            assertThatThrownBy(() -> store.claim(" ", 1, LEASE)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("workerId must not be blank but was ' '");
            assertThatThrownBy(() -> store.claim("w-1", 0, LEASE)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("limit must be 1-100000 but was 0");
            assertThatThrownBy(() -> store.claim("w-1", 100_001, LEASE)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("limit must be 1-100000 but was 100001");
            assertThatThrownBy(() -> store.claim("w-1", 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("lease must be at least 1ms but was PT0S");
            assertThatThrownBy(() -> store.claim("w-1", 1, null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("lease must be at least 1ms but was null");
            assertThatThrownBy(() -> store.heartbeat(new WorkerHeartbeat(worker("w-1"), List.of(), Duration.ofMillis(-1))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("lease must be at least 1ms but was PT-0.001S");
            assertThatThrownBy(() -> store.findStale(LEASE_EXPIRED, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("limit must be 1-100000 but was 0");
            assertThatThrownBy(() -> store.purge(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("olderThan must be >= 0 but was PT-1S");
            assertThatThrownBy(() -> store.cancel(job.id(), " ")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("actor must not be blank but was ' '");
            assertThatThrownBy(() -> store.retry(job.id(), null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("actor must not be blank but was null");
            assertThatThrownBy(() -> store.retryAllFailed(null, "")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("actor must not be blank but was ''");
            assertThatThrownBy(() -> store.forgetWorker(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("workerId must not be blank but was null");
            assertThatThrownBy(() -> store.enqueueAll(Arrays.asList(NewJob.of(SOURCE, "x"), null)))
                    .isInstanceOf(NullPointerException.class).hasMessage("jobs[1] must not be null");
            assertThat(job(job.id())).isEqualTo(job);
            assertThat(store.claim("w-1", 1, Duration.ofMillis(1))).as("1ms is a lease").hasSize(1);
        }

        @Test
        public void staleReasonsAreWordedAlikeByEveryStore() {
            // durations are compared with Worded's slack: a database clock runs on between the steps
            StaleCriteria everything = new StaleCriteria(true, Duration.ofMinutes(1), Duration.ofMinutes(5));
            heartbeat("w-1");
            heartbeat("w-stopped");
            store.enqueueAll(List.of(NewJob.of(SOURCE, "1"), NewJob.of(SOURCE, "2"), NewJob.of(SOURCE, "3")));
            Job expired = claimOne("w-1");
            advanceClock(Duration.ofSeconds(1));
            Job ghost = claimOne("w-ghost", Duration.ofHours(1));
            advanceClock(Duration.ofSeconds(1));
            Job stopped = claimOne("w-stopped", Duration.ofHours(1));
            store.markWorkerStopped(worker("w-stopped"));

            advanceClock(LEASE.plusSeconds(88)); // expired's lease ran out 1m30s ago; w-1 silent for 2m00s
            Worded.assertWordedAlike(reasons(store.findStale(LEASE_EXPIRED, 10)), List.of(
                    "lease expired 1m30s ago (worker w-1)", "worker w-stopped is STOPPED"));
            Worded.assertWordedAlike(reasons(store.findStale(new StaleCriteria(false, Duration.ofMinutes(1), null), 10)),
                    List.of("worker w-1 silent for 2m > 1m", "worker w-ghost has no worker row",
                            "worker w-stopped is STOPPED"));

            advanceClock(Duration.ofMinutes(4)); // expired processing for 6m00s
            List<StaleJob> all = store.findStale(everything, 10);
            assertThat(all).extracting(s -> s.job().id()).containsExactly(expired.id(), ghost.id(), stopped.id());
            Worded.assertWordedAlike(reasons(all), List.of(
                    "lease expired 5m30s ago (worker w-1); worker w-1 silent for 6m > 1m; processing for 6m > 5m (worker w-1)",
                    "worker w-ghost has no worker row; processing for 5m59s > 5m (worker w-ghost)",
                    "worker w-stopped is STOPPED; processing for 5m58s > 5m (worker w-stopped)"));
        }
    }

    /** Progress carried by heartbeats, and the events of purgeable jobs (failure snapshots). */
    @Nested
    public class Progress {
        private Set<Long> beat(String workerId, List<JobLease> leases, dev.docket.queue.JobProgress... progress) {
            return store.heartbeat(new WorkerHeartbeat(worker(workerId), leases, LEASE, List.of(progress)));
        }

        private dev.docket.queue.JobProgress report(Job j, String step, double fraction) {
            return new dev.docket.queue.JobProgress(j.id(), j.attempts(), j.workerId(), step, fraction, null);
        }

        @Test
        void theLatestProgressOfAHeldJobIsKeptWithTheStoresTime() {
            Job a = enqueue("1");
            Job b = enqueue("2");
            Job claimedA = claimOne("w-1");
            Job claimedB = claimOne("w-1");
            assertThat(store.progress(List.of(a.id(), b.id()))).isEmpty();
            beat("w-1", List.of(claimedA.lease(), claimedB.lease()), report(claimedA, "open", 0.1));
            advanceClock(Duration.ofSeconds(5));
            Instant second = store.now();
            beat("w-1", List.of(claimedA.lease(), claimedB.lease()), report(claimedA, "download", 0.75));
            Instant after = store.now();

            assertThat(store.progress(List.of(a.id(), b.id()))).singleElement().satisfies(p -> {
                assertThat(p.jobId()).isEqualTo(a.id());
                assertThat(p.step()).isEqualTo("download");
                assertThat(p.fraction()).isEqualTo(0.75);
                assertThat(p.attempt()).isEqualTo(1);
                assertThat(p.workerId()).isEqualTo("w-1");
                assertThat(p.updatedAt()).isBetween(second, after);
            });
        }

        @Test
        void progressOfALeaseNoLongerHeldIsIgnoredAndTheJobsProgressGoesWithItsPurge() {
            enqueue("1");
            Job claimed = claimOne("w-1");
            beat("w-1", List.of(claimed.lease()), report(claimed, "search", 0.5));
            completed(claimed);
            // a late heartbeat of the finished attempt changes nothing
            assertThat(beat("w-1", List.of(claimed.lease()), report(claimed, "late", 1.0))).containsExactly(claimed.id());
            assertThat(store.progress(List.of(claimed.id()))).extracting(dev.docket.queue.JobProgress::step)
                    .containsExactly("search");

            advanceClock(Duration.ofHours(2));
            assertThat(store.purge(Duration.ofHours(1))).isEqualTo(1);
            assertThat(store.progress(List.of(claimed.id()))).isEmpty();
        }

        @Test
        void eventsOfPurgeableListOnlyJobsThatPurgeWouldDelete() {
            enqueue("old");
            Job old = claimOne("w-1");
            store.recordEvent(old.id(), JobEventType.SNAPSHOT_SAVED, "w-1", "failure snapshot of attempt 1 (TRANSIENT): x");
            store.finish(old.lease(), JobOutcome.failed("bad"));
            enqueue("running");
            Job running = claimOne("w-1");
            store.recordEvent(running.id(), JobEventType.SNAPSHOT_SAVED, "w-1", "failure snapshot of attempt 1 (TRANSIENT): y");
            advanceClock(Duration.ofHours(2));

            assertThat(store.eventsOfPurgeable(Duration.ofHours(1), JobEventType.SNAPSHOT_SAVED, 100))
                    .extracting(JobEvent::jobId, JobEvent::message)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(old.id(), "failure snapshot of attempt 1 (TRANSIENT): x"));
            assertThat(store.eventsOfPurgeable(Duration.ofHours(3), JobEventType.SNAPSHOT_SAVED, 100)).isEmpty();
        }
    }
}
