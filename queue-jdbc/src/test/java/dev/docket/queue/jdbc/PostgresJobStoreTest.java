package dev.docket.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.spi.JobLease;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.JobStatus;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.LeaseLostException;
import dev.docket.queue.NewJob;
import dev.docket.queue.ResetReport;
import dev.docket.queue.StaleCriteria;
import dev.docket.queue.StaleJob;
import dev.docket.queue.StaleJobMonitor;
import dev.docket.queue.StaleJobPolicy;
import dev.docket.queue.StoreException;
import dev.docket.queue.spi.WorkerHeartbeat;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import dev.docket.queue.internal.DefaultQueueAdmin;
import dev.docket.queue.testing.Await;
import dev.docket.testing.DocketPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What {@link PostgresJobStore} does beyond the contract suite: SQL specifics, batching, wake-ups. */
class PostgresJobStoreTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.migrated();
    private final List<PostgresJobStore> stores = new ArrayList<>();
    private PostgresJobStore store;

    @BeforeEach
    void openStore() {
        db.truncate();
        store = newStore(PostgresJobStore.builder(db.dataSource()));
    }

    @AfterEach
    void closeStores() {
        stores.forEach(PostgresJobStore::close);
    }

    private PostgresJobStore newStore(PostgresJobStore.Builder builder) {
        PostgresJobStore s = builder.schema(db.schema()).build();
        stores.add(s);
        return s;
    }

    // ------------------------------------------------------------------ data is data

    @Test
    void sqlInJobFieldsIsStoredAsPlainText() {
        String source = "rcs'); DROP TABLE extraction_queue; --";
        String number = "42\" OR 1=1; DELETE FROM worker_status; \\x00' || pg_sleep(10) --";
        String key = "' OR '1'='1";
        String payload = "{\"q\": \"'; DROP SCHEMA " + db.schema() + " CASCADE; --\"}";
        Job other = store.enqueue(NewJob.builder("rcs", "other").idempotencyKey("plain-key").build());

        Job job = store.enqueue(NewJob.builder(source, number).payload(payload).idempotencyKey(key).build());

        assertThat(job.id()).isNotEqualTo(other.id());
        Job found = store.find(job.id()).orElseThrow();
        assertThat(found.documentSource()).isEqualTo(source);
        assertThat(found.documentNumber()).isEqualTo(number);
        assertThat(found.idempotencyKey()).isEqualTo(key);
        assertThat(found.payload()).isEqualTo(payload);

        String worker = "w'; UPDATE extraction_queue SET status_id = 3; --";
        Job claimed = store.claim(worker, 10, LEASE).stream().filter(j -> j.id() == job.id()).findFirst().orElseThrow();
        assertThat(claimed.workerId()).isEqualTo(worker);
        String error = "registry said: '); TRUNCATE extraction_queue; --";
        Job failed = store.finish(claimed.lease(), JobOutcome.failed(error));
        assertThat(failed.lastError()).isEqualTo(error);
        assertThat(store.events(job.id())).singleElement().satisfies(e -> {
            assertThat(e.workerId()).isEqualTo(worker);
            assertThat(e.message()).isEqualTo(error);
        });
        assertThat(store.retryAllFailed(source, "ops'--")).isEqualTo(1);
        assertThat(store.find(other.id())).hasValueSatisfying(j -> assertThat(j.status()).isNotEqualTo(JobStatus.COMPLETED));
        assertThat(store.stats().count(JobStatus.PENDING) + store.stats().count(JobStatus.PROCESSING)).isEqualTo(2);
    }

    @Test
    void payloadsAreStoredAsJsonbAndComeBackInCanonicalForm() {
        Job job = store.enqueue(NewJob.builder("rcs", "1").payload("{ \"b\":1,\n \"a\" : [1,2] }").build());
        assertThat(job.payload()).isEqualTo("{\"a\": [1, 2], \"b\": 1}");
    }

    @Test
    void everyTimestampIsTheDatabaseClock() {
        Instant before = store.now();
        Job job = store.enqueue(NewJob.of("rcs", "1"));
        Job claimed = store.claim("w-1", 1, LEASE).get(0);
        Instant after = store.now();
        assertThat(List.of(job.createdAt(), job.updatedAt(), job.runAfter(), claimed.processingStartedAt()))
                .allSatisfy(t -> assertThat(t).isBetween(before, after));
        assertThat(claimed.leaseExpiresAt()).isBetween(before.plus(LEASE), after.plus(LEASE));
    }

    // ------------------------------------------------------------------ claim

    @Test
    void claimersOnSeparateConnectionPoolsNeverShareAJob() throws Exception {
        int jobCount = 600;
        store.enqueueAll(IntStream.range(0, jobCount).mapToObj(i -> NewJob.builder("rcs", "doc-" + i).priority(i % 4)
                .build()).collect(Collectors.toList()));
        int processes = 4;
        int threadsPerProcess = 3;
        ExecutorService pool = Executors.newFixedThreadPool(processes * threadsPerProcess);
        CountDownLatch start = new CountDownLatch(1);
        Map<Long, String> owner = new ConcurrentHashMap<>();
        AtomicInteger doubleClaims = new AtomicInteger();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int p = 0; p < processes; p++) {
                HikariDataSource ds = db.newDataSource(db.jdbcUrl(), threadsPerProcess, Duration.ofSeconds(10));
                PostgresJobStore processStore = newStore(PostgresJobStore.builder(ds).notifications(false));
                for (int t = 0; t < threadsPerProcess; t++) {
                    String workerId = "p" + p + "-t" + t;
                    Random random = new Random(p * 31L + t);
                    running.add(pool.submit(() -> {
                        start.await();
                        while (true) {
                            List<Job> got = processStore.claim(workerId, 1 + random.nextInt(7), LEASE);
                            if (got.isEmpty()) {
                                return null;
                            }
                            for (Job j : got) {
                                if (owner.putIfAbsent(j.id(), workerId) != null) {
                                    doubleClaims.incrementAndGet();
                                }
                                if (random.nextBoolean()) { // finishing concurrently with other claims
                                    processStore.finish(j.lease(), JobOutcome.completed(null));
                                }
                            }
                        }
                    }));
                }
            }
            start.countDown();
            for (Future<?> f : running) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(doubleClaims).hasValue(0);
        assertThat(owner).hasSize(jobCount);
        assertThat(store.stats().count(JobStatus.PENDING)).isZero();
        for (Map.Entry<Long, String> e : owner.entrySet()) {
            Job j = store.find(e.getKey()).orElseThrow();
            assertThat(j.workerId()).isEqualTo(e.getValue());
            assertThat(j.attempts()).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------ the finish batch

    @Test
    void aRejectedRowInABatchFailsOnlyItsCallerAndTheOthersAreWritten() throws Exception {
        PostgresJobStore batching = newStore(PostgresJobStore.builder(db.dataSource())
                .finishBatchWindow(Duration.ofSeconds(1)).finishBatchSize(5));
        store.enqueueAll(IntStream.range(0, 5).mapToObj(i -> NewJob.of("rcs", "doc-" + i)).collect(Collectors.toList()));
        List<Job> claimed = batching.claim("w-1", 5, LEASE);
        assertThat(claimed).hasSize(5);
        Job victim = claimed.get(2);
        List<JobLease> leases = new ArrayList<>();
        for (Job j : claimed) {
            leases.add(j == victim ? new JobLease(j.id(), "w-1", UUID.randomUUID()) : j.lease());
        }
        long batchesBefore = batching.finishBatchesWritten();

        List<Future<Job>> results = finishConcurrently(batching, leases, JobOutcome.completed("{\"ok\": true}"));

        for (int i = 0; i < 5; i++) {
            Job j = claimed.get(i);
            if (j == victim) {
                assertThatThrownBy(() -> results.get(2).get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(LeaseLostException.class)
                        .satisfies(e -> {
                            LeaseLostException lost = (LeaseLostException) e.getCause();
                            assertThat(lost.jobId()).isEqualTo(victim.id());
                            assertThat(lost.getMessage()).contains("PROCESSING under another lease");
                        });
            } else {
                Job done = results.get(i).get(30, TimeUnit.SECONDS);
                assertThat(done.id()).isEqualTo(j.id());
                assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
                assertThat(done.result()).isEqualTo("{\"ok\": true}");
            }
        }
        assertThat(batching.finishBatchesWritten() - batchesBefore).as("all five in one statement").isEqualTo(1);
        assertThat(store.find(victim.id())).contains(victim);
        assertThat(store.stats().count(JobStatus.COMPLETED)).isEqualTo(4);
    }

    @Test
    void aBatchAppliesEachOutcomeWithItsOwnEvent() throws Exception {
        PostgresJobStore batching = newStore(PostgresJobStore.builder(db.dataSource())
                .finishBatchWindow(Duration.ofSeconds(1)).finishBatchSize(4));
        store.enqueueAll(IntStream.range(0, 4).mapToObj(i -> NewJob.of("rcs", "doc-" + i)).collect(Collectors.toList()));
        List<Job> c = batching.claim("w-1", 4, LEASE);
        List<JobOutcome> outcomes = List.of(JobOutcome.completed(null), JobOutcome.failed("gone"),
                JobOutcome.retryLater("slow", Duration.ofMinutes(1)), JobOutcome.released("shutdown"));
        long batchesBefore = batching.finishBatchesWritten();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Job>> results = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int i = 0; i < 4; i++) {
                JobLease lease = c.get(i).lease();
                JobOutcome outcome = outcomes.get(i);
                results.add(pool.submit(() -> {
                    start.await();
                    return batching.finish(lease, outcome);
                }));
            }
            start.countDown();
            assertThat(results.get(0).get(30, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(results.get(1).get(30, TimeUnit.SECONDS)).satisfies(j -> {
                assertThat(j.status()).isEqualTo(JobStatus.FAILED);
                assertThat(j.lastError()).isEqualTo("gone");
            });
            assertThat(results.get(2).get(30, TimeUnit.SECONDS)).satisfies(j -> {
                assertThat(j.status()).isEqualTo(JobStatus.PENDING);
                assertThat(j.attempts()).isEqualTo(1);
                assertThat(j.runAfter()).isAfter(j.updatedAt().plusSeconds(59));
            });
            assertThat(results.get(3).get(30, TimeUnit.SECONDS)).satisfies(j -> {
                assertThat(j.status()).isEqualTo(JobStatus.PENDING);
                assertThat(j.attempts()).isZero();
            });
        } finally {
            pool.shutdownNow();
        }
        assertThat(batching.finishBatchesWritten() - batchesBefore).isEqualTo(1);
        assertThat(store.events(c.get(0).id())).isEmpty();
        assertThat(store.events(c.get(1).id())).extracting(JobEvent::type).containsExactly(JobEventType.FAILED);
        assertThat(store.events(c.get(2).id())).extracting(JobEvent::type).containsExactly(JobEventType.RETRY_SCHEDULED);
        assertThat(store.events(c.get(3).id())).extracting(JobEvent::type).containsExactly(JobEventType.RELEASED);
    }

    @Test
    void twoWritesForOneJobNeverShareABatchSoTheSecondLosesTheLease() throws Exception {
        PostgresJobStore batching = newStore(PostgresJobStore.builder(db.dataSource())
                .finishBatchWindow(Duration.ofMillis(200)).finishBatchSize(2));
        store.enqueue(NewJob.of("rcs", "doc-1"));
        Job claimed = batching.claim("w-1", 1, LEASE).get(0);

        List<Future<Job>> results = finishConcurrently(batching, List.of(claimed.lease(), claimed.lease()),
                JobOutcome.completed(null));

        int ok = 0;
        int lost = 0;
        for (Future<Job> f : results) {
            try {
                assertThat(f.get(30, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.COMPLETED);
                ok++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(LeaseLostException.class).hasMessageContaining("COMPLETED now");
                lost++;
            }
        }
        assertThat(ok).isEqualTo(1);
        assertThat(lost).isEqualTo(1);
    }

    @Test
    void aWriteTheDatabaseRefusesFailsOnlyItsCallerNotItsBatch() throws Exception {
        PostgresJobStore batching = newStore(PostgresJobStore.builder(db.dataSource())
                .finishBatchWindow(Duration.ofSeconds(1)).finishBatchSize(3));
        store.enqueueAll(IntStream.range(0, 3).mapToObj(i -> NewJob.of("rcs", "doc-" + i)).collect(Collectors.toList()));
        List<Job> c = batching.claim("w-1", 3, LEASE);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Job>> results = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                JobLease lease = c.get(i).lease();
                // an interval PostgreSQL cannot represent: the statement is refused
                JobOutcome outcome = i == 1 ? JobOutcome.retryLater("slow", Duration.ofDays(100_000_000_000L))
                        : JobOutcome.completed(null);
                results.add(pool.submit(() -> {
                    start.await();
                    return batching.finish(lease, outcome);
                }));
            }
            start.countDown();
            assertThat(results.get(0).get(30, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(results.get(2).get(30, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.COMPLETED);
            assertThatThrownBy(() -> results.get(1).get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreException.class)
                    .satisfies(e -> assertThat(((StoreException) e.getCause()).isTransient()).isFalse());
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.find(c.get(1).id()).orElseThrow().status()).isEqualTo(JobStatus.PROCESSING);
    }

    @Test
    void textsPostgresCannotStoreAreCleanedAndResultsMustBeJson() {
        store.enqueueAll(List.of(NewJob.of("rcs", "1"), NewJob.of("rcs", "2")));
        List<Job> c = store.claim("w-1", 2, LEASE);

        Job failed = store.finish(c.get(0).lease(), JobOutcome.failed("bad\u0000byte"));
        assertThat(failed.lastError()).isEqualTo("bad\uFFFDbyte");

        assertThatThrownBy(() -> store.finish(c.get(1).lease(), JobOutcome.completed("{not json")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be valid JSON");
        assertThat(store.find(c.get(1).id())).contains(c.get(1));
    }

    @Test
    void fiftyConcurrentFinishesNeedNoMoreThanAFourConnectionPool() throws Exception {
        HikariDataSource small = db.newDataSource(db.jdbcUrl(), 4, Duration.ofSeconds(10));
        PostgresJobStore s = newStore(PostgresJobStore.builder(small));
        CountDownLatch subscribed = new CountDownLatch(1);
        s.subscribe(subscribed::countDown); // the LISTEN connection holds one of the four
        assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
        int jobs = 50;
        s.enqueueAll(IntStream.range(0, jobs).mapToObj(i -> NewJob.of("rcs", "doc-" + i)).collect(Collectors.toList()));
        List<Job> claimed = s.claim("w-1", jobs, LEASE);
        assertThat(claimed).hasSize(jobs);
        long batchesBefore = s.finishBatchesWritten();

        List<Future<Job>> results = finishConcurrently(s, claimed.stream().map(Job::lease).collect(Collectors.toList()),
                JobOutcome.completed(null));
        for (Future<Job> f : results) {
            assertThat(f.get(60, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.COMPLETED);
        }
        assertThat(small.getHikariPoolMXBean().getTotalConnections()).isLessThanOrEqualTo(4);
        assertThat(s.finishBatchesWritten() - batchesBefore).as("grouped").isLessThan(jobs);
    }

    private static List<Future<Job>> finishConcurrently(JobStore s, List<JobLease> leases, JobOutcome outcome)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(leases.size());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Job>> results = new ArrayList<>();
        for (JobLease lease : leases) {
            results.add(pool.submit(() -> {
                start.await();
                return s.finish(lease, outcome);
            }));
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        return results;
    }

    // ------------------------------------------------------------------ heartbeat and stale jobs

    @Test
    void heartbeatRenewsOnlyTheLeasesThatStillMatch() {
        store.enqueueAll(List.of(NewJob.of("rcs", "1"), NewJob.of("rcs", "2"), NewJob.of("rcs", "3")));
        List<Job> held = store.claim("w-1", 3, LEASE);
        store.finish(held.get(1).lease(), JobOutcome.completed(null));
        db.advanceClock(Duration.ofSeconds(25));

        Set<Long> lost = store.heartbeat(new WorkerHeartbeat(new WorkerInfo("w-1", "h", 1, WorkerState.RUNNING,
                Instant.EPOCH, null, 3, 2, 1, 0, null), held.stream().map(Job::lease).collect(Collectors.toList()),
                Duration.ofMinutes(2)));

        assertThat(lost).containsExactly(held.get(1).id());
        Instant now = store.now();
        for (Job j : List.of(held.get(0), held.get(2))) {
            assertThat(store.find(j.id()).orElseThrow().leaseExpiresAt())
                    .isBetween(now.plus(Duration.ofMinutes(2)).minusSeconds(5), now.plus(Duration.ofMinutes(2)));
        }
    }

    @Test
    void theStaleReasonGivesTheFiguresInWords() {
        store.heartbeat(WorkerHeartbeat.of("w-1", List.of(), LEASE));
        store.enqueue(NewJob.of("rcs", "1"));
        store.claim("w-1", 1, LEASE);
        db.advanceClock(LEASE.plusSeconds(12));

        List<StaleJob> stale = store.findStale(new StaleCriteria(true, Duration.ofSeconds(30), Duration.ofSeconds(40)), 10);

        // the figures are whole seconds measured by the database; a slow machine may add one
        assertThat(stale).singleElement().extracting(StaleJob::reason).asString().matches(
                "lease expired 1[23]s ago \\(worker w-1\\); worker w-1 silent for 4[23]s > 30s;"
                + " processing for 4[23]s > 40s \\(worker w-1\\)");
    }

    @Test
    void theOldSystemsResetSqlStillFencesOutTheOldOwner() {
        store.enqueue(NewJob.of("rcs", "1"));
        Job old = store.claim("w-old", 1, LEASE).get(0);
        db.advanceClock(Duration.ofMinutes(6));
        db.execute("UPDATE \"" + db.schema() + "\".extraction_queue SET status_id = 1, worker_id = NULL"
                + " WHERE status_id = 2 AND processing_started_at < NOW() - INTERVAL '5 minutes'");

        assertThatThrownBy(() -> store.finish(old.lease(), JobOutcome.completed(null)))
                .isInstanceOf(LeaseLostException.class);
        Job again = store.claim("w-new", 1, LEASE).get(0);
        assertThat(again.id()).isEqualTo(old.id());
        assertThat(again.leaseToken()).isNotEqualTo(old.leaseToken());
        assertThat(store.finish(again.lease(), JobOutcome.completed(null)).status()).isEqualTo(JobStatus.COMPLETED);
    }

    // ------------------------------------------------------------------ wake-ups

    @Test
    void subscribersAreWokenByJobsInsertedWithPlainSqlAndByJobsBecomingClaimableAgain() throws Exception {
        assertThat(store.notificationChannel()).isEqualTo(db.schema() + "_jobs");
        AtomicInteger wakeUps = new AtomicInteger();
        try (JobStore.Subscription ignored = store.subscribe(wakeUps::incrementAndGet)) {
            Await.until("listening", store::isListening);
            Await.until("the wake-up after connecting", () -> wakeUps.get() >= 1);

            int before = wakeUps.get();
            db.execute("INSERT INTO \"" + db.schema() + "\".extraction_queue (document_source, document_number)"
                    + " VALUES ('rcs', 'by-operator')");
            Await.until("woken by an operator's INSERT", () -> wakeUps.get() > before);

            Job claimed = store.claim("w-1", 1, LEASE).get(0);
            int beforeRelease = wakeUps.get();
            store.finish(claimed.lease(), JobOutcome.released("shutdown"));
            Await.until("woken by a released job", () -> wakeUps.get() > beforeRelease);
        }
    }

    @Test
    void aSubscriberThatThrowsDoesNotStopTheOthers() {
        AtomicInteger told = new AtomicInteger();
        store.subscribe(() -> {
            throw new IllegalStateException("subscriber bug");
        });
        store.subscribe(told::incrementAndGet);
        Await.until("listening", store::isListening);
        int before = told.get();
        store.enqueue(NewJob.of("rcs", "1"));
        Await.until("the second subscriber is told", () -> told.get() > before);
    }

    @Test
    void withNotificationsOffSubscribeIsANoOp() {
        Set<Thread> before = liveThreads();
        PostgresJobStore quiet = newStore(PostgresJobStore.builder(db.dataSource()).notifications(false));
        quiet.subscribe(() -> { }).close();
        assertThat(quiet.isListening()).isFalse();
        Set<Thread> started = liveThreads();
        started.removeAll(before);
        assertThat(started).extracting(Thread::getName).containsExactly("docket-finish-" + db.schema());
    }

    @Test
    void theListenConnectionCanComeFromItsOwnUrl() {
        PostgresJobStore s = newStore(PostgresJobStore.builder(db.dataSource())
                .listenUrl(db.jdbcUrl(), db.connectionProperties()));
        AtomicInteger told = new AtomicInteger();
        s.subscribe(told::incrementAndGet);
        Await.until("listening", s::isListening);
        int before = told.get();
        store.enqueue(NewJob.of("rcs", "1"));
        Await.until("told", () -> told.get() > before);
    }

    // ------------------------------------------------------------------ lifecycle and config

    @Test
    void closeStopsTheDocketThreadsAndRejectsFurtherCalls() {
        Set<Thread> before = liveThreads();
        PostgresJobStore s = PostgresJobStore.builder(db.dataSource()).schema(db.schema()).build();
        s.subscribe(() -> { });
        Await.until("listening", s::isListening);
        Set<Thread> started = liveThreads();
        started.removeAll(before);
        assertThat(started).extracting(Thread::getName)
                .containsExactlyInAnyOrder("docket-finish-" + db.schema(), "docket-listen-" + db.schema());

        s.close();
        s.close();

        assertThat(started).noneMatch(Thread::isAlive);
        assertThatThrownBy(() -> s.finish(new JobLease(1, "w", UUID.randomUUID()), JobOutcome.completed(null)))
                .isInstanceOf(StoreException.class).hasMessageContaining("closed")
                .satisfies(e -> assertThat(((StoreException) e).isTransient()).isFalse());
        assertThatThrownBy(() -> s.claim("w", 1, LEASE)).isInstanceOf(StoreException.class);
    }

    @Test
    void closeWritesTheFinishingWritesItHasAlreadyAccepted() throws Exception {
        PostgresJobStore s = PostgresJobStore.builder(db.dataSource()).schema(db.schema())
                .finishBatchWindow(Duration.ofSeconds(1)).finishBatchSize(100).build();
        store.enqueue(NewJob.of("rcs", "1"));
        Job claimed = s.claim("w-1", 1, LEASE).get(0);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Job> result = pool.submit(() -> s.finish(claimed.lease(), JobOutcome.completed(null)));
            Await.until("the write is accepted", () -> s.finishWritesAccepted() == 1);

            s.close();

            assertThat(result.get(30, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(store.find(claimed.id()).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badSettingsAreRejectedAtBuildNamingTheSettingAndValue() {
        assertThatThrownBy(() -> PostgresJobStore.builder(db.dataSource()).schema(db.schema()).finishBatchSize(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("finishBatchSize must be 1-10000 but was 0");
        assertThatThrownBy(() -> PostgresJobStore.builder(db.dataSource()).schema(db.schema())
                .finishBatchWindow(Duration.ofSeconds(5)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finishBatchWindow must be 0-1000ms");
        assertThatThrownBy(() -> PostgresJobStore.builder(db.dataSource()).schema(db.schema())
                .listenUrl("jdbc:mysql://db/app?password=hunter2", null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listenUrl must be a jdbc:postgresql:")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> store.claim("w-1", 0, LEASE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> store.claim("w-1", 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease");
    }

    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .collect(Collectors.toCollection(HashSet::new));
    }

    // ------------------------------------------------------------------ edges: rows Docket did not write

    private String q() {
        return "\"" + db.schema() + "\".extraction_queue";
    }

    /** PROCESSING rows as the old system's table or a hand-made UPDATE leaves them. */
    private List<Long> legacyProcessingRows() {
        Job a = store.enqueue(NewJob.of("rcs", "legacy-no-token"));
        Job b = store.enqueue(NewJob.of("rcs", "legacy-nothing"));
        Job c = store.enqueue(NewJob.of("rcs", "legacy-no-start"));
        db.execute("UPDATE " + q() + " SET status_id = 2 WHERE id = " + a.id(),
                "UPDATE " + q() + " SET status_id = 2, worker_id = NULL, processing_started_at = NULL, lease_token = NULL,"
                        + " lease_expires_at = NULL, attempts = 9, max_attempts = 5 WHERE id = " + b.id(),
                "UPDATE " + q() + " SET status_id = 2, worker_id = 'old-worker', lease_token = NULL,"
                        + " lease_expires_at = now() - interval '1 hour' WHERE id = " + c.id());
        return List.of(a.id(), b.id(), c.id());
    }

    @Test
    void legacyProcessingRowsWithoutLeaseAreFoundAndResetAlongWithRealOrphans() {
        List<Long> legacy = legacyProcessingRows();
        store.enqueue(NewJob.of("rcs", "orphan"));
        Job orphan = store.claim("w-dead", 1, Duration.ofMillis(1)).get(0);
        db.advanceClock(Duration.ofSeconds(1));

        List<StaleJob> stale = store.findStale(new StaleCriteria(true, null, null), 100);
        assertThat(stale).extracting(s -> s.job().id()).containsExactlyInAnyOrder(legacy.get(0), legacy.get(1),
                legacy.get(2), orphan.id());
        assertThat(stale).filteredOn(s -> s.job().id() == legacy.get(1)).singleElement()
                .satisfies(s -> assertThat(s.reason()).contains("no lease").doesNotContain("null"));

        List<ResetReport> reports = new DefaultQueueAdmin(store).resetStuckJobs(StaleJobPolicy.leaseExpired(), false);
        assertThat(reports).hasSize(4).allSatisfy(r -> assertThat(r.applied()).as("job %s", r.job().id()).isTrue());
        for (long id : legacy) {
            Job after = store.find(id).orElseThrow();
            assertThat(after.status()).as("job %s", id).isIn(JobStatus.PENDING, JobStatus.FAILED);
            assertThat(after.resetCount()).isEqualTo(1);
            assertThat(store.events(id)).extracting(JobEvent::type).contains(JobEventType.RESET);
        }
        assertThat(store.find(orphan.id()).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
        assertThat(store.find(legacy.get(1)).orElseThrow().status()).as("attempts 9/5: exhausted").isEqualTo(JobStatus.FAILED);
    }

    @Test
    void theStaleMonitorResetsLegacyRowsUnderEveryCriterion() {
        List<Long> legacy = legacyProcessingRows();
        StaleJobPolicy policy = new StaleJobPolicy() {
            @Override
            public StaleCriteria criteria() {
                return new StaleCriteria(true, Duration.ofMinutes(2), Duration.ofMinutes(5));
            }

            @Override
            public dev.docket.queue.StaleDecision decide(StaleJob stale) {
                return StaleJobPolicy.requeueUnlessExhausted(stale);
            }
        };
        StaleJobMonitor monitor = StaleJobMonitor.create(store, policy, Duration.ofMinutes(1));
        assertThat(monitor.runOnce()).extracting(Job::id).containsExactlyInAnyOrderElementsOf(legacy);
        assertThat(store.stats().count(JobStatus.PROCESSING)).isZero();
    }

    @Test
    void aResetFencedOnAMissingTokenDoesNothingOnceTheRowWasClaimedProperly() {
        long id = legacyProcessingRows().get(0);
        StaleJob seen = store.findStale(new StaleCriteria(true, null, null), 100).stream()
                .filter(s -> s.job().id() == id).findFirst().orElseThrow();
        db.execute("UPDATE " + q() + " SET status_id = 1 WHERE id = " + id);
        Job claimed = store.claim("w-2", 10, LEASE).stream().filter(j -> j.id() == id).findFirst().orElseThrow();
        assertThat(store.reset(seen, dev.docket.queue.StaleDecision.requeue(Duration.ZERO), "ops")).isEmpty();
        assertThat(store.find(id).orElseThrow().leaseToken()).isEqualTo(claimed.leaseToken());
    }

    /** A payload that PostgreSQL prints as ~917 million characters, as a pre-fix enqueue or plain SQL stored it. */
    private static final String HUGE_PAYLOAD_SQL = "('[' || repeat('1e131071,', 7000) || '1]')::jsonb";

    @Test
    void aRowThatPrintsHugeIsFailedByTheClaimAndTheOtherJobsAreStillClaimed() {
        Job poison = store.enqueue(NewJob.builder("rcs", "poison").priority(9).build());
        Job tiny = store.enqueue(NewJob.builder("rcs", "tiny-numbers").priority(9).build());
        Job good = store.enqueue(NewJob.builder("rcs", "good").payload("{\"a\": 1}").build());
        db.execute("UPDATE " + q() + " SET payload = " + HUGE_PAYLOAD_SQL + " WHERE id = " + poison.id(),
                "UPDATE " + q() + " SET payload = ('[' || repeat('1e-16383,', 200) || '1]')::jsonb WHERE id = " + tiny.id());

        List<Job> claimed = store.claim("w-1", 10, LEASE);

        assertThat(claimed).extracting(Job::id).containsExactly(good.id());
        assertThat(claimed.get(0).payload()).isEqualTo("{\"a\": 1}");
        for (Job bad : List.of(poison, tiny)) {
            Job after = store.find(bad.id()).orElseThrow();
            assertThat(after.status()).isEqualTo(JobStatus.FAILED);
            assertThat(after.payload()).as("not read back").isNull();
            assertThat(after.lastError()).contains("payload").contains("cannot be read");
            assertThat(after.attempts()).as("no attempt spent").isZero();
            assertThat(store.events(bad.id())).extracting(JobEvent::type).containsExactly(JobEventType.FAILED);
        }
    }

    /** {@code target} behind a proxy of {@code type}; {@code after} may replace what a call returned. */
    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, After after) {
        return (T) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            Object result;
            try {
                result = m.invoke(target, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
            return after.apply(m.getName(), args, result);
        });
    }

    @FunctionalInterface
    private interface After {
        Object apply(String method, Object[] args, Object result) throws java.sql.SQLException;
    }

    /** A DataSource whose claim result breaks (as a lost connection would) after its first row. */
    private javax.sql.DataSource breakingTheClaimAfterOneRow() {
        return proxy(javax.sql.DataSource.class, db.dataSource(), (m, a, r) -> !m.equals("getConnection") ? r
                : proxy(Connection.class, (Connection) r, (cm, ca, cr) -> !cm.equals("prepareStatement")
                        || !((String) ca[0]).contains("SKIP LOCKED") ? cr
                        : proxy(java.sql.PreparedStatement.class, (java.sql.PreparedStatement) cr, (pm, pa, pr) ->
                                !pm.equals("executeQuery") ? pr : breakAfterFirstRow((java.sql.ResultSet) pr))));
    }

    private static java.sql.ResultSet breakAfterFirstRow(java.sql.ResultSet rs) {
        AtomicInteger rows = new AtomicInteger();
        return proxy(java.sql.ResultSet.class, rs, (m, a, r) -> {
            if (m.equals("next") && rows.incrementAndGet() == 2) {
                throw new java.sql.SQLException("simulated: connection lost while reading the claim", "08006");
            }
            return r;
        });
    }

    @Test
    void aClaimWhoseRowsCannotAllBeReadIsRolledBackAndSpendsNoAttempt() {
        store.enqueueAll(List.of(NewJob.of("rcs", "1"), NewJob.of("rcs", "2"), NewJob.of("rcs", "3")));
        PostgresJobStore breaking = newStore(PostgresJobStore.builder(breakingTheClaimAfterOneRow()).notifications(false));

        assertThatThrownBy(() -> breaking.claim("w-1", 3, LEASE)).isInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(((StoreException) e).isTransient()).isTrue());

        for (long id = 1; id <= 3; id++) {
            Job j = store.find(id).orElseThrow();
            assertThat(j.status()).as("job %s", id).isEqualTo(JobStatus.PENDING);
            assertThat(j.attempts()).as("job %s", id).isZero();
        }
        assertThat(store.claim("w-2", 3, LEASE)).hasSize(3);
    }

    @Test
    void aStaleScanOverARowThatPrintsHugeStillResetsItAndTheOthers() {
        store.enqueueAll(List.of(NewJob.of("rcs", "poison"), NewJob.of("rcs", "other")));
        List<Job> claimed = store.claim("w-dead", 2, Duration.ofMillis(1));
        db.execute("UPDATE " + q() + " SET payload = " + HUGE_PAYLOAD_SQL + " WHERE id = " + claimed.get(0).id());
        db.advanceClock(Duration.ofSeconds(1));

        List<StaleJob> stale = store.findStale(new StaleCriteria(true, null, null), 10);
        assertThat(stale).hasSize(2);
        assertThat(new DefaultQueueAdmin(store).resetStuckJobs(StaleJobPolicy.leaseExpired(), false))
                .allSatisfy(r -> assertThat(r.applied()).isTrue());
        assertThat(store.stats().count(JobStatus.PROCESSING)).isZero();
    }

    @Test
    void enqueueAllNamesTheIndexOfTheJobTheDatabaseRefusedAndEnqueuesNothing() {
        db.execute("ALTER TABLE " + q() + " ADD CONSTRAINT no_bad_numbers CHECK (document_number <> 'bad')");
        try {
            assertThatThrownBy(() -> store.enqueueAll(List.of(NewJob.of("rcs", "1"), NewJob.of("rcs", "2"),
                    NewJob.of("rcs", "bad"), NewJob.of("rcs", "4"))))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("jobs[2]")
                    .hasMessageContaining("number=bad")
                    .satisfies(e -> assertThat(((StoreException) e).isTransient()).isFalse());
            assertThat(store.stats().count(JobStatus.PENDING)).isZero();
        } finally {
            db.execute("ALTER TABLE " + q() + " DROP CONSTRAINT no_bad_numbers");
        }
    }

    @Test
    void aRunAfterInYear9999IsStoredAndReadBack() {
        Instant last = Instant.parse("9999-12-31T23:59:59.999999Z");
        Job job = store.enqueueAll(List.of(NewJob.builder("rcs", "far").runAfter(last).build())).get(0);
        assertThat(store.find(job.id()).orElseThrow().runAfter()).isEqualTo(last);
    }

    // ------------------------------------------------------------------ edges: a stalled database

    @Test
    void timeoutsAreValidatedAtBuildNamingTheSettingAndValue() {
        assertThatThrownBy(() -> PostgresJobStore.builder(db.dataSource()).statementTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("statementTimeout must be 100ms-10m but was PT0S");
        assertThatThrownBy(() -> PostgresJobStore.builder(db.dataSource()).lockTimeout(Duration.ofHours(1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lockTimeout must be 100ms-10m but was PT1H");
        assertThatThrownBy(() -> PostgresJobStore.builder(db.dataSource()).statementTimeout(Duration.ofSeconds(2))
                .lockTimeout(Duration.ofSeconds(3)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lockTimeout must not be longer than statementTimeout (PT2S) but was PT3S");
        assertThat(PostgresJobStore.DEFAULT_STATEMENT_TIMEOUT).isEqualTo(Duration.ofSeconds(10));
        assertThat(PostgresJobStore.DEFAULT_LOCK_TIMEOUT).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aHeldTableLockMakesClaimHeartbeatAndFinishFailTransientlyWithinTheBound() throws Exception {
        heldTableLockIsBounded(false, db.dataSource());
    }

    @Test
    void onADedicatedDataSourceTheSessionTimeoutsBoundAHeldTableLockToo() throws Exception {
        // a pool of its own: the store sets the timeouts on its connections' sessions
        try (com.zaxxer.hikari.HikariDataSource own = db.newDataSource(db.jdbcUrl(), 4, Duration.ofSeconds(5))) {
            heldTableLockIsBounded(true, own);
        }
    }

    void heldTableLockIsBounded(boolean dedicated, javax.sql.DataSource ds) throws Exception {
        PostgresJobStore s = newStore(PostgresJobStore.builder(ds).statementTimeout(Duration.ofSeconds(1))
                .lockTimeout(Duration.ofMillis(300)).notifications(false).dedicatedDataSource(dedicated));
        db.truncate();
        s.enqueueAll(List.of(NewJob.of("rcs", "1"), NewJob.of("rcs", "2")));
        List<Job> held = s.claim("w-1", 1, LEASE);
        try (Connection admin = db.connect()) {
            admin.setAutoCommit(false);
            try (Statement st = admin.createStatement()) {
                st.execute("LOCK TABLE " + q() + " IN ACCESS EXCLUSIVE MODE");
            }
            List<Runnable> calls = List.of(
                    () -> s.claim("w-1", 1, LEASE),
                    () -> s.heartbeat(new WorkerHeartbeat(new WorkerInfo("w-1", "h", 1, WorkerState.RUNNING,
                            Instant.EPOCH, null, 1, 1, 0, 0, null), List.of(held.get(0).lease()), LEASE)),
                    () -> s.finish(held.get(0).lease(), JobOutcome.completed(null)),
                    () -> s.findStale(new StaleCriteria(true, null, null), 10));
            for (Runnable call : calls) {
                long t0 = System.nanoTime();
                assertThatThrownBy(call::run).isInstanceOf(StoreException.class)
                        .satisfies(e -> assertThat(((StoreException) e).isTransient()).as(e.getMessage()).isTrue());
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("bounded by the timeouts")
                        .isLessThan(Duration.ofSeconds(10));
            }
            admin.rollback();
        }
        assertThat(s.finish(held.get(0).lease(), JobOutcome.completed(null)).status()).isEqualTo(JobStatus.COMPLETED);
    }
}
