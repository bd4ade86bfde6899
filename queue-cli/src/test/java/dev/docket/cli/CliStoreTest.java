package dev.docket.cli;

import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.testing.DocketPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fixture of CLI tests that prepare jobs through a store: a migrated schema of their own per test class,
 * the CLI pointed at it, and an emptied queue plus a {@link PostgresJobStore} per test.
 */
abstract class CliStoreTest {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.migrated();
    static CliRunner cli;
    PostgresJobStore store;

    @BeforeAll
    static void startDatabase() {
        cli = CliRunner.on(db);
    }

    @BeforeEach
    void openStore() {
        db.truncate();
        store = PostgresJobStore.builder(db.dataSource()).schema(db.schema()).notifications(false).build();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }
}
