package dev.docket.cli;

import dev.docket.cli.internal.ConnectionSettings;
import dev.docket.testing.DocketPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Runs the CLI in-process against a test schema and captures what it prints. */
public final class CliRunner {
    /** The outcome of one run. */
    public record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Map<String, String> env;

    private CliRunner(Map<String, String> env) {
        this.env = env;
    }

    /** The environment pointing at {@code db}'s server and schema (no options needed). */
    public static CliRunner on(DocketPostgres db) {
        Map<String, String> env = new HashMap<>();
        env.put(ConnectionSettings.ENV_URL, db.jdbcUrl());
        env.put(ConnectionSettings.ENV_SCHEMA, db.schema());
        Properties p = db.connectionProperties();
        if (p.getProperty("user") != null) {
            env.put(ConnectionSettings.ENV_USER, p.getProperty("user"));
        }
        if (p.getProperty("password") != null) {
            env.put(ConnectionSettings.ENV_PASSWORD, p.getProperty("password"));
        }
        return new CliRunner(Map.copyOf(env));
    }

    /** No environment at all. */
    public static CliRunner withoutEnvironment() {
        return new CliRunner(Map.of());
    }

    public Map<String, String> env() {
        return env;
    }

    public Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = DocketCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
