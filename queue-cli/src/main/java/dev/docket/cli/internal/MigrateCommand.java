package dev.docket.cli.internal;

import dev.docket.queue.jdbc.SchemaMigrator;
import picocli.CommandLine.Command;

/** {@code docket migrate}: creates or upgrades the schema. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Create or upgrade Docket's tables in the schema (idempotent; safe while workers run:"
                + " concurrent migrations wait on an advisory lock)."})
final class MigrateCommand extends BaseCommand {

    MigrateCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        try (Session s = session()) {
            int applied = SchemaMigrator.migrate(s.dataSource(), s.schema());
            int version = s.schemaVersion();
            if (applied == 0) {
                ctx.out().println("schema " + s.schema() + " is up to date (version " + version + ")");
            } else {
                ctx.out().println("schema " + s.schema() + ": applied " + applied + " migration(s), now at version "
                        + version);
            }
        }
        return ExitCodes.OK;
    }
}
