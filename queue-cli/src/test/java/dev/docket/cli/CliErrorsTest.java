package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.testing.DocketPostgres;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Exit statuses, one-line messages, --help everywhere, and passwords never printed. */
class CliErrorsTest {
    static final List<String> COMMANDS = List.of("migrate", "reset-stuck-jobs", "diagnose", "check-db", "enqueue", "retry",
            "cancel", "purge", "forget-worker");
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.migrated();

    @Test
    void anUnreachableDatabaseIsExitTwoWithinTenSecondsNamingTheHostButNotThePassword() {
        CliRunner cli = CliRunner.withoutEnvironment();
        for (String command : List.of("diagnose", "check-db", "reset-stuck-jobs", "migrate")) {
            long t0 = System.nanoTime();
            CliRunner.Run r = cli.run("--jdbc-url", "jdbc:postgresql://127.0.0.1:1/test?user=ops&password=secret",
                    command);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(took).isLessThan(Duration.ofSeconds(10));
            assertThat(r.err()).startsWith("docket " + command + ": cannot connect to PostgreSQL at 127.0.0.1:1 (database test)")
                    .doesNotContain("secret").doesNotContain("\tat ");
            assertThat(r.err().lines()).hasSize(1);
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void aServerThatAcceptsButNeverAnswersIsExitTwoWithinTenSeconds() throws java.io.IOException {
        // the kernel completes the TCP handshake for the backlog; nothing ever reads or answers
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            long t0 = System.nanoTime();
            CliRunner.Run r = CliRunner.withoutEnvironment().run("--jdbc-url",
                    "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/test", "diagnose");
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(took).isLessThan(Duration.ofSeconds(10));
            assertThat(r.err()).startsWith("docket diagnose: cannot connect to PostgreSQL at 127.0.0.1:"
                    + silent.getLocalPort());
        }
    }

    @Test
    void passwordsFromOptionsUrlsAndTheEnvironmentNeverAppearEvenWithVerbose() {
        Map<String, String> env = new HashMap<>();
        env.put("DOCKET_JDBC_URL", "jdbc:postgresql://ops:pa55word-in-url@127.0.0.1:1/test");
        env.put("DOCKET_DB_PASSWORD", "hunter2-from-env");
        CliRunner.Run r = run(env, "diagnose", "--verbose");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("127.0.0.1:1").contains("\tat ").doesNotContain("pa55word-in-url")
                .doesNotContain("hunter2-from-env");

        assertThat(r.err()).contains("must not carry user:password@");

        CliRunner.Run param = CliRunner.withoutEnvironment().run("-v", "--jdbc-url",
                "jdbc:postgresql://127.0.0.1:1/test?password=p%40ss-in-param", "reset-stuck-jobs");
        assertThat(param.exit()).isEqualTo(2);
        assertThat(param.err()).contains("\tat ").doesNotContain("p%40ss-in-param").doesNotContain("p@ss-in-param");

        CliRunner.Run typo = CliRunner.withoutEnvironment().run("diagnose", "--pasword", "typo-secret-1",
                "--password", "typo-secret-1");
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err()).doesNotContain("typo-secret-1");

        CliRunner.Run opt = CliRunner.withoutEnvironment().run("--jdbc-url", "jdbc:postgresql://127.0.0.1:1/test",
                "--password", "s3cret-option", "check-db", "-v");
        assertThat(opt.exit()).isEqualTo(2);
        assertThat(opt.err()).doesNotContain("s3cret-option");

        CliRunner.Run badUrl = CliRunner.withoutEnvironment().run("--jdbc-url", "jdbc:mysql://h/db?password=topsecret",
                "diagnose");
        assertThat(badUrl.exit()).isEqualTo(2);
        assertThat(badUrl.err()).contains("must be a PostgreSQL JDBC URL").contains("password=***")
                .doesNotContain("topsecret");
    }

    @Test
    void noDatabaseGivenIsAUsageError() {
        CliRunner.Run r = CliRunner.withoutEnvironment().run("diagnose");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("docket diagnose: no database given: use --jdbc-url URL or set DOCKET_JDBC_URL"
                + " (e.g. jdbc:postgresql://127.0.0.1:5432/app)" + System.lineSeparator());
    }

    @ParameterizedTest
    @ValueSource(strings = {"reset-stuck-jobs --older-than 5x", "reset-stuck-jobs --older-than 0s",
            "purge --older-than soon", "diagnose --heartbeat-alert -2m", "diagnose --error-rate-alert 1.5",
            "check-db --xact-alert 5 minutes", "cancel --job abc", "cancel", "diagnose --bogus", "frobnicate", ""})
    void usageErrorsAreExitTwoWithOneLineNamingTheProblem(String args) {
        CliRunner.Run r = CliRunner.on(db).run(args.isEmpty() ? new String[0] : args.split(" "));
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err().lines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).startsWith("docket").contains("--help");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void badDurationsNameTheOptionAndTheValue() {
        CliRunner.Run r = CliRunner.on(db).run("reset-stuck-jobs", "--older-than", "5x");
        assertThat(r.err()).contains("Invalid value for option '--older-than': '5x' is not a duration")
                .contains("30s, 5m, 2h or 30d");
        CliRunner.Run zero = CliRunner.on(db).run("reset-stuck-jobs", "--older-than", "0s");
        assertThat(zero.err()).contains("--older-than must be greater than 0");
    }

    @Test
    void everyCommandHasHelpAndExitsZero() {
        CliRunner cli = CliRunner.withoutEnvironment();
        CliRunner.Run root = cli.run("--help");
        assertThat(root.exit()).isZero();
        assertThat(root.out()).contains("Usage: docket").contains("Exit status:");
        for (String c : COMMANDS) {
            assertThat(root.out()).contains("  " + c + " ");
            CliRunner.Run r = cli.run(c, "--help");
            assertThat(r.exit()).as(c).isZero();
            assertThat(r.out()).as(c).contains("Usage: docket " + c).contains("--jdbc-url");
            assertThat(r.err()).isEmpty();
        }
        assertThat(cli.run("--version").out()).startsWith("docket-cli ");
    }

    @Test
    void optionsWorkBeforeOrAfterTheCommandAndTheEnvironmentIsTheFallback() {
        Map<String, String> env = new HashMap<>(CliRunner.on(db).env());
        String url = env.remove("DOCKET_JDBC_URL");
        String schema = env.remove("DOCKET_SCHEMA");
        assertThat(run(env, "--jdbc-url", url, "--schema", schema, "diagnose").exit()).isZero();
        assertThat(run(env, "diagnose", "--jdbc-url", url, "--schema", schema).exit()).isZero();
        CliRunner.Run wrongSchema = run(env, "--jdbc-url", url, "--schema", "Bad-Name", "diagnose");
        assertThat(wrongSchema.exit()).isEqualTo(2);
        assertThat(wrongSchema.err()).contains("--schema must match");
    }

    static CliRunner.Run run(Map<String, String> env, String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int exit = DocketCli.run(args, new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), env);
        return new CliRunner.Run(exit, out.toString(java.nio.charset.StandardCharsets.UTF_8),
                err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
}
