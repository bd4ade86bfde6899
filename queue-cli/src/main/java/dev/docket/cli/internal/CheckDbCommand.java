package dev.docket.cli.internal;

import dev.docket.queue.jdbc.SchemaMigrator;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code docket check-db [--xact-alert 5m]}: what {@code check-redis} was for, for the one store Docket
 * has. Exit 1 when there is an alert.
 */
@Command(name = "check-db", mixinStandardHelpOptions = true,
        description = {"Check the database Docket runs on: connectivity and latency, LISTEN/NOTIFY round trip,"
                + " table and index sizes, dead rows and last autovacuum, and what holds back vacuum (the oldest open"
                + " transaction, prepared transactions, replication slots). Exit status 1 when there is an alert.",
                "A long transaction anywhere in the database keeps vacuum from removing the queue's dead rows, and a"
                        + " SKIP LOCKED queue then slows down as they pile up."})
final class CheckDbCommand extends BaseCommand {
    /** Open transactions listed. */
    static final int TRANSACTIONS_SHOWN = 5;
    /** The queue table whose vacuum state is summarised. */
    static final String QUEUE_TABLE = "extraction_queue";

    @Option(names = "--xact-alert", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "5m",
            description = "Alert when a transaction holding back vacuum has been open longer than this"
                    + " (default: ${DEFAULT-VALUE})")
    Duration xactAlert = Duration.ofMinutes(5);

