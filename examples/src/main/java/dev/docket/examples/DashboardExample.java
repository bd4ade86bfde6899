package dev.docket.examples;

import dev.docket.web.DashboardAuth;
import dev.docket.web.DashboardRole;
import dev.docket.web.DocketDashboard;
import javax.sql.DataSource;

/** Embedding the dashboard in a host application (the README's Dashboard snippet). */
public final class DashboardExample {
    private DashboardExample() {
    }

    /**
     * Starts the dashboard on all interfaces, port 8080, with two signed-in users. {@code aliceHash} and
     * {@code bobHash} come from {@link DashboardAuth#hashPassword(char[])}, run once when the users are made
     * (keep the hashes in the application's secret store, never the passwords).
     */
    public static DocketDashboard start(DataSource dataSource, String aliceHash, String bobHash) {
        DashboardAuth auth = DashboardAuth.basic()
                .user("alice", aliceHash, DashboardRole.OPERATOR)   // may reset, retry and cancel
                .user("bob", bobHash, DashboardRole.READ_ONLY)      // sees everything, changes nothing
                .build();
        DocketDashboard dashboard = DocketDashboard.builder(dataSource)
                .schema("docket")
                .bind("0.0.0.0")   // the default is 127.0.0.1; put TLS in front (a reverse proxy) beyond it
                .port(8080)
                .auth(auth)
                .start();
        return dashboard;   // close() it when the application stops
    }
}
