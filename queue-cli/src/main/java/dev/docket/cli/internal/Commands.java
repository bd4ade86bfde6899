package dev.docket.cli.internal;

import dev.docket.queue.JobNotFoundException;
import dev.docket.queue.StoreException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Builds the command tree for one run and maps every failure to an exit status and one line on stderr. */
public final class Commands {
    private Commands() {
    }

    /** Runs the CLI with these arguments, streams and environment; returns the exit status. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        RootCommand root = new RootCommand();
        CliContext ctx = new CliContext(in, out, err, env, root.options());
        ctx.secrets(ConnectionSettings.secretsIn(args, env));
        CommandLine cl = new CommandLine(root)
                .addSubcommand(new MigrateCommand(ctx))
                .addSubcommand(new ResetStuckJobsCommand(ctx))
                .addSubcommand(new DiagnoseCommand(ctx))
                .addSubcommand(new CheckDbCommand(ctx))
                .addSubcommand(new ForgetWorkerCommand(ctx))
                .addSubcommand(new EnqueueCommand(ctx))
                .addSubcommand(new RetryCommand(ctx))
                .addSubcommand(new CancelCommand(ctx))
                .addSubcommand(new PurgeCommand(ctx))
                .addSubcommand(new DocumentCommand(ctx))
                .addSubcommand(new DashboardCommand(ctx))
                .addSubcommand(new SourcesCommand(ctx))
                .addSubcommand(new PauseCommand(ctx))
                .addSubcommand(new ResumeCommand(ctx))
                .addSubcommand(new LimitCommand(ctx));
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ParameterException e, String[] a) -> {
            String name = e.getCommandLine().getCommandSpec().qualifiedName();
            err.println(name + ": " + ctx.secrets().mask(e.getMessage()) + " (see '" + name + " --help')");
            return ExitCodes.ERROR;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String name = commandLine.getCommandSpec().qualifiedName();
            Object command = commandLine.getCommand();
            boolean verbose = root.options().verbose
                    || (command instanceof BaseCommand && ((BaseCommand) command).verbose());
            int code = ExitCodes.ERROR;
            String message;
            if (e instanceof CliException) {
                code = ((CliException) e).exitCode();
                message = e.getMessage();
            } else if (e instanceof JobNotFoundException || e instanceof StoreException
                    || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                message = e.getMessage();
            } else {
                message = "unexpected error: " + e;
            }
            err.println(name + ": " + Table.sanitize(ctx.secrets().mask(message)));
            if (verbose) {
                printTrace(err, e, ctx.secrets());
            }
            return code;
        });
        return cl.execute(args);
    }

    /** A stack trace with every message masked. */
    private static void printTrace(PrintStream err, Throwable e, Secrets secrets) {
        String prefix = "";
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            err.println(prefix + secrets.mask(t.toString()));
            for (StackTraceElement el : t.getStackTrace()) {
                err.println("\tat " + el);
            }
            prefix = "Caused by: ";
        }
    }
}
