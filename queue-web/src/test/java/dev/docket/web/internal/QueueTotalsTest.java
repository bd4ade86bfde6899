package dev.docket.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.testing.DocketPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The overview's incremental counts equal the database's as jobs finish across the watermark. */
class QueueTotalsTest {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.migrated();
    static PostgresJobStore store;

    @BeforeAll
    static void open() {
        store = PostgresJobStore.builder(db.dataSource()).schema(db.schema()).notifications(false).build();
    }

    @AfterAll
    static void close() {
        store.close();
    }

    private static Job finish(boolean ok) {
        store.enqueue(NewJob.of("registry-a", "t-" + System.nanoTime()));
        Job j = store.claim("w-t", 1, Duration.ofMinutes(1)).get(0);
        return store.finish(j.lease(), ok ? JobOutcome.completed("{}") : JobOutcome.failed("no"));
    }

    private static Map<JobStatus, Long> database() throws Exception {
        Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
        for (JobStatus s : JobStatus.values()) {
            counts.put(s, 0L);
        }
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT status_id, count(*) FROM " + db.schema() + ".extraction_queue GROUP BY 1")) {
            while (rs.next()) {
                counts.put(JobStatus.fromCode(rs.getInt(1)), rs.getLong(2));
            }
        }
        return counts;
    }

    @Test
    void aTransactionHoldingBackVacuumIsAnAlert() throws Exception {
        DashboardData data = new DashboardData(db.dataSource(), db.schema());
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET application_name = 'docket-vacuum-test'");
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            st.executeQuery("SELECT count(*) FROM " + db.schema() + ".extraction_queue").close();
            assertThat(data.vacuumAlerts(Duration.ofSeconds(0))).anySatisfy(a -> assertThat(a)
                    .contains("application 'docket-vacuum-test'").contains("vacuum cannot remove dead rows"));
            assertThat(data.vacuumAlerts(Duration.ofDays(3650))).isEmpty();
            c.rollback();
        }
    }

    /**
     * A finishing write stamps completed_at with its transaction's start: while that transaction is open, the
     * watermark must not pass its start, however long it stays open, or the job would never be counted.
     */
    @Test
    void aJobFinishedByATransactionStillOpenWhenTheWatermarkMovesIsCounted() throws Exception {
        QueueTotals totals = new QueueTotals(db.dataSource(), db.schema(), Duration.ofMinutes(1), Duration.ZERO);
        store.enqueue(NewJob.of("registry-a", "slow-finish"));
        Job job = store.claim("w-t", 1, Duration.ofMinutes(1)).get(0);
        totals.read(60);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.executeUpdate("UPDATE " + db.schema() + ".extraction_queue SET status_id = 3, completed_at = now(),"
                    + " lease_token = NULL, lease_expires_at = NULL WHERE id = " + job.id());
            java.sql.Timestamp started;
            try (ResultSet rs = st.executeQuery("SELECT now()")) {
                rs.next();
                started = rs.getTimestamp(1);
            }
            awaitDatabaseClockPast(started.toInstant().plusSeconds(1)); // the clock moves on past a whole second
            totals.read(60);
            totals.read(60);
            c.commit();
        }
        assertThat(totals.read(60).stats().countsByStatus()).isEqualTo(database());
    }

    @Test
    void theWatermarkStaysBeforeTheOldestOpenTransactionWithinTheLag() {
        long now = 1_000_000_000L;
        Duration lag = Duration.ofSeconds(5);
        Duration margin = Duration.ofMillis(100);
        assertThat(QueueTotals.safeWatermark(now, null, true, lag, margin)).isEqualTo(now - 100_000);
        assertThat(QueueTotals.safeWatermark(now, now - 2_000_000, true, lag, margin)).isEqualTo(now - 2_100_000);
        assertThat(QueueTotals.safeWatermark(now, now - 60_000_000, true, lag, margin)).isEqualTo(now - 5_000_000);
        assertThat(QueueTotals.safeWatermark(now, null, false, lag, margin)).isEqualTo(now - 5_000_000);
    }

    /** Polls the database clock (not a sleep as synchronisation: the condition is the clock itself). */
    private static void awaitDatabaseClockPast(java.time.Instant t) throws Exception {
        try (Connection c = db.connect(); java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT clock_timestamp() > ?, pg_sleep(0.02)")) {
            ps.setTimestamp(1, java.sql.Timestamp.from(t));
            for (int i = 0; i < 500; i++) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return;
                    }
                }
            }
            throw new AssertionError("the database clock did not pass " + t);
        }
    }

    @Test
    void countsFollowTheDatabaseAcrossWatermarkMovesRetriesAndPurges() throws Exception {
        QueueTotals totals = new QueueTotals(db.dataSource(), db.schema(), QueueTotals.MAX_LAG, Duration.ZERO);
        Job failed = finish(false);
        finish(true);
        store.enqueue(NewJob.of("registry-a", "waiting"));
        assertThat(totals.read(60).stats().countsByStatus()).isEqualTo(database());
        for (int i = 0; i < 5; i++) {
            finish(i % 2 == 0); // each read moves the watermark past the jobs finished since the last one
            QueueTotals.Figures f = totals.read(60);
            assertThat(f.stats().countsByStatus()).isEqualTo(database());
            assertThat(Arrays.stream(f.throughput().completed()).sum()).isEqualTo(database().get(JobStatus.COMPLETED));
            assertThat(Arrays.stream(f.throughput().failed()).sum()).isEqualTo(f.stats().failedLast60m());
        }
        store.retry(failed.id(), "test"); // a job below the watermark leaves FAILED: seen after invalidate()
        totals.invalidate();
        assertThat(totals.read(60).stats().countsByStatus()).isEqualTo(database());
        assertThat(totals.read(60).stats().count(JobStatus.PENDING)).isEqualTo(2);
    }
}
