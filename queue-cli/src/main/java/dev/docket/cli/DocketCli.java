package dev.docket.cli;

import dev.docket.cli.internal.Commands;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * The {@code docket} operator CLI ({@code java -jar docket-cli.jar}): {@code migrate},
 * {@code reset-stuck-jobs}, {@code diagnose}, {@code check-db}, {@code enqueue}, {@code retry},
 * {@code cancel}, {@code purge}, {@code sources}, {@code pause}, {@code resume}, {@code limit}. Run {@code --help} for the options of each.
 *
 * <p>Exit status: 0 done; 1 {@code diagnose} or {@code check-db} raised an alert; 2 usage error,
 * database unreachable, job not found or operation refused, with one line on stderr (a stack trace
 * only with {@code --verbose}). Passwords never appear in the output.
 *
 * <p>{@link #run} has no global state: tests (and host applications embedding the commands) call it
 * in-process, any number of times, from any thread.
 */
public final class DocketCli {
    private DocketCli() {
    }

    /** Runs the CLI and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err, System.getenv()));
    }

    /**
     * Runs one command with nothing on standard input (so {@code --password-stdin} fails with a
     * message): {@link #run(String[], InputStream, PrintStream, PrintStream, Map)} with an empty input.
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        return run(args, new ByteArrayInputStream(new byte[0]), out, err, env);
    }

    /**
     * Runs one command.
     *
     * @param args the command line
     * @param in   standard input, read only for {@code --password-stdin} (its first line)
     * @param out  where results go
     * @param err  where errors go
     * @param env  the environment ({@code DOCKET_JDBC_URL}, {@code DOCKET_DB_USER},
     *             {@code DOCKET_DB_PASSWORD}, {@code DOCKET_SCHEMA})
     * @return the exit status
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        return Commands.run(args, in, out, err, env);
    }
}
