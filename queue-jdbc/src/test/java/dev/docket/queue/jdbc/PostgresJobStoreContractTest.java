package dev.docket.queue.jdbc;

import dev.docket.queue.JobStore;
import dev.docket.queue.JobStoreContractTest;
import dev.docket.queue.jdbc.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Runs the {@link JobStoreContractTest} against {@link PostgresJobStore} on a real PostgreSQL. Time
 * passes by shifting every stored timestamp back, so the database's {@code now()} effectively moves
 * forward.
 */
class PostgresJobStoreContractTest extends JobStoreContractTest {
    private static TestDatabase db;

    @BeforeAll
    static void startDatabase() {
        db = TestDatabase.create().migrated();
    }

    @AfterAll
    static void stopDatabase() {
        db.close();
    }

    @Override
    protected JobStore createStore() {
        String s = "\"" + db.schema() + "\".";
        db.execute("TRUNCATE " + s + "extraction_job_event, " + s + "extraction_queue, " + s + "worker_status"
                + " RESTART IDENTITY");
        return PostgresJobStore.builder(db.dataSource()).schema(db.schema()).build();
    }

    @Override
    protected void advanceClock(Duration d) {
        shiftTimestamps(db, d);
    }

    @Override
    protected void closeStore(JobStore s) {
        ((PostgresJobStore) s).close();
    }

    /** Moves every stored timestamp of the test schema back by {@code d}: now() has advanced by d. */
    static void shiftTimestamps(TestDatabase db, Duration d) {
        String s = "\"" + db.schema() + "\".";
        String by = " - ? * interval '1 microsecond'";
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement q = c.prepareStatement("UPDATE " + s + "extraction_queue SET"
                    + " created_at = created_at" + by + ", updated_at = updated_at" + by + ", run_after = run_after" + by
                    + ", lease_expires_at = lease_expires_at" + by + ", processing_started_at = processing_started_at" + by
                    + ", completed_at = completed_at" + by);
                 PreparedStatement w = c.prepareStatement("UPDATE " + s + "worker_status SET"
                         + " last_heartbeat = last_heartbeat" + by + ", started_at = started_at" + by);
                 PreparedStatement e = c.prepareStatement("UPDATE " + s + "extraction_job_event SET"
                         + " created_at = created_at" + by)) {
                long micros = d.toNanos() / 1000;
                for (int i = 1; i <= 6; i++) {
                    q.setLong(i, micros);
                }
                q.executeUpdate();
                w.setLong(1, micros);
                w.setLong(2, micros);
                w.executeUpdate();
                e.setLong(1, micros);
                e.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("could not shift the clock by " + d + ": " + e.getMessage(), e);
        }
    }
}