    @Option(names = "--notify-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "5s", description = "How long to wait for the test notification (default: ${DEFAULT-VALUE})")
    Duration notifyTimeout = Duration.ofSeconds(5);

    @Option(names = "--json", description = "Print one JSON document instead of tables")
    boolean json;

    CheckDbCommand(CliContext ctx) {
        super(ctx);
    }

    /** Everything check-db found. */
    private record Findings(DatabaseChecks.Server server, Duration notifyRoundTrip,
            List<DatabaseChecks.TableStats> tables, List<DatabaseChecks.IndexStats> indexes,
            List<DatabaseChecks.OpenTransaction> transactions, List<DatabaseChecks.PreparedTransaction> prepared,
            List<DatabaseChecks.ReplicationSlot> slots, List<String> alerts) {
    }

    @Override
    public Integer call() {
        requirePositive("--xact-alert", xactAlert);
        requirePositive("--notify-timeout", notifyTimeout);
        Findings f;
        try (Session s = session()) {
            try {
                f = check(s);
            } catch (SQLException e) {
                throw CliException.error("check-db failed on " + s.settings().target() + ": "
                        + ctx.secrets().mask(String.valueOf(e.getMessage())), e);
            }
            if (json) {
                ctx.out().println(json(s, f));
            } else {
                print(ctx.out(), s, f);
            }
        }
        return f.alerts().isEmpty() ? ExitCodes.OK : ExitCodes.ALERT;
    }

    private Findings check(Session s) throws SQLException {
        DatabaseChecks.Server server = DatabaseChecks.server(s.dataSource(), s.schema());
        Duration notify = DatabaseChecks.notifyRoundTrip(s.dataSource(), notifyTimeout);
        List<DatabaseChecks.TableStats> tables = DatabaseChecks.tables(s.dataSource(), s.schema());
        List<DatabaseChecks.IndexStats> indexes = DatabaseChecks.indexes(s.dataSource(), s.schema());
        List<DatabaseChecks.OpenTransaction> xacts = DatabaseChecks.openTransactions(s.dataSource(), ctx.secrets(),
                TRANSACTIONS_SHOWN);
        List<DatabaseChecks.PreparedTransaction> prepared = DatabaseChecks.preparedTransactions(s.dataSource(),
                TRANSACTIONS_SHOWN);
        List<DatabaseChecks.ReplicationSlot> slots = DatabaseChecks.replicationSlots(s.dataSource(), TRANSACTIONS_SHOWN);

        List<String> alerts = new ArrayList<>();
        if (server.schemaVersion() == 0) {
            alerts.add("schema " + s.schema() + " has no Docket tables: run 'docket migrate'");
        } else if (server.schemaVersion() != SchemaMigrator.latestVersion()) {
            alerts.add("schema " + s.schema() + " is at version " + server.schemaVersion() + " but this CLI knows version "
                    + SchemaMigrator.latestVersion() + (server.schemaVersion() < SchemaMigrator.latestVersion()
                    ? ": run 'docket migrate'" : ": use a newer docket-cli"));
        }
        if (notify == null) {
            alerts.add("LISTEN/NOTIFY: the test notification did not arrive within " + Formats.duration(notifyTimeout)
                    + " (workers will fall back to polling; check for a connection pooler in transaction mode)");
        }
        if (!xacts.isEmpty() && xacts.get(0).transactionAge().compareTo(xactAlert) > 0) {
            DatabaseChecks.OpenTransaction x = xacts.get(0);
            alerts.add("transaction of pid " + x.pid() + " (user " + x.user() + ", application '" + x.application()
                    + "', " + x.state() + ") open for " + Formats.duration(x.transactionAge()) + " > "
                    + Formats.duration(xactAlert) + ": vacuum cannot remove dead rows newer than it; end it (SELECT"
                    + " pg_terminate_backend(" + x.pid() + ")) or fix the application");
        }
        if (!prepared.isEmpty() && prepared.get(0).age().compareTo(xactAlert) > 0) {
            DatabaseChecks.PreparedTransaction p = prepared.get(0);
            alerts.add("prepared transaction '" + p.gid() + "' open for " + Formats.duration(p.age()) + " > "
                    + Formats.duration(xactAlert) + ": it holds back vacuum until COMMIT PREPARED or ROLLBACK PREPARED");
        }
        return new Findings(server, notify, tables, indexes, xacts, prepared, slots, alerts);
    }

    private void print(PrintStream out, Session s, Findings f) {
        DatabaseChecks.Server server = f.server();
        out.println("DATABASE");
        Table db = Table.keyValues();
        db.row("target", s.settings().target() + ", database " + server.database() + ", user " + server.user());
        db.row("server", "PostgreSQL " + server.version());
        db.row("connect", Formats.millis(server.connectNanos()) + " (new connection, with authentication)");
        db.row("round trip", Formats.millis(server.roundTripNanos()) + " (median of " + DatabaseChecks.PINGS
                + " SELECT 1)");
        db.row("LISTEN/NOTIFY", f.notifyRoundTrip() == null ? "NOT DELIVERED within " + Formats.duration(notifyTimeout)
                : "delivered in " + Formats.millis(f.notifyRoundTrip().toNanos()));
        db.row("schema", s.schema() + ", version " + server.schemaVersion() + " (this CLI: " + server.libraryVersion()
                + ")");
        db.print(out, "  ");

        out.println();
        out.println("TABLES (schema " + s.schema() + ")");
        if (f.tables().isEmpty()) {
            out.println("  none");
        } else {
            Table t = new Table("TABLE", "ROWS", "DEAD ROWS", "DEAD %", "TABLE", "INDEXES", "TOTAL", "LAST AUTOVACUUM",
                    "LAST VACUUM", "LAST AUTOANALYZE", "AUTOVACUUMS");
            for (DatabaseChecks.TableStats ts : f.tables()) {
                t.row(ts.name(), ts.liveRows(), ts.deadRows(), Formats.percent(ts.deadRatio()),
                        Formats.bytes(ts.tableBytes()), Formats.bytes(ts.indexBytes()), Formats.bytes(ts.totalBytes()),
                        Formats.instantWithAge(ts.lastAutovacuum(), server.now()),
                        Formats.instantWithAge(ts.lastVacuum(), server.now()),
                        Formats.instantWithAge(ts.lastAutoanalyze(), server.now()), ts.autovacuumCount());
            }
            t.print(out, "  ");
            for (DatabaseChecks.TableStats ts : f.tables()) {
                if (ts.name().equals(QUEUE_TABLE)) {
                    out.println("  " + QUEUE_TABLE + ": " + ts.deadRows() + " dead row(s) ("
                            + Formats.percent(ts.deadRatio()) + "), last autovacuum "
                            + (ts.lastAutovacuum() == null ? "never" : Formats.instantWithAge(ts.lastAutovacuum(),
                            server.now())));
                }
            }
        }

        out.println();
        out.println("INDEXES");
        if (f.indexes().isEmpty()) {
            out.println("  none");
        } else {
            Table t = new Table("INDEX", "TABLE", "SIZE", "SCANS");
            for (DatabaseChecks.IndexStats i : f.indexes()) {
                t.row(i.name(), i.table(), Formats.bytes(i.bytes()), i.scans());
            }
            t.print(out, "  ");
        }

        out.println();
        out.println("VACUUM HORIZON (what keeps vacuum from removing dead rows; alert above "
                + Formats.duration(xactAlert) + ")");
        if (f.transactions().isEmpty()) {
            out.println("  open transactions: none holding back vacuum");
        } else {
            out.println("  open transactions, oldest first:");
            Table t = new Table("PID", "USER", "APPLICATION", "CLIENT", "STATE", "OPEN FOR", "XMIN AGE", "QUERY");
            for (DatabaseChecks.OpenTransaction x : f.transactions()) {
                t.row(x.pid(), x.user(), x.application(), x.client(), x.state(), Formats.duration(x.transactionAge()),
                        x.xminAge(), x.query());
            }
            t.print(out, "    ");
        }
        if (f.prepared().isEmpty()) {
            out.println("  prepared transactions: none");
        } else {
            Table t = new Table("PREPARED TRANSACTION", "OWNER", "OPEN FOR");
            for (DatabaseChecks.PreparedTransaction p : f.prepared()) {
                t.row(p.gid(), p.owner(), Formats.duration(p.age()));
            }
            t.print(out, "  ");
        }
        if (f.slots().isEmpty()) {
            out.println("  replication slots holding back vacuum: none");
        } else {
            Table t = new Table("REPLICATION SLOT", "TYPE", "ACTIVE", "XMIN AGE", "CATALOG XMIN AGE");
            for (DatabaseChecks.ReplicationSlot r : f.slots()) {
                t.row(r.name(), r.type(), r.active() ? "yes" : "NO", r.xminAge(), r.catalogXminAge());
            }
            t.print(out, "  ");
        }

        Table.printAlerts(out, f.alerts());
    }

    private String json(Session s, Findings f) {
        DatabaseChecks.Server server = f.server();
        JsonWriter w = new JsonWriter().beginObject();
        w.field("now", server.now());
        w.field("status", f.alerts().isEmpty() ? "OK" : "ALERT");
        server.writeJson(w, s, true);
        w.name("notify").beginObject().field("delivered", f.notifyRoundTrip() != null)
                .field("roundTripMs", f.notifyRoundTrip() == null ? Double.NaN : f.notifyRoundTrip().toNanos() / 1e6)
                .endObject();
        w.name("thresholds").beginObject().name("xactAlertSeconds").seconds(xactAlert).endObject();
        w.name("tables").beginArray();
        for (DatabaseChecks.TableStats t : f.tables()) {
            w.beginObject().field("name", t.name()).field("liveRows", t.liveRows()).field("deadRows", t.deadRows())
                    .field("deadRatio", t.deadRatio()).field("tableBytes", t.tableBytes())
                    .field("indexBytes", t.indexBytes()).field("totalBytes", t.totalBytes())
                    .field("lastAutovacuum", t.lastAutovacuum()).field("lastVacuum", t.lastVacuum())
                    .field("lastAutoanalyze", t.lastAutoanalyze()).field("autovacuumCount", t.autovacuumCount())
                    .endObject();
        }
        w.endArray();
        w.name("indexes").beginArray();
        for (DatabaseChecks.IndexStats i : f.indexes()) {
            w.beginObject().field("name", i.name()).field("table", i.table()).field("bytes", i.bytes())
                    .field("scans", i.scans()).endObject();
        }
        w.endArray();
        w.name("openTransactions").beginArray();
        for (DatabaseChecks.OpenTransaction x : f.transactions()) {
            w.beginObject().field("pid", x.pid()).field("user", x.user()).field("application", x.application())
                    .field("client", x.client()).field("state", x.state())
                    .name("openSeconds").seconds(x.transactionAge());
            w.name("xminAge").number(x.xminAge());
            w.field("query", x.query()).endObject();
        }
        w.endArray();
        w.name("preparedTransactions").beginArray();
        for (DatabaseChecks.PreparedTransaction p : f.prepared()) {
            w.beginObject().field("gid", p.gid()).field("owner", p.owner()).name("openSeconds").seconds(p.age())
                    .endObject();
        }
        w.endArray();
        w.name("replicationSlots").beginArray();
        for (DatabaseChecks.ReplicationSlot r : f.slots()) {
            w.beginObject().field("name", r.name()).field("type", r.type()).field("active", r.active());
            w.name("xminAge").number(r.xminAge()).name("catalogXminAge").number(r.catalogXminAge());
            w.endObject();
        }
        w.endArray();
        w.name("alerts").beginArray();
        for (String a : f.alerts()) {
            w.value(a);
        }
        w.endArray();
        return w.endObject().toString();
    }
}
