package dev.docket.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.benchmarks.BenchDatabase;
import dev.docket.testing.DocketPostgres;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The quick chaos soak (K=3 worker processes, M=2,000 jobs, about a minute, lease 2 s) as part of
 * {@code mvn verify}: SIGKILLs, a graceful SIGTERM restart, database cuts through a TCP proxy, JVM
 * halts, hangs and failures, and a batch of hostile input; every invariant must hold. PostgreSQL is
 * found like every other test ({@link DocketPostgres}). Worker output: {@code target/soak-logs}.
 */
class SoakQuickTest {

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyInvariantHoldsUnderChaos() throws Exception {
        BenchDatabase.Server server;
        try (DocketPostgres found = DocketPostgres.empty()) {
            String user = found.connectionProperties().getProperty("user", BenchDatabase.LOCAL_USER);
            String password = found.connectionProperties().getProperty("password", "");
            server = new BenchDatabase.Server(found.jdbcUrl(), user, password);
        }
        SoakReport report = SoakTest.run(SoakConfig.quick().withLogDir(Path.of("target", "soak-logs")), server,
                System.out);
        System.out.println(report.summary());
        assertThat(report.failures()).as(report.summary()).isEmpty();
        assertThat(report.lost()).isZero();
        assertThat(report.stuck()).isZero();
        assertThat(report.doubleCompletions()).isZero();
    }
}
