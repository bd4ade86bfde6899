package dev.docket.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PostgreSQL extension's own lifecycle (queue-jdbc's tests use it migrated; it is not on this classpath). */
class DocketPostgresTest {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.empty();

    static boolean schemaExists(DocketPostgres on, String schema) throws Exception {
        try (Connection c = on.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name = '" + schema + "'")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    @Test
    void theExtensionOpensAFreshSchemaNameAndCloseDropsTheSchema() throws Exception {
        assertThat(db.schema()).matches("docket_t_[0-9a-f]{12}");
        String schema;
        try (DocketPostgres other = DocketPostgres.empty()) {
            schema = other.schema();
            assertThat(schema).isNotEqualTo(db.schema());
            other.execute("CREATE SCHEMA \"" + schema + "\"");
            assertThat(schemaExists(other, schema)).isTrue();
        }
        assertThat(schemaExists(db, schema)).as("dropped on close").isFalse();
    }

    @Test
    void aClosedDatabaseSaysSo() {
        DocketPostgres closed = DocketPostgres.empty();
        closed.close();
        assertThatThrownBy(closed::dataSource).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }

    @Test
    void migratedWithoutQueueJdbcOnTheClasspathSaysWhatToAdd() {
        try (DocketPostgres migrated = DocketPostgres.migrated()) {
            assertThatThrownBy(migrated::open).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("dev.docket.queue.jdbc.SchemaMigrator")
                    .hasMessageContaining("add dev.docket:queue-jdbc");
        }
    }

    @Test
    void passwordsAreMaskedInUrlsAndMessages() {
        assertThat(dev.docket.testing.internal.PostgresServer.mask("jdbc:postgresql://h/db?user=a&password=s3cret"))
                .isEqualTo("jdbc:postgresql://h/db?user=a&password=***");
        assertThat(dev.docket.testing.internal.PostgresServer.mask("postgresql://bob:s3cret@h/db")).isEqualTo("postgresql://bob:***@h/db");
    }

    @Test
    void theProxyReachesTheServerAndCutsIt() throws Exception {
        TcpProxy proxy = db.proxy();
        try (Connection c = java.sql.DriverManager.getConnection(db.jdbcUrlVia("127.0.0.1", proxy.port()),
                db.connectionProperties())) {
            assertThat(c.isValid(5)).isTrue();
            proxy.cut();
            assertThat(c.isValid(2)).isFalse();
        }
        proxy.resume();
        try (Connection c = java.sql.DriverManager.getConnection(db.jdbcUrlVia("127.0.0.1", proxy.port()),
                db.connectionProperties())) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    /** JUnit calls a static extension's beforeAll/afterAll for each nested class too: the schema outlives them. */
    @Nested
    class FirstNested {
        @Test
        void theSchemaIsOpen() {
            db.execute("SELECT 1");
        }
    }

    @Nested
    class SecondNested {
        @Test
        void theSchemaIsStillOpenAfterAnotherNestedClass() {
            db.execute("SELECT 1");
        }
    }
}
