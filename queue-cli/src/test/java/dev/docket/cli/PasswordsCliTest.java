package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.testing.DocketPostgres;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the CLI takes the database password from besides the environment (--password-file, --password-stdin), the
 * warning for --password (visible in the process list), and passwords with awkward characters never printed.
 */
class PasswordsCliTest {
    static final String ROLE_PASSWORD = "Pw,with)all@the/bad'chars";
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.migrated();
    static String role;
    static String url;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDatabase() {
        role = "docket_pw_" + Long.toHexString(System.nanoTime());
        db.execute("CREATE ROLE " + role + " LOGIN SUPERUSER PASSWORD '" + ROLE_PASSWORD.replace("'", "''") + "'");
        url = CliRunner.on(db).env().get("DOCKET_JDBC_URL");
    }

    @AfterAll
    static void dropDatabase() {
        db.execute("DROP ROLE IF EXISTS " + role);
    }

    /** The environment of the test database without its user and password. */
    static Map<String, String> envWithoutCredentials() {
        Map<String, String> env = new HashMap<>(CliRunner.on(db).env());
        env.remove("DOCKET_DB_USER");
        env.remove("DOCKET_DB_PASSWORD");
        return env;
    }

    static CliRunner.Run run(Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = DocketCli.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env);
        return new CliRunner.Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void thePasswordCanComeFromAFileWithoutItsFinalNewline() throws IOException {
        Path file = dir.resolve("db-password");
        Files.writeString(file, ROLE_PASSWORD + "\n");

        CliRunner.Run r = run(envWithoutCredentials(), "", "diagnose", "--user", role, "--password-file", file.toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("user " + role).doesNotContain(ROLE_PASSWORD);
    }

    @Test
    void thePasswordCanComeFromStandardInput() {
        CliRunner.Run r = run(envWithoutCredentials(), ROLE_PASSWORD + "\r\n", "--user", role, "--password-stdin",
                "check-db");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("user " + role);
    }

    @Test
    void badPasswordSourcesAreUsageErrorsNamingTheSourceButNotItsContent() throws IOException {
        Path missing = dir.resolve("missing");
        CliRunner.Run r = run(envWithoutCredentials(), "", "diagnose", "--password-file", missing.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--password-file").contains(missing.toString());

        Path empty = dir.resolve("empty");
        Files.writeString(empty, "\n");
        CliRunner.Run e = run(envWithoutCredentials(), "", "diagnose", "--password-file", empty.toString());
        assertThat(e.exit()).isEqualTo(2);
        assertThat(e.err()).contains("--password-file").contains("is empty");

        CliRunner.Run noInput = run(envWithoutCredentials(), "", "diagnose", "--password-stdin");
        assertThat(noInput.exit()).isEqualTo(2);
        assertThat(noInput.err()).contains("--password-stdin").contains("standard input");

        Path file = dir.resolve("pw");
        Files.writeString(file, "from-the-file");
        CliRunner.Run both = run(envWithoutCredentials(), "from-stdin", "--password", "from-the-option", "diagnose",
                "--password-file", file.toString(), "--password-stdin");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("only one of --password, --password-file and --password-stdin")
                .doesNotContain("from-the-option").doesNotContain("from-the-file").doesNotContain("from-stdin");
    }

    @Test
    void passwordOnTheCommandLineWorksButWarnsThatItIsVisibleToOtherUsers() {
        CliRunner.Run r = run(envWithoutCredentials(), "", "--user", role, "--password", ROLE_PASSWORD, "diagnose");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("warning: --password is visible to other users of this machine")
                .contains("--password-file").contains("--password-stdin").doesNotContain(ROLE_PASSWORD);
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void aUserInfoPasswordWithSlashesCommasAndAtSignsIsNeverPrinted() {
        for (String secret : new String[] {"pa/ss,w)rd", "p@ss/w0rd", "sp ace@x"}) {
            CliRunner.Run r = CliRunner.withoutEnvironment().run("-v", "--jdbc-url",
                    "jdbc:postgresql://ops:" + secret + "@127.0.0.1:1/test", "diagnose");
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).as(secret).doesNotContain(secret).doesNotContain("ss,w").doesNotContain("ss/w")
                    .doesNotContain("ace@x");
        }
    }
}
