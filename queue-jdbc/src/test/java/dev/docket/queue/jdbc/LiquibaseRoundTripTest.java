package dev.docket.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.Job;
import dev.docket.queue.NewJob;
import dev.docket.testing.DocketPostgres;
import org.junit.jupiter.api.extension.RegisterExtension;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import liquibase.Contexts;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A schema managed by Liquibase through the sqlFile changelog of docs/schema.md: the store accepts it. */
class LiquibaseRoundTripTest {
    @RegisterExtension
    DocketPostgres db = DocketPostgres.empty();

    @BeforeEach
    void createSchema() {
        db.execute("CREATE SCHEMA \"" + db.schema() + "\"");
    }


    @Test
    @SuppressWarnings("deprecation") // liquibase.Liquibase: the shortest embedded API, still in 4.x
    void aSchemaMigratedByLiquibaseIsAcceptedByTheStoreAndWorks() throws Exception {
        try (Connection c = db.connect()) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            database.setDefaultSchemaName(db.schema());
            database.setLiquibaseSchemaName(db.schema());
            Liquibase liquibase = new Liquibase("liquibase/docket-changelog.xml", new ClassLoaderResourceAccessor(), database);
            liquibase.setChangeLogParameter("schema", "\"" + db.schema() + "\"");
            liquibase.setChangeLogParameter("channel", SchemaMigrator.channel(db.schema()));
            liquibase.update(new Contexts());
        }

        try (PostgresJobStore store = PostgresJobStore.builder(db.dataSource()).schema(db.schema())
                .schemaManagedExternally(true).build()) {
            long id = store.enqueue(NewJob.of("registry-a", "1")).id();
            List<Job> claimed = store.claim("w-1", 1, Duration.ofSeconds(30));
            assertThat(claimed).extracting(Job::id).containsExactly(id);
        }
    }
}
