package dev.docket.queue.jdbc;

import dev.docket.queue.StoreException;
import dev.docket.queue.jdbc.internal.Databases;
import dev.docket.queue.jdbc.internal.JdbcUrls;
import dev.docket.queue.jdbc.internal.Jdbc;
import dev.docket.queue.jdbc.internal.SqlErrors;
import dev.docket.queue.jdbc.internal.SqlIdentifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades Docket's tables in a PostgreSQL schema. The migrations are plain SQL files
 * shipped in this jar ({@code dev/docket/queue/jdbc/migrations/V<n>__<name>.sql}); the versions
 * applied are recorded in {@code <schema>.docket_schema_version}.
 *
 * <p>{@link #migrate(DataSource, String)} is idempotent and safe to call from many processes at
 * once: it holds a PostgreSQL advisory lock for the schema while it works, so one caller applies
 * the missing versions (each in its own transaction, with its version row) and the others wait and
 * then find nothing to do. When the schema is up to date it needs no DDL privilege at all.
 *
 * <p>The same files can be applied by the host application's own migration tool instead (Flyway: location
 * {@code classpath:dev/docket/queue/jdbc/migrations}, placeholders {@code schema} = the double-quoted schema
 * name and {@code channel} = {@link #channel(String)}; Liquibase: one {@code sqlFile} change per file, with
 * the same two changelog parameters). Such a schema has no {@value #VERSION_TABLE}: build the store with
 * {@link PostgresJobStore.Builder#schemaManagedExternally(boolean) schemaManagedExternally(true)}, which checks
 * the tables and columns instead of the version, and keep applying Docket's new migration files with that
 * tool; {@code migrate} refuses such a schema rather than apply a second history to it.
 *
 * <p>Thread-safe (stateless). Errors: {@link StoreException} when the database cannot be reached
 * (transient), is not PostgreSQL 13+, a migration fails (nothing of that migration is applied), or
 * the schema was migrated by a newer Docket than this one; {@link IllegalArgumentException} for a
 * schema name that does not match {@value SqlIdentifiers#IDENTIFIER_PATTERN}.
 */
public final class SchemaMigrator {
    /** The schema used when none is given. */
    public static final String DEFAULT_SCHEMA = "docket";
    /** The table recording applied versions. */
    public static final String VERSION_TABLE = "docket_schema_version";

    private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);
    /** The table whose presence marks a schema as holding Docket's tables. */
    private static final String JOBS_TABLE = "extraction_queue";
    /**
     * Every table and column the latest version has, for schemas migrated by another tool (no version
     * table to read). A migration that adds a column adds it here (FlywayRoundTripTest compares this with a
     * migrated schema).
     */
    static final Map<String, List<String>> REQUIRED_COLUMNS = Map.of(
            "extraction_queue", List.of("id", "status_id", "worker_id", "processing_started_at", "document_source",
                    "document_number", "created_at", "updated_at", "attempts", "max_attempts", "run_after", "priority",
                    "lease_token", "lease_expires_at", "payload", "result", "last_error", "idempotency_key",
                    "completed_at", "reset_count", "holds_slot"),
            "worker_status", List.of("worker_id", "status", "last_heartbeat", "jobs_completed", "jobs_failed", "host",
                    "pid", "started_at", "concurrency", "in_flight", "last_error", "extractor_figures"),
            "extraction_job_event", List.of("id", "job_id", "type", "worker_id", "message", "created_at"),
            "docket_source", List.of("source", "own_policy", "concurrency", "rate_permits", "rate_per", "rate_burst",
                    "breaker_failures", "cool_down_from_ms", "cool_down_to_ms", "throttle_default_ms", "throttle_max_ms",
                    "paused", "pause_reason", "blocked_until", "block_reason", "circuit", "open_until", "cool_down_ms",
                    "consecutive_failures", "tokens", "tokens_at", "effective_rate", "full_rate", "in_flight",
                    "last_error", "updated_at"),
            "docket_source_event", List.of("id", "source", "type", "actor", "message", "created_at"),
            "job_progress", List.of("job_id", "attempt", "worker_id", "step", "fraction", "updated_at"));
    /** The function the wake-up triggers call (LISTEN/NOTIFY); missing, workers only poll. */
    private static final String NOTIFY_FUNCTION = "docket_notify_jobs_available";

    /** Every migration this library knows, in order. A new file must be added here. */
    private static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "init", "V1__init.sql"),
            new Migration(2, "sources", "V2__sources.sql"),
            new Migration(3, "worker_extractor_figures", "V3__worker_extractor_figures.sql"),
            new Migration(4, "progress_snapshots", "V4__progress_snapshots.sql"),
            new Migration(5, "dashboard_indexes", "V5__dashboard_indexes.sql"));

    private SchemaMigrator() {
    }

    /** How many migrations this library knows (versions may skip numbers another branch took). */
    static int migrationCount() {
        return MIGRATIONS.size();
    }

    /** The versions this library knows, in order. */
    static List<Integer> knownVersions() {
        return MIGRATIONS.stream().map(m -> m.version).collect(java.util.stream.Collectors.toList());
    }

    /** The newest schema version this library knows (and needs). */
    public static int latestVersion() {
        return MIGRATIONS.get(MIGRATIONS.size() - 1).version;
    }

    /**
     * Creates or upgrades the tables in the default schema {@value #DEFAULT_SCHEMA}.
     *
     * @return how many migrations were applied (0 when the schema was up to date)
     */
    public static int migrate(DataSource dataSource) {
        return migrate(dataSource, DEFAULT_SCHEMA);
    }

    /**
     * Creates the schema if needed and applies the migrations it lacks.
     *
     * @param schema matches {@value SqlIdentifiers#IDENTIFIER_PATTERN}
     * @return how many migrations were applied (0 when the schema was up to date)
     */
    public static int migrate(DataSource dataSource, String schema) {
        Objects.requireNonNull(dataSource, "dataSource");
        SqlIdentifiers.requireSchema("schema", schema);
        return Jdbc.over(dataSource, schema).onConnection("migrate the Docket schema", c -> {
            Databases.requirePostgres(c, "SchemaMigrator");
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(true); // the migration lock is the session's; each migration is its own transaction
            try {
                return migrateLocked(c, schema);
            } finally {
                restoreAutoCommit(c, autoCommit);
            }
        });
    }

    /**
     * The version the schema is at: 0 when it has no Docket tables yet.
     *
     * @throws StoreException when the database cannot be read
     */
    public static int currentVersion(DataSource dataSource, String schema) {
        Objects.requireNonNull(dataSource, "dataSource");
        SqlIdentifiers.requireSchema("schema", schema);
        return Jdbc.over(dataSource, schema).onConnection("read the Docket schema version",
                c -> currentVersion(c, schema));
    }

    /**
     * The value of the {@code ${channel}} placeholder in the migration files for {@code schema}: the
     * LISTEN/NOTIFY channel the store listens on (for a migration tool other than this class).
     *
     * @param schema matches {@value SqlIdentifiers#IDENTIFIER_PATTERN}
     * @return the channel name, e.g. {@code docket_jobs} for schema {@code docket}
     */
    public static String channel(String schema) {
        SqlIdentifiers.requireSchema("schema", schema);
        return SqlIdentifiers.channel(schema);
    }

    /**
     * Fails unless the schema is exactly at {@link #latestVersion()}: missing tables, an older
     * schema (run {@code migrate}) or a newer one (upgrade the library) each get their own message.
     */
    static void requireCurrent(Connection c, String schema) throws SQLException {
        int version = currentVersion(c, schema);
        if (version == 0) {
            if (SchemaCatalog.exists(c, schema, JOBS_TABLE)) {
                throw new StoreException(externallyManagedMessage(schema), false);
            }
            throw new StoreException(SqlErrors.missingSchemaMessage(schema), false);
        }
        if (version > latestVersion()) {
            throw newerSchema(schema, version);
        }
        if (version < latestVersion()) {
            throw new StoreException("schema '" + schema + "' is at version " + version + " but this Docket library needs version "
                    + latestVersion() + ": run SchemaMigrator.migrate(dataSource) or enable autoMigrate", false);
        }
    }

    /**
     * The start-up check for a schema that another tool (Flyway, Liquibase) migrated from Docket's files:
     * when it has a {@value #VERSION_TABLE} after all, {@link #requireCurrent}; otherwise every table and
     * column of the latest version must be there (the message names what is missing). A missing wake-up
     * function is only logged: workers then find jobs by polling.
     */
    static void requireTables(Connection c, String schema) throws SQLException {
        if (SchemaCatalog.exists(c, schema, VERSION_TABLE)) {
            requireCurrent(c, schema);
            return;
        }
        List<String> missing = new ArrayList<>();
        boolean anyTable = false;
        for (Map.Entry<String, List<String>> t : new TreeMap<>(REQUIRED_COLUMNS).entrySet()) {
            Set<String> have = SchemaCatalog.columns(c, schema, t.getKey());
            anyTable |= !have.isEmpty();
            for (String column : t.getValue()) {
                if (!have.contains(column)) {
                    missing.add(t.getKey() + "." + column);
                }
            }
        }
        if (!anyTable) {
            throw new StoreException("schema '" + schema + "' has no Docket tables: apply Docket's migration files"
                    + " (classpath:dev/docket/queue/jdbc/migrations) with your migration tool first", false);
        }
        if (!missing.isEmpty()) {
            throw new StoreException("schema '" + schema + "' lacks " + missing + " that this Docket library needs"
                    + " (schema version " + latestVersion() + "): apply every Docket migration file up to V"
                    + latestVersion() + " with your migration tool", false);
        }
        if (!SchemaCatalog.functionExists(c, schema, NOTIFY_FUNCTION)) {
            log.warn("schema '{}': function {} is missing, so enqueues wake no idle worker (they poll); apply V1 in"
                    + " full with your migration tool", schema, NOTIFY_FUNCTION);
        }
    }

    private static String externallyManagedMessage(String schema) {
        return "schema '" + schema + "' has Docket's tables but no " + VERSION_TABLE + ": it was migrated by another"
                + " tool (Flyway, Liquibase); build the store with schemaManagedExternally(true) and keep applying"
                + " Docket's migration files with that tool";
    }

    static int currentVersion(Connection c, String schema) throws SQLException {
        if (!SchemaCatalog.exists(c, schema, VERSION_TABLE)) {
            return 0;
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM " + table(schema, VERSION_TABLE))) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int migrateLocked(Connection c, String schema) throws SQLException {
        int lockKey = SqlIdentifiers.migrationLockKey(schema);
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
            lock.setInt(1, SqlIdentifiers.ADVISORY_LOCK_CLASS);
            lock.setInt(2, lockKey);
            lock.execute();
        }
        try {
            if (!SchemaCatalog.exists(c, schema, VERSION_TABLE) && SchemaCatalog.exists(c, schema, JOBS_TABLE)) {
                throw new StoreException(externallyManagedMessage(schema) + " (SchemaMigrator.migrate leaves such a"
                        + " schema alone)", false);
            }
            ensureVersionTable(c, schema);
            Map<Integer, String> applied = appliedVersions(c, schema);
            int current = applied.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
            if (current > latestVersion()) {
                throw newerSchema(schema, current);
            }
            int count = 0;
            for (Migration m : MIGRATIONS) {
                String script = m.load();
                String checksum = Migration.sha256(script);
                if (applied.containsKey(m.version)) {
                    if (!checksum.equals(applied.get(m.version))) {
                        log.warn("schema '{}': migration V{} ({}) was applied from a different script (checksum {} in the"
                                + " database, {} in this library); leaving it as it is", schema, m.version, m.file,
                                applied.get(m.version), checksum);
                    }
                    continue;
                }
                apply(c, schema, m, script, checksum);
                count++;
            }
            if (count == 0) {
                log.debug("schema '{}' is up to date at version {}", schema, current);
            }
            return count;
        } finally {
            unlock(c, schema, lockKey);
        }
    }

    private static void ensureVersionTable(Connection c, String schema) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (!SchemaCatalog.schemaExists(c, schema)) {
                st.execute("CREATE SCHEMA IF NOT EXISTS " + SqlIdentifiers.quote(schema));
                log.info("created schema '{}'", schema);
            }
            if (!SchemaCatalog.exists(c, schema, VERSION_TABLE)) {
                st.execute("CREATE TABLE IF NOT EXISTS " + table(schema, VERSION_TABLE) + " ("
                        + " version integer PRIMARY KEY,"
                        + " description text NOT NULL,"
                        + " script text NOT NULL,"
                        + " checksum text NOT NULL,"
                        + " installed_by text NOT NULL DEFAULT current_user,"
                        + " installed_at timestamptz NOT NULL DEFAULT now())");
            }
        }
    }

    private static Map<Integer, String> appliedVersions(Connection c, String schema) throws SQLException {
        Map<Integer, String> applied = new HashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, checksum FROM " + table(schema, VERSION_TABLE))) {
            while (rs.next()) {
                applied.put(rs.getInt(1), rs.getString(2));
            }
        }
        return applied;
    }

    private static void apply(Connection c, String schema, Migration m, String script, String checksum) throws SQLException {
        String sql = script.replace("${schema}", SqlIdentifiers.quote(schema))
                .replace("${channel}", SqlIdentifiers.channel(schema));
        long started = System.nanoTime();
        try {
            Jdbc.transaction(c, "apply migration V" + m.version, schema, tx -> {
                try (Statement st = tx.createStatement()) {
                    st.execute(sql);
                }
                try (PreparedStatement ins = tx.prepareStatement("INSERT INTO " + table(schema, VERSION_TABLE)
                        + " (version, description, script, checksum) VALUES (?, ?, ?, ?)")) {
                    ins.setInt(1, m.version);
                    ins.setString(2, m.description);
                    ins.setString(3, m.file);
                    ins.setString(4, checksum);
                    ins.executeUpdate();
                }
                return null;
            });
        } catch (SQLException e) {
            throw SqlErrors.translate("apply migration V" + m.version + " (" + m.file
                    + "; nothing of it was applied)", schema, e);
        }
        log.info("schema '{}': applied migration V{} ({}) in {} ms", schema, m.version, m.description,
                (System.nanoTime() - started) / 1_000_000);
    }

    private static StoreException newerSchema(String schema, int version) {
        return new StoreException("schema '" + schema + "' is at version " + version + " but this Docket library only knows"
                + " versions up to " + latestVersion() + ": it was migrated by a newer Docket; upgrade this application's"
                + " Docket library (never downgrade a migrated schema)", false);
    }

    private static void unlock(Connection c, String schema, int lockKey) {
        try (PreparedStatement unlock = c.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
            unlock.setInt(1, SqlIdentifiers.ADVISORY_LOCK_CLASS);
            unlock.setInt(2, lockKey);
            unlock.execute();
        } catch (SQLException e) {
            // The lock belongs to the session: if the connection is gone, so is the lock.
            log.debug("schema '{}': could not release the migration lock (released with the session): {}", schema,
                    JdbcUrls.mask(e.getMessage()));
        }
    }

    private static void restoreAutoCommit(Connection c, boolean autoCommit) {
        try {
            if (!c.isClosed()) {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            log.debug("could not restore autoCommit={} on a connection: {}", autoCommit, JdbcUrls.mask(e.getMessage()));
        }
    }

    private static String table(String schema, String table) {
        return SqlIdentifiers.quote(schema) + "." + table;
    }
}
