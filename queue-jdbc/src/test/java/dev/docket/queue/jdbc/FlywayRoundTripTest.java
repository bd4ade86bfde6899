package dev.docket.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.StoreException;
import dev.docket.testing.DocketPostgres;
import org.junit.jupiter.api.extension.RegisterExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A schema managed by the host application's Flyway, from Docket's own migration files on the
 * classpath: the store accepts it with {@code schemaManagedExternally(true)} and works on it, and the two
 * histories (Flyway's {@code flyway_schema_history}, Docket's {@code docket_schema_version}) are never mixed.
 */
class FlywayRoundTripTest {
    @RegisterExtension
    DocketPostgres db = DocketPostgres.empty();



    /** The Flyway configuration the docs give, for the test's schema. */
    Flyway flyway() {
        return Flyway.configure()
                .dataSource(db.dataSource())
                .schemas(db.schema())
                .locations("classpath:dev/docket/queue/jdbc/migrations")
                .placeholders(Map.of("schema", "\"" + db.schema() + "\"", "channel", SchemaMigrator.channel(db.schema())))
                .load();
    }

    @Test
    void aSchemaMigratedByFlywayIsAcceptedByTheStoreAndWorks() {
        MigrateResult result = flyway().migrate();
        assertThat(result.migrationsExecuted).isEqualTo(SchemaMigrator.migrationCount());

        try (PostgresJobStore store = PostgresJobStore.builder(db.dataSource()).schema(db.schema())
                .schemaManagedExternally(true).build()) {
            long id = store.enqueue(NewJob.of("registry-a", "1")).id();
            List<Job> claimed = store.claim("w-1", 1, Duration.ofSeconds(30));
            assertThat(claimed).extracting(Job::id).containsExactly(id);
            assertThat(store.find(id).orElseThrow().status()).isEqualTo(JobStatus.PROCESSING);
        }
        assertThat(flyway().info().current().getVersion().getVersion())
                .isEqualTo(String.valueOf(SchemaMigrator.latestVersion()));
        flyway().validate(); // the store changed nothing Flyway tracks
    }

    @Test
    void withoutTheSettingTheStoreSaysTheSchemaIsManagedElsewhereNotThatItHasNoTables() {
        flyway().migrate();
        assertThatThrownBy(() -> PostgresJobStore.builder(db.dataSource()).schema(db.schema()).build())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("has Docket's tables but no docket_schema_version")
                .hasMessageContaining("schemaManagedExternally(true)");
    }

    @Test
    void schemaMigratorLeavesAFlywaySchemaAloneAndSeesNoDocketVersion() {
        flyway().migrate();
        assertThatThrownBy(() -> SchemaMigrator.migrate(db.dataSource(), db.schema()))
                .isInstanceOf(StoreException.class).hasMessageContaining("migrated by another tool");
        assertThat(SchemaMigrator.currentVersion(db.dataSource(), db.schema())).isZero();
        assertThatThrownBy(() -> PostgresJobStore.builder(db.dataSource()).schema(db.schema())
                .schemaManagedExternally(true).autoMigrate(true).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("autoMigrate must be false when schemaManagedExternally is true");
    }

    @Test
    void aMissingColumnOrAnEmptySchemaIsRefusedNamingWhatIsMissing() {
        db.execute("CREATE SCHEMA \"" + db.schema() + "\"");
        assertThatThrownBy(() -> PostgresJobStore.builder(db.dataSource()).schema(db.schema())
                .schemaManagedExternally(true).build())
                .isInstanceOf(StoreException.class).hasMessageContaining("has no Docket tables");

        flyway().migrate();
        db.execute("ALTER TABLE \"" + db.schema() + "\".extraction_queue DROP COLUMN reset_count");
        assertThatThrownBy(() -> PostgresJobStore.builder(db.dataSource()).schema(db.schema())
                .schemaManagedExternally(true).build())
                .isInstanceOf(StoreException.class).hasMessageContaining("lacks [extraction_queue.reset_count]");
    }

    @Test
    void aSchemaMigratorSchemaIsAcceptedTooAndItsVersionStillChecked() {
        SchemaMigrator.migrate(db.dataSource(), db.schema());
        try (PostgresJobStore store = PostgresJobStore.builder(db.dataSource()).schema(db.schema())
                .schemaManagedExternally(true).build()) {
            assertThat(store.enqueue(NewJob.of("registry-a", "1")).id()).isPositive();
        }
        db.execute("DELETE FROM \"" + db.schema() + "\".docket_schema_version");
        db.execute("INSERT INTO \"" + db.schema() + "\".docket_schema_version (version, description, script, checksum)"
                + " VALUES (" + (SchemaMigrator.latestVersion() + 1) + ", 'future', 'V99__future.sql', '00')");
        assertThatThrownBy(() -> PostgresJobStore.builder(db.dataSource()).schema(db.schema())
                .schemaManagedExternally(true).build())
                .isInstanceOf(StoreException.class).hasMessageContaining("migrated by a newer Docket");
    }

    @Test
    void theColumnListTheCheckUsesIsExactlyWhatTheMigrationsCreate() throws SQLException {
        SchemaMigrator.migrate(db.dataSource(), db.schema());
        Map<String, List<String>> actual = new TreeMap<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT table_name, column_name"
                + " FROM information_schema.columns WHERE table_schema = ? AND table_name <> ?"
                + " ORDER BY table_name, ordinal_position")) {
            ps.setString(1, db.schema());
            ps.setString(2, SchemaMigrator.VERSION_TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    actual.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        assertThat(actual).isEqualTo(new TreeMap<>(SchemaMigrator.REQUIRED_COLUMNS));
    }
}
