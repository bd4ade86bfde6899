package dev.docket.cli.internal;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code docket}: the command names; connection options may come before the command. */
@Command(name = "docket", mixinStandardHelpOptions = true, versionProvider = RootCommand.Version.class,
        description = {"Operate a Docket job queue on PostgreSQL."},
        synopsisSubcommandLabel = "COMMAND",
        footerHeading = "%nExit status:%n",
        footer = {"  0  done, no alert",
                "  1  diagnose or check-db raised an alert",
                "  2  usage error, database unreachable, job not found, or operation refused",
                "",
                "Environment: DOCKET_JDBC_URL, DOCKET_DB_USER, DOCKET_DB_PASSWORD, DOCKET_SCHEMA.",
                "Password: DOCKET_DB_PASSWORD, --password-file FILE or --password-stdin; --password works but other"
                        + " users can read it in the process list.",
                "Example: docket --jdbc-url jdbc:postgresql://db:5432/app diagnose"})
public final class RootCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Spec
    CommandSpec spec;

    public CommonOptions options() {
        return common;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** The version from the jar manifest ("dev" when run from classes). */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RootCommand.class.getPackage().getImplementationVersion();
            return new String[] {"docket-cli " + (v == null ? "dev" : v)};
        }
    }
}
