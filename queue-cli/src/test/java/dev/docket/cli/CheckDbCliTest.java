package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.NewJob;
import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.queue.testing.Await;
import dev.docket.testing.DocketPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** check-db: what check-redis was for, for PostgreSQL. */
class CheckDbCliTest {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.migrated();
    static CliRunner cli;

    @BeforeAll
    static void startDatabase() {
        cli = CliRunner.on(db);
        try (PostgresJobStore store = PostgresJobStore.builder(db.dataSource()).schema(db.schema())
                .notifications(false).build()) {
            store.enqueue(NewJob.of("registry-a", "N-1"));
        }
    }

    @Test
    void reportsConnectivityNotifyTablesIndexesAndVacuumWithoutAlert() {
        CliRunner.Run r = cli.run("check-db");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("server\\s+PostgreSQL \\d+")
                .containsPattern("round trip\\s+\\d+\\.\\d\\dms")
                .containsPattern("LISTEN/NOTIFY\\s+delivered in \\d+\\.\\d\\dms")
                .containsPattern("schema\\s+" + db.schema() + ", version " + dev.docket.queue.jdbc.SchemaMigrator.latestVersion())
                .containsPattern("(?m)^\\s+extraction_queue\\s+\\d+\\s+\\d+\\s+\\d+\\.\\d%")
                .containsPattern("(?m)^\\s+worker_status\\s")
                .containsPattern("extraction_queue_claim_idx\\s+extraction_queue\\s+\\d+\\.\\d KiB")
                .contains("extraction_queue: ").contains("last autovacuum")
                .contains("VACUUM HORIZON").contains("ALERTS\n  none");
    }

    @Test
    void aLongOpenTransactionRaisesTheAlertAndExitsOne() throws SQLException {
        try (Connection holder = db.connect()) {
            holder.setAutoCommit(false);
            holder.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            int pid;
            try (Statement st = holder.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_backend_pid(), count(*) FROM \"" + db.schema()
                         + "\".extraction_queue")) {
                rs.next();
                pid = rs.getInt(1);
            }
            Await.until("the transaction is older than 50ms", () -> transactionAgeMillis(pid) > 50);

            CliRunner.Run r = cli.run("check-db", "--xact-alert", "20ms");

            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).containsPattern("(?m)^\\s+" + pid + "\\s+\\S+\\s.*idle in transaction");
            assertThat(r.out()).contains("! transaction of pid ").contains("> 20ms: vacuum cannot remove dead rows")
                    .contains("pg_terminate_backend(");

            CliRunner.Run json = cli.run("check-db", "--xact-alert", "20ms", "--json");
            assertThat(json.exit()).isEqualTo(1);
            Map<String, Object> doc = MiniJson.object(json.out());
            assertThat(doc.get("status")).isEqualTo("ALERT");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> xacts = (List<Map<String, Object>>) doc.get("openTransactions");
            assertThat(xacts).anySatisfy(x -> {
                assertThat(((Double) x.get("pid")).intValue()).isEqualTo(pid);
                assertThat((Double) x.get("openSeconds")).isGreaterThan(0.05);
                assertThat(x.get("state")).isEqualTo("idle in transaction");
            });
            holder.rollback();
        }
    }

    @Test
    void jsonOutputParses() {
        CliRunner.Run r = cli.run("check-db", "--json");

        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, Object> doc = MiniJson.object(r.out());
        assertThat(doc.get("status")).isEqualTo("OK");
        @SuppressWarnings("unchecked")
        Map<String, Object> notify = (Map<String, Object>) doc.get("notify");
        assertThat(notify.get("delivered")).isEqualTo(true);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> tables = (List<Map<String, Object>>) doc.get("tables");
        assertThat(tables).extracting(t -> t.get("name")).contains("extraction_queue", "worker_status",
                "extraction_job_event");
        assertThat(tables).filteredOn(t -> t.get("name").equals("extraction_queue"))
                .singleElement().satisfies(t -> assertThat((Double) t.get("totalBytes")).isPositive());
        assertThat((List<?>) doc.get("indexes")).isNotEmpty();
        assertThat((List<?>) doc.get("alerts")).isEmpty();
    }

    @Test
    void aSchemaWithoutTablesIsAnAlert() {
        try (DocketPostgres empty = DocketPostgres.empty()) {
            CliRunner.Run r = CliRunner.on(empty).run("check-db");
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).contains("! schema " + empty.schema() + " has no Docket tables: run 'docket migrate'");
        }
    }

    static long transactionAgeMillis(int pid) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT extract(epoch FROM clock_timestamp() - xact_start) * 1000 FROM pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? (long) rs.getDouble(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read pg_stat_activity: " + e.getMessage(), e);
        }
    }
}
