package dev.docket.queue.jdbc;

import dev.docket.queue.spi.JobStore;
import dev.docket.testing.DocketPostgres;
import dev.docket.testing.JobStoreContractTest;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the {@link JobStoreContractTest} against {@link PostgresJobStore} on a real PostgreSQL. Time
 * passes by shifting every stored timestamp back, so the database's {@code now()} effectively moves
 * forward.
 */
class PostgresJobStoreContractTest extends JobStoreContractTest {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.migrated();

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
