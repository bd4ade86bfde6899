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

    @Test
    void countsFollowTheDatabaseAcrossWatermarkMovesRetriesAndPurges() throws Exception {
        QueueTotals totals = new QueueTotals(db.dataSource(), db.schema(), Duration.ZERO);
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
