package dev.docket.queue.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.queue.StoreException;
import dev.docket.testing.DocketPostgres;
import org.junit.jupiter.api.extension.RegisterExtension;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runner every JDBC caller shares: one transaction per call, timeouts local to it, errors translated. */
class JdbcTest {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.empty();
    /** One connection: every call below borrows the same session, so what leaks from one call shows in the next. */
    private static HikariDataSource oneConnection;
    private static Jdbc jdbc;

    @BeforeAll
    static void start() {
        db.execute("CREATE SCHEMA " + db.schema(), "CREATE TABLE " + db.schema() + ".probe (x int)");
        oneConnection = db.newDataSource(db.jdbcUrl(), 1, Duration.ofSeconds(5));
        jdbc = Jdbc.over(oneConnection, db.schema());
    }

    @AfterAll
    static void stop() {
        oneConnection.close();
    }

    private static String show(java.sql.Connection c, String setting) throws java.sql.SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void theTimeoutsHoldForTheTransactionOnlyAndAutoCommitComesBack() {
        Jdbc bounded = jdbc.withTimeouts(Duration.ofMillis(2500), Duration.ofMillis(1500));
        List<String> inside = bounded.inTransaction("read the timeouts", c -> {
            assertThat(c.getAutoCommit()).isFalse();
            return List.of(show(c, "statement_timeout"), show(c, "lock_timeout"));
        });
        List<String> after = jdbc.onConnection("read the timeouts again",
                c -> List.of(show(c, "statement_timeout"), show(c, "lock_timeout"), String.valueOf(c.getAutoCommit())));

        assertThat(inside).containsExactly("2500ms", "1500ms");
        assertThat(after).containsExactly("0", "0", "true");
    }

    @Test
    void workThatThrowsIsRolledBackAndItsExceptionRethrownAsIs() {
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> jdbc.inTransaction("insert then fail", c -> {
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO " + db.schema() + ".probe VALUES (1)");
            }
            throw boom;
        })).isSameAs(boom);

        long rows = jdbc.onConnection("count", c -> {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM " + db.schema() + ".probe")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        assertThat(rows).isZero();
    }

    @Test
    void anSqlExceptionBecomesAStoreExceptionNamingTheOperationAndSchema() {
        assertThatThrownBy(() -> jdbc.inTransaction("read nonsense", c -> {
            try (Statement st = c.createStatement()) {
                return st.executeQuery("SELEC 1");
            }
        })).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.isTransient()).isFalse();
            assertThat(e).hasMessageStartingWith("could not read nonsense in schema '" + db.schema() + "': ")
                    .hasMessageContaining("[SQLState 42601]");
        });
    }

    @Test
    void aStatementCutOffByTheTimeoutIsATransientStoreException() {
        Jdbc bounded = jdbc.withTimeouts(Duration.ofMillis(100), Duration.ofMillis(100));
        assertThatThrownBy(() -> bounded.inTransaction("sleep", c -> {
            try (Statement st = c.createStatement()) {
                return st.execute("SELECT pg_sleep(5)");
            }
        })).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.isTransient()).isTrue();
            assertThat(e).hasMessageContaining("57014");
        });
    }
}
