package dev.docket.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.testing.DocketPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** check-db's open-transaction list shows other sessions' query texts: passwords in them are masked, however quoted. */
class OpenTransactionsMaskingTest {
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.empty();

    @Test
    void passwordsInOtherSessionsQueriesAreMaskedWhateverTheirQuoting() throws SQLException {
        String[] statements = {
            "CREATE ROLE docket_masked_1 PASSWORD 'Se,cr)et@/1''x'",
            "CREATE ROLE docket_masked_2 PASSWORD $$Se,cr)et@/2$$",
            "CREATE ROLE docket_masked_3 PASSWORD $tag$Se,cr)et@/3$tag$",
            "CREATE ROLE docket_masked_4 PASSWORD E'Se\\'cr)et@/4'",
            "CREATE ROLE docket_masked_5 LOGIN ENCRYPTED PASSWORD /* why not */ U&'Se,cr)et@/5'",
            "CREATE ROLE docket_masked_6 PASSWORD -- a comment\n 'Se,cr)et@/6'",
        };
        Map<Integer, String> byPid = new HashMap<>();
        List<Connection> holders = new ArrayList<>();
        try {
            for (String sql : statements) {
                Connection c = db.connect();
                holders.add(c);
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                        rs.next();
                        byPid.put(rs.getInt(1), sql);
                    }
                    st.execute(sql); // never committed: each connection rolls back
                }
            }

            List<DatabaseChecks.OpenTransaction> open = DatabaseChecks.openTransactions(db.dataSource(), new Secrets(),
                    1000);

            List<String> queries = new ArrayList<>();
            for (DatabaseChecks.OpenTransaction x : open) {
                if (byPid.containsKey(x.pid())) {
                    queries.add(x.query());
                }
            }
            assertThat(queries).hasSize(statements.length);
            assertThat(queries).allSatisfy(q -> assertThat(q).contains("PASSWORD").contains("'***'")
                    .doesNotContain("Se,cr").doesNotContain("cr)et").doesNotContain("et@/"));
            assertThat(queries).contains("CREATE ROLE docket_masked_2 PASSWORD '***'",
                    "CREATE ROLE docket_masked_6 PASSWORD -- a comment '***'");
        } finally {
            for (Connection c : holders) {
                c.rollback();
                c.close();
            }
        }
    }
}
