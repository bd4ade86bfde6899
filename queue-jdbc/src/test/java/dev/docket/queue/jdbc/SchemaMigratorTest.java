package dev.docket.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.StoreException;
import dev.docket.testing.DocketPostgres;
import java.io.File;
import java.lang.reflect.Proxy;
import java.net.URISyntaxException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemaMigratorTest {
    /** A fresh schema name for each test (an instance field), dropped after it. */
    @RegisterExtension
    DocketPostgres db = DocketPostgres.empty();

    @Test
    void migrateCreatesTheSchemaTablesIndexesAndVersionRow() throws SQLException {
        assertThat(SchemaMigrator.migrate(db.dataSource(), db.schema())).isEqualTo(SchemaMigrator.migrationCount());

        assertThat(SchemaMigrator.currentVersion(db.dataSource(), db.schema())).isEqualTo(SchemaMigrator.latestVersion());
        assertThat(strings("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + db.schema()
                + "' ORDER BY 1")).containsExactly("docket_schema_version", "docket_source", "docket_source_event",
                        "extraction_job_event", "extraction_queue", "job_progress", "worker_status");
        assertThat(strings("SELECT indexname FROM pg_indexes WHERE schemaname = '" + db.schema() + "' ORDER BY 1"))
                .contains("extraction_queue_claim_idx", "extraction_queue_stale_idx",
                        "extraction_queue_idempotency_key_idx", "extraction_queue_completed_at_idx",
                        "extraction_job_event_job_id_idx", "extraction_queue_pending_created_idx");
        assertThat(strings("SELECT indexdef FROM pg_indexes WHERE schemaname = '" + db.schema()
                + "' AND indexname = 'extraction_queue_claim_idx'")).singleElement().asString()
                .contains("(priority DESC, run_after, id)").contains("WHERE (status_id = 1)");
        assertThat(strings("SELECT indexdef FROM pg_indexes WHERE schemaname = '" + db.schema()
                + "' AND indexname = 'extraction_queue_idempotency_key_idx'")).singleElement().asString()
                .startsWith("CREATE UNIQUE INDEX").contains("status_id = ANY");
        assertThat(strings("SELECT unnest(reloptions) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = '" + db.schema() + "' AND c.relname = 'extraction_queue'"))
                .contains("fillfactor=70", "autovacuum_vacuum_scale_factor=0.01", "autovacuum_vacuum_cost_delay=0");
        assertThat(strings("SELECT data_type FROM information_schema.columns WHERE table_schema = '" + db.schema()
                + "' AND table_name = 'extraction_queue' AND column_name IN ('created_at', 'updated_at', 'run_after',"
                + " 'lease_expires_at', 'processing_started_at', 'completed_at')"))
                .hasSize(6).containsOnly("timestamp with time zone");
    }

    @Test
    void aVersion1SchemaWithJobsIsUpgradedInPlace() throws SQLException {
        SchemaMigrator.migrate(db.dataSource(), db.schema());
        String s = "\"" + db.schema() + "\".";
        db.execute("DROP TABLE " + s + "docket_source", "DROP TABLE " + s + "docket_source_event",
                "DROP SEQUENCE " + s + "docket_claim_seq", "DROP INDEX " + s + "extraction_queue_source_claim_idx",
                "ALTER TABLE " + s + "extraction_queue DROP COLUMN holds_slot",
                "ALTER TABLE " + s + "worker_status DROP COLUMN extractor_figures", "DROP TABLE " + s + "job_progress",
                "DELETE FROM " + s + "docket_schema_version WHERE version >= 2",
                "INSERT INTO " + s + "extraction_queue (document_source, document_number) VALUES ('registry-a', 'old-1')");

        assertThat(SchemaMigrator.migrate(db.dataSource(), db.schema())).isEqualTo(SchemaMigrator.latestVersion() - 1);

        assertThat(strings("SELECT document_number || ':' || holds_slot FROM " + s + "extraction_queue"))
                .containsExactly("old-1:false");
        try (PostgresJobStore store = PostgresJobStore.builder(db.dataSource()).schema(db.schema()).build()) {
            assertThat(store.claim("w-1", 10, java.time.Duration.ofSeconds(30))).extracting(j -> j.documentNumber())
                    .containsExactly("old-1");
            assertThat(store.sources()).extracting(st -> st.source()).containsExactly("registry-a");
        }
    }

    @Test
    void migrateIsIdempotent() {
        assertThat(SchemaMigrator.migrate(db.dataSource(), db.schema())).isEqualTo(SchemaMigrator.migrationCount());
        assertThat(SchemaMigrator.migrate(db.dataSource(), db.schema())).isZero();
        assertThat(SchemaMigrator.migrate(db.dataSource(), db.schema())).isZero();
        assertThat(strings("SELECT version::text FROM \"" + db.schema() + "\".docket_schema_version ORDER BY version"))
                .containsExactlyElementsOf(SchemaMigrator.knownVersions().stream().map(String::valueOf).toList());
    }

    @Test
    void eightConcurrentMigrationsApplyEachVersionOnceAndAllSucceed() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                // each thread its own pool: as if eight processes started at once
                DataSource ds = db.newDataSource(db.jdbcUrl(), 1, java.time.Duration.ofSeconds(30));
                results.add(pool.submit(() -> {
                    start.await();
                    return SchemaMigrator.migrate(ds, db.schema());
                }));
            }
            start.countDown();
            List<Integer> applied = new ArrayList<>();
            for (Future<Integer> f : results) {
                applied.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(applied).containsOnly(0, SchemaMigrator.migrationCount()).containsOnlyOnce(SchemaMigrator.migrationCount());
        } finally {
            pool.shutdownNow();
        }
        assertThat(SchemaMigrator.currentVersion(db.dataSource(), db.schema())).isEqualTo(SchemaMigrator.latestVersion());
        assertThat(strings("SELECT count(*)::text FROM \"" + db.schema() + "\".docket_schema_version"))
                .containsExactly(String.valueOf(SchemaMigrator.migrationCount()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"docket; DROP TABLE x", "docket\"; DROP SCHEMA public CASCADE; --", "Docket", "pg_temp",
        "docket.jobs", "docket'--", ""})
    void schemaNamesThatAreNotPlainIdentifiersAreRejectedBeforeAnySql(String bad) {
        List<String> schemasBefore = strings("SELECT nspname FROM pg_namespace ORDER BY 1");
        assertThatThrownBy(() -> SchemaMigrator.migrate(db.dataSource(), bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("schema must");
        assertThatThrownBy(() -> PostgresJobStore.builder(db.dataSource()).schema(bad).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("schema must");
        assertThat(strings("SELECT nspname FROM pg_namespace ORDER BY 1")).as("no schema created or dropped")
                .isEqualTo(schemasBefore);
    }

    @Test
    void aSchemaMigratedByANewerDocketIsRefusedWithAClearMessage() {
        SchemaMigrator.migrate(db.dataSource(), db.schema());
        db.execute("INSERT INTO \"" + db.schema() + "\".docket_schema_version (version, description, script, checksum)"
                + " VALUES (99, 'future', 'V99__future.sql', 'x')");

        assertThatThrownBy(() -> SchemaMigrator.migrate(db.dataSource(), db.schema()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is at version 99").hasMessageContaining("only knows versions up to " + SchemaMigrator.latestVersion())
                .hasMessageContaining("upgrade");
        assertThatThrownBy(() -> PostgresJobStore.builder(db.dataSource()).schema(db.schema()).build())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is at version 99");
    }

    @Test
    void buildingAStoreOnASchemaWithoutTablesSaysToMigrate() {
        assertThatThrownBy(() -> PostgresJobStore.builder(db.dataSource()).schema(db.schema()).build())
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("schema '" + db.schema() + "' has no Docket tables: run"
                        + " SchemaMigrator.migrate(dataSource")
                .hasMessageContaining("autoMigrate")
                .satisfies(e -> assertThat(((StoreException) e).isTransient()).isFalse());
    }

    @Test
    void tablesDroppedUnderARunningStoreGiveTheSameAdvice() {
        try (PostgresJobStore store = PostgresJobStore.builder(db.dataSource()).schema(db.schema()).autoMigrate(true)
                .build()) {
            db.execute("DROP TABLE \"" + db.schema() + "\".extraction_queue CASCADE");
            assertThatThrownBy(() -> store.claim("w-1", 1, java.time.Duration.ofSeconds(30)))
                    .isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("schema '" + db.schema() + "' has no Docket tables");
        }
    }

    @Test
    void autoMigrateCreatesTheSchemaAtBuild() {
        try (PostgresJobStore store = PostgresJobStore.builder(db.dataSource()).schema(db.schema()).autoMigrate(true)
                .build()) {
            assertThat(store.schema()).isEqualTo(db.schema());
            assertThat(store.stats().now()).isNotNull();
        }
        assertThat(SchemaMigrator.currentVersion(db.dataSource(), db.schema())).isEqualTo(SchemaMigrator.latestVersion());
    }

    @Test
    void aDatabaseThatIsNotPostgresIsRefusedAtBuildAndMigrate() {
        DataSource h2 = fakeDataSource("H2", "2.2.224", "jdbc:h2:mem:app;USER=sa;PASSWORD=hunter2");

        assertThatThrownBy(() -> PostgresJobStore.builder(h2).build())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("needs PostgreSQL").hasMessageContaining("H2 2.2.224")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> SchemaMigrator.migrate(h2))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("needs PostgreSQL").hasMessageNotContaining("hunter2");
    }

    @Test
    void everyMigrationFileInTheJarIsListedInOrder() throws URISyntaxException {
        File dir = new File(Objects.requireNonNull(SchemaMigrator.class.getResource("/dev/docket/queue/jdbc/migrations"))
                .toURI());
        List<String> files = Arrays.stream(Objects.requireNonNull(dir.list())).sorted().collect(Collectors.toList());
        assertThat(files).as("add new files to SchemaMigrator.MIGRATIONS and bump latestVersion")
                .hasSize(SchemaMigrator.migrationCount());
        for (int i = 0; i < files.size(); i++) {
            assertThat(files.get(i)).startsWith("V" + SchemaMigrator.knownVersions().get(i) + "__").endsWith(".sql");
        }
    }

    private List<String> strings(String sql) {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A DataSource whose connections report another database product. */
    private static DataSource fakeDataSource(String product, String version, String url) {
        DatabaseMetaData md = (DatabaseMetaData) Proxy.newProxyInstance(SchemaMigratorTest.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "getDatabaseProductName":
                            return product;
                        case "getDatabaseProductVersion":
                            return version;
                        case "getURL":
                            return url;
                        case "getDatabaseMajorVersion":
                            return 2;
                        default:
                            throw new UnsupportedOperationException(m.getName());
                    }
                });
        Connection c = (Connection) Proxy.newProxyInstance(SchemaMigratorTest.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "getMetaData":
                            return md;
                        case "close":
                            return null;
                        case "getAutoCommit":
                        case "isClosed":
                            return m.getName().equals("getAutoCommit");
                        default:
                            throw new UnsupportedOperationException(m.getName());
                    }
                });
        return (DataSource) Proxy.newProxyInstance(SchemaMigratorTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (p, m, a) -> {
                    if (m.getName().equals("getConnection")) {
                        return c;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }
}
