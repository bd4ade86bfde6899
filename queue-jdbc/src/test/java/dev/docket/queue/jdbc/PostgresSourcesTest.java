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
    void aSlotLeakedByHandWrittenSqlIsHealedByTheReconciliation() {
        store.setSourcePolicy("a", SourcePolicy.builder().concurrency(1).build(), "ops");
        store.enqueueAll(List.of(NewJob.of("a", "1"), NewJob.of("a", "2")));
        Job held = store.claim("w-1", 5, LEASE).get(0);
        assertThat(inFlight("a")).isEqualTo("1");
        // an operator puts the job back by hand, as the old runbook did: the slot is not freed
        db.execute("UPDATE \"" + db.schema() + "\".extraction_queue SET status_id = 1, lease_token = NULL,"
                + " worker_id = NULL WHERE id = " + held.id());
        assertThat(store.claim("w-1", 5, LEASE)).as("the leaked slot holds the cap").isEmpty();

        assertThat(store.reconcileSources()).isEqualTo(1);

        assertThat(inFlight("a")).isEqualTo("0");
        assertThat(store.claim("w-1", 5, LEASE)).hasSize(1);
        assertThat(inFlight("a")).isEqualTo("1");
        assertThat(store.reconcileSources()).as("nothing left to heal").isZero();
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
        assertThat(inFlight("a")).isEqualTo("0");
        assertThat(strings("SELECT count(*)::text FROM \"" + db.schema() + "\".extraction_queue WHERE holds_slot"))
                .containsExactly("0");
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
        assertThat(inFlight("a")).isEqualTo("0");
    }
}
