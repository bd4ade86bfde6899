package dev.docket.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.Job;
import dev.docket.queue.NewJob;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.testing.DocketPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What only the SQL store can meet: rows changed by hand-written SQL, and the counts kept in docket_source. */
class PostgresSourcesTest {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.migrated();
    static final Duration LEASE = Duration.ofSeconds(30);

    PostgresJobStore store;

    @BeforeEach
    void open() {
        db.truncate();
        store = PostgresJobStore.builder(db.dataSource()).schema(db.schema()).build();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static List<String> strings(String sql) {
        List<String> out = new java.util.ArrayList<>();
        try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql, e);
        }
        return out;
    }

    private String inFlight(String source) {
        List<String> v = strings("SELECT in_flight::text FROM \"" + db.schema() + "\".docket_source WHERE source = '"
                + source + "'");
        return v.isEmpty() ? null : v.get(0);
    }

    @Test
    void aJobPutBackByHandWrittenSqlFreesItsSlotAtOnce() {
        store.setSourcePolicy("a", SourcePolicy.builder().concurrency(1).build(), "ops");
        store.enqueueAll(List.of(NewJob.of("a", "1"), NewJob.of("a", "2")));
        Job held = store.claim("w-1", 5, LEASE).get(0);
        assertThat(inFlight("a")).isEqualTo("1");
        assertThat(store.claim("w-1", 5, LEASE)).as("the cap holds").isEmpty();
        // an operator puts the job back by hand, as the old runbook did (holds_slot left as it was): the claim
        // counts the PROCESSING jobs, so the slot is free at once, without waiting for the reconciliation
        db.execute("UPDATE \"" + db.schema() + "\".extraction_queue SET status_id = 1, lease_token = NULL,"
                + " worker_id = NULL WHERE id = " + held.id());
        assertThat(store.claim("w-1", 5, LEASE)).hasSize(1);
        assertThat(inFlight("a")).isEqualTo("1");
        assertThat(store.claim("w-1", 5, LEASE)).as("the job claimed now holds the cap").isEmpty();
        assertThat(store.reconcileSources()).as("nothing left to heal").isZero();
    }

    /**
     * Finishing writes leave the source row's in_flight alone, so it only bounds the held slots from above: claims
     * far from the cap skip the count, and once the bound reaches the cap the claim counts and goes on.
     */
    @Test
    void claimsOneAtATimeKeepGoingPastTheCapOnceTheirJobsFinished() {
        store.setSourcePolicy("a", SourcePolicy.builder().concurrency(3).build(), "ops");
        for (int i = 0; i < 10; i++) {
            store.enqueue(NewJob.of("a", "one-" + i));
            List<Job> got = store.claim("w-1", 1, LEASE);
            assertThat(got).as("claim %d", i).hasSize(1);
            store.finish(got.get(0).lease(), JobOutcome.completed(null));
        }
        assertThat(Integer.parseInt(inFlight("a"))).as("an upper bound, refreshed when the cap could bind")
                .isBetween(1, 3);
    }

    @Test
    void theReconciliationRefreshesTheInFlightColumnForOperators() {
        store.setSourcePolicy("a", SourcePolicy.builder().concurrency(2).build(), "ops");
        store.enqueueAll(List.of(NewJob.of("a", "1"), NewJob.of("a", "2")));
        List<Job> claimed = store.claim("w-1", 5, LEASE);
        assertThat(inFlight("a")).isEqualTo("2");
        store.finish(claimed.get(0).lease(), JobOutcome.completed(null));
        assertThat(inFlight("a")).as("a finishing write leaves the source row alone").isEqualTo("2");
        assertThat(store.reconcileSources()).isEqualTo(1);
        assertThat(inFlight("a")).isEqualTo("1");
    }

    @Test
    void finishingWritesFreeTheSlotsInTheSameStatement() {
        store.setSourcePolicy("a", SourcePolicy.builder().concurrency(3).build(), "ops");
        store.enqueueAll(List.of(NewJob.of("a", "1"), NewJob.of("a", "2"), NewJob.of("a", "3"), NewJob.of("b", "1")));
        List<Job> claimed = store.claim("w-1", 10, LEASE);
        assertThat(claimed).hasSize(4);
        assertThat(inFlight("a")).isEqualTo("3");
        assertThat(inFlight("b")).as("an uncapped source gets no row").isNull();
        for (Job j : claimed) {
            store.finish(j.lease(), j.documentNumber().equals("1") ? JobOutcome.completed(null)
                    : JobOutcome.retryLater("HTTP 500", Duration.ofMinutes(1)).countedAgainstSource());
        }
        assertThat(strings("SELECT count(*)::text FROM \"" + db.schema() + "\".extraction_queue WHERE holds_slot"))
                .containsExactly("0");
        store.enqueueAll(List.of(NewJob.of("a", "4"), NewJob.of("a", "5"), NewJob.of("a", "6"), NewJob.of("a", "7")));
        assertThat(store.claim("w-1", 10, LEASE)).as("the 3 slots are free again").hasSize(3);
        assertThat(inFlight("a")).isEqualTo("3");
    }

    @Test
    void concurrentClaimersAtTheCapBoundaryNeverExceedIt() throws Exception {
        int cap = 3;
        store.setSourcePolicy("a", SourcePolicy.builder().concurrency(cap)
                .rate(SourcePolicy.Rate.perSecond(SourcePolicy.Rate.MAX_PERMITS).withBurst(SourcePolicy.Rate.MAX_BURST))
                .build(), "ops");
        List<NewJob> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < 150; i++) {
            jobs.add(NewJob.of(i % 3 == 0 ? "b" : "a", "n" + i));
        }
        store.enqueueAll(jobs);
        String processingA = "SELECT count(*)::text FROM \"" + db.schema() + "\".extraction_queue"
                + " WHERE document_source = 'a' AND status_id = 2";
        java.util.concurrent.atomic.AtomicInteger worst = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger claimedA = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int worker = t;
                done.add(pool.submit(() -> {
                    for (int round = 0; round < 40; round++) {
                        List<Job> got = store.claim("w-" + worker, 1 + (round + worker) % cap + 1, LEASE);
                        worst.accumulateAndGet(Integer.parseInt(strings(processingA).get(0)), Math::max);
                        for (Job j : got) {
                            claimedA.addAndGet(j.documentSource().equals("a") ? 1 : 0);
                            store.finish(j.lease(), JobOutcome.completed(null));
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(claimedA.get()).as("the claimers met the cap").isGreaterThan(cap);
        assertThat(worst.get()).as("PROCESSING jobs of the capped source seen after any claim").isBetween(1, cap);
        assertThat(strings(processingA)).containsExactly("0");
        store.reconcileSources();
        assertThat(inFlight("a")).as("the column refreshed for operators").isEqualTo("0");
    }
}
