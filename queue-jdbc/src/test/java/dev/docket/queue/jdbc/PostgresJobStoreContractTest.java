package dev.docket.queue.jdbc;

import dev.docket.queue.JobStore;
import dev.docket.queue.JobStoreContractTest;
import dev.docket.queue.jdbc.testing.TestDatabase;
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
        db.truncate();
        return PostgresJobStore.builder(db.dataSource()).schema(db.schema()).build();
    }

    @Override
    protected void advanceClock(Duration d) {
        db.advanceClock(d);
    }

    @Override
    protected void closeStore(JobStore s) {
        ((PostgresJobStore) s).close();
    }
}
