package dev.docket.cli;

import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.queue.jdbc.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fixture of CLI tests that prepare jobs through a store: a migrated schema of their own per test class,
 * the CLI pointed at it, and an emptied queue plus a {@link PostgresJobStore} per test.
 */
abstract class CliStoreTest {
    static TestDatabase db;
    static CliRunner cli;
    PostgresJobStore store;

    @BeforeAll
    static void startDatabase() {
        db = TestDatabase.create().migrated();
        cli = CliRunner.on(db);
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
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
