package dev.docket.cli.internal;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The connection options every command accepts, before or after the command name
 * ({@code docket --jdbc-url URL diagnose} or {@code docket diagnose --jdbc-url URL}). Values given
 * after the command win; unset ones fall back to the environment.
 */
public final class CommonOptions {
    @Option(names = "--jdbc-url", paramLabel = "URL",
            description = "PostgreSQL JDBC URL, e.g. jdbc:postgresql://db:5432/app (default: env DOCKET_JDBC_URL)")
    String jdbcUrl;

    @Option(names = "--user", paramLabel = "USER", description = "Database user (default: env DOCKET_DB_USER, or the URL's)")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD",
            description = "Database password (default: env DOCKET_DB_PASSWORD, or the URL's). Other users of the"
                    + " machine can read it in the process list: prefer --password-file, --password-stdin or the"
                    + " environment (a warning is printed)")
    String password;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the database password from the first line of FILE (a final newline is ignored),"
                    + " e.g. a mounted secret")
    Path passwordFile;

    @Option(names = "--password-stdin",
            description = "Read the database password from the first line of standard input")
    boolean passwordStdin;

    @Option(names = "--schema", paramLabel = "SCHEMA",
            description = "Schema holding Docket's tables (default: env DOCKET_SCHEMA, else docket)")
    String schema;

    @Option(names = {"-v", "--verbose"}, description = "Print stack traces of errors (passwords masked)")
    boolean verbose;
}
