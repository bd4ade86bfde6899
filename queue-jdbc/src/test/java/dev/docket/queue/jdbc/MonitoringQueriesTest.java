package dev.docket.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.docket.queue.Job;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.spi.WorkerHeartbeat;
import dev.docket.testing.DocketPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The "Monitoring Queries" of the old system's troubleshooting guide, copied verbatim, run against
 * Docket's schema (with {@code search_path} set to it) and returning the right rows.
 */
class MonitoringQueriesTest {
    /** Verbatim from SEED-troubleshooting-guide.md, "Monitoring Queries". */
    static final String FIND_STUCK_JOBS = "-- Find stuck jobs\n"
            + "SELECT id, worker_id, processing_started_at, document_source, document_number\n"
            + "FROM extraction_queue\n"
            + "WHERE status_id = 2\n"
            + "  AND processing_started_at < NOW() - INTERVAL '5 minutes';";
    static final String WORKER_ACTIVITY = "-- Worker activity\n"
            + "SELECT worker_id, status, last_heartbeat, jobs_completed, jobs_failed\n"
            + "FROM worker_status\n"
            + "WHERE last_heartbeat > NOW() - INTERVAL '5 minutes'\n"
            + "ORDER BY last_heartbeat DESC;";
    static final String JOB_STATISTICS = "-- Job statistics\n"
            + "SELECT \n"
            + "  status_id,\n"
            + "  COUNT(*) as count,\n"
            + "  AVG(EXTRACT(EPOCH FROM (COALESCE(updated_at, NOW()) - created_at))) as avg_duration_seconds\n"
            + "FROM extraction_queue\n"
            + "GROUP BY status_id;";

    @RegisterExtension
    static DocketPostgres db = DocketPostgres.migrated();
    private PostgresJobStore store;

    @BeforeEach
    void openStore() {
        db.truncate();
        store = PostgresJobStore.builder(db.dataSource()).schema(db.schema()).build();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void findStuckJobsListsJobsProcessingForMoreThanFiveMinutes() throws SQLException {
        store.enqueueAll(List.of(NewJob.of("rcs", "stuck-1"), NewJob.of("rcs", "stuck-2"), NewJob.of("rcs", "fresh"),
                NewJob.of("rcs", "pending")));
        Job stuck1 = store.claim("w-dead", 1, Duration.ofSeconds(30)).get(0);
        Job stuck2 = store.claim("w-dead", 1, Duration.ofSeconds(30)).get(0);
        db.advanceClock(Duration.ofMinutes(6));
        Job fresh = store.claim("w-alive", 1, Duration.ofSeconds(30)).get(0);

        List<Map<String, Object>> rows = query(FIND_STUCK_JOBS);

        assertThat(rows).extracting(r -> r.get("id")).containsExactlyInAnyOrder(stuck1.id(), stuck2.id());
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.keySet()).containsExactly("id", "worker_id", "processing_started_at", "document_source",
                    "document_number");
            assertThat(r.get("worker_id")).isEqualTo("w-dead");
            assertThat(r.get("document_source")).isEqualTo("rcs");
            assertThat((String) r.get("document_number")).startsWith("stuck-");
            assertThat(r.get("processing_started_at")).isNotNull();
        });
        assertThat(rows).extracting(r -> r.get("id")).doesNotContain(fresh.id());
    }

    @Test
    void workerActivityListsWorkersWithARecentHeartbeatNewestFirst() throws SQLException {
        store.heartbeat(WorkerHeartbeat.of("w-gone", List.of(), Duration.ofSeconds(30)));
        db.advanceClock(Duration.ofMinutes(10));
        store.heartbeat(WorkerHeartbeat.of("w-older", List.of(), Duration.ofSeconds(30)));
        db.advanceClock(Duration.ofSeconds(30));
        store.heartbeat(WorkerHeartbeat.of("w-newer", List.of(), Duration.ofSeconds(30)));

        List<Map<String, Object>> rows = query(WORKER_ACTIVITY);

        assertThat(rows).extracting(r -> r.get("worker_id")).containsExactly("w-newer", "w-older");
        assertThat(rows.get(0).keySet()).containsExactly("worker_id", "status", "last_heartbeat", "jobs_completed",
                "jobs_failed");
        assertThat(rows.get(0).get("status")).isEqualTo("RUNNING");
        assertThat(rows.get(0).get("jobs_completed")).isEqualTo(0L);
    }

    @Test
    void jobStatisticsCountJobsByStatusIdWithTheirAverageDuration() throws SQLException {
        store.enqueueAll(List.of(NewJob.of("rcs", "1"), NewJob.of("rcs", "2"), NewJob.of("rcs", "3"),
                NewJob.of("rcs", "4"), NewJob.of("rcs", "5")));
        db.advanceClock(Duration.ofSeconds(60));
        store.finish(store.claim("w-1", 1, Duration.ofSeconds(30)).get(0).lease(), JobOutcome.completed(null));
        store.finish(store.claim("w-1", 1, Duration.ofSeconds(30)).get(0).lease(), JobOutcome.completed(null));
        store.finish(store.claim("w-1", 1, Duration.ofSeconds(30)).get(0).lease(), JobOutcome.failed("gone"));
        store.claim("w-1", 1, Duration.ofSeconds(30));

        Map<Integer, Map<String, Object>> byStatus = new LinkedHashMap<>();
        for (Map<String, Object> r : query(JOB_STATISTICS)) {
            byStatus.put(((Number) r.get("status_id")).intValue(), r);
        }

        assertThat(byStatus.keySet()).containsExactlyInAnyOrder(JobStatus.PENDING.code(), JobStatus.PROCESSING.code(),
                JobStatus.COMPLETED.code(), JobStatus.FAILED.code());
        assertThat(byStatus.get(1).get("count")).isEqualTo(1L);
        assertThat(byStatus.get(2).get("count")).isEqualTo(1L);
        assertThat(byStatus.get(3).get("count")).isEqualTo(2L);
        assertThat(byStatus.get(4).get("count")).isEqualTo(1L);
        double completedAvg = ((Number) byStatus.get(3).get("avg_duration_seconds")).doubleValue();
        assertThat(completedAvg).as("created 60 s before completion").isCloseTo(60.0, within(5.0));
        double pendingAvg = ((Number) byStatus.get(1).get("avg_duration_seconds")).doubleValue();
        assertThat(pendingAvg).as("untouched since enqueue").isCloseTo(0.0, within(5.0));
    }

    private List<Map<String, Object>> query(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET search_path TO \"" + db.schema() + "\"");
            try (ResultSet rs = st.executeQuery(sql)) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }
}
