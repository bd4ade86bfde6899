package dev.docket.cli.internal;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** What every command has: the connection options, its output streams, and helpers. Returns the exit status. */
abstract class BaseCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Spec
    CommandSpec spec;

    final CliContext ctx;

    BaseCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    /** True when --verbose was given before or after the command. */
    boolean verbose() {
        return common.verbose || ctx.rootOptions().verbose;
    }

    /**
     * Resolves the connection settings (reading {@code --password-file} or standard input when asked) and
     * opens a session (exit 2 when the database cannot be reached). Warns on stderr when the password was
     * given with {@code --password}.
     */
    Session session() {
        ConnectionSettings settings = ConnectionSettings.resolve(common, ctx.rootOptions(), ctx.env(), ctx.in());
        ctx.secrets(ctx.secrets().with(settings.password()));
        if (common.password != null || ctx.rootOptions().password != null) {
            ctx.err().println("docket: warning: " + ConnectionSettings.PASSWORD_OPTION_WARNING);
        }
        return Session.connect(settings, ctx.secrets());
    }

    /** A usage error for this command (exit 2, with a pointer to --help). */
    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Fails with a usage error unless {@code d} is positive. */
    void requirePositive(String option, Duration d) {
        if (d != null && (d.isZero() || d.isNegative())) {
            throw usage(option + " must be greater than 0 but was " + Formats.duration(d));
        }
    }
}
