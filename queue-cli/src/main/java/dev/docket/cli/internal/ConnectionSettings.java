package dev.docket.cli.internal;

import dev.docket.queue.jdbc.SchemaMigrator;
import dev.docket.queue.jdbc.internal.JdbcUrls;
import dev.docket.queue.jdbc.internal.SqlIdentifiers;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the CLI connects, resolved from options, then the environment, then defaults. Immutable.
 * {@link #toString()} and {@link #target()} never contain the password.
 */
public final class ConnectionSettings {
    public static final String ENV_URL = "DOCKET_JDBC_URL";
    public static final String ENV_USER = "DOCKET_DB_USER";
    public static final String ENV_PASSWORD = "DOCKET_DB_PASSWORD";
    public static final String ENV_SCHEMA = "DOCKET_SCHEMA";

    /**
     * {@code //user:password@} in one URL (an argument, not free text: the password, group 1, may hold
     * blanks), up to the last {@code @} before the query.
     */
    private static final Pattern USER_INFO = Pattern.compile("//[^:/?#@\\s]*:([^?#]*)@");
    /** {@code password=...} in a URL's parameters. */
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)[?&;]password=([^&;\\s]*)");

    private final String url;
    private final String user;
    private final String password;
    private final String schema;
    private final String target;
    private final String database;

    private ConnectionSettings(String url, String user, String password, String schema, String target, String database) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.schema = schema;
        this.target = target;
        this.database = database;
    }

    /**
     * Resolves the settings: each value from the first of {@code primary}, {@code fallback} (options
     * given before the command) and the environment that has it.
     *
     * @throws CliException (exit 2) when no URL is given, the URL is not a PostgreSQL JDBC URL or the
     *                      schema name is invalid
     */
    public static ConnectionSettings resolve(CommonOptions primary, CommonOptions fallback, Map<String, String> env) {
        String url = first(primary.jdbcUrl, fallback.jdbcUrl, env.get(ENV_URL));
        if (url == null) {
            throw CliException.error("no database given: use --jdbc-url URL or set " + ENV_URL
                    + " (e.g. jdbc:postgresql://127.0.0.1:5432/app)");
        }
        url = url.trim();
        if (!url.startsWith("jdbc:postgresql:")) {
            throw CliException.error("--jdbc-url must be a PostgreSQL JDBC URL like jdbc:postgresql://host:5432/db but was '"
                    + JdbcUrls.mask(url) + "'");
        }
        if (USER_INFO.matcher(url).find()) {
            throw CliException.error("--jdbc-url must not carry user:password@ (the PostgreSQL driver would read it as"
                    + " part of the host name): use jdbc:postgresql://host:5432/db with --user and DOCKET_DB_PASSWORD,"
                    + " or ?user=...&password=... ; was '" + JdbcUrls.mask(url) + "'");
        }
        Properties parsed = org.postgresql.Driver.parseURL(url, new Properties());
        if (parsed == null) {
            throw CliException.error("--jdbc-url is not a valid PostgreSQL JDBC URL: '" + JdbcUrls.mask(url) + "'");
        }
        String schema = first(primary.schema, fallback.schema, env.get(ENV_SCHEMA));
        if (schema == null) {
            schema = SchemaMigrator.DEFAULT_SCHEMA;
        }
        try {
            SqlIdentifiers.requireSchema("--schema", schema);
        } catch (IllegalArgumentException e) {
            throw CliException.error(e.getMessage());
        }
        String database = parsed.getProperty("PGDBNAME", "");
        return new ConnectionSettings(url,
                first(primary.user, fallback.user, env.get(ENV_USER)),
                first(primary.password, fallback.password, env.get(ENV_PASSWORD)),
                schema, target(parsed), database);
    }

    /**
     * Every password the command line or the environment holds (after {@code --password}, in
     * {@code --password=...}, in {@value #ENV_PASSWORD}, as a URL's {@code password=} parameter or
     * user info), to mask in anything printed, even in parse errors.
     */
    public static Secrets secretsIn(String[] args, Map<String, String> env) {
        List<String> texts = new ArrayList<>(List.of(args));
        texts.add(env.getOrDefault(ENV_URL, ""));
        List<String> known = new ArrayList<>();
        known.add(env.get(ENV_PASSWORD));
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            if (t.equals("--password") && i + 1 < args.length) {
                known.add(texts.get(i + 1));
            } else if (t.startsWith("--password=")) {
                known.add(t.substring("--password=".length()));
            }
            Matcher info = USER_INFO.matcher(t);
            while (info.find()) {
                known.add(info.group(1));
                known.addAll(decoded(info.group(1)));
            }
            Matcher param = PASSWORD_PARAM.matcher(t);
            while (param.find()) {
                known.add(param.group(1));
                known.addAll(decoded(param.group(1)));
            }
        }
        return new Secrets(known.toArray(new String[0]));
    }

    /** The ways a driver may decode a URL-encoded value ({@code +} as itself or as a blank); none when malformed. */
    private static List<String> decoded(String value) {
        try {
            return List.of(URLDecoder.decode(value, StandardCharsets.UTF_8),
                    URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return List.of(); // not valid %-encoding: the value is masked as written
        }
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    /** "host:port" for each host of the URL. */
    private static String target(Properties parsed) {
        String[] hosts = parsed.getProperty("PGHOST", "localhost").split(",");
        String[] ports = parsed.getProperty("PGPORT", "5432").split(",");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < hosts.length; i++) {
            String port = i < ports.length ? ports[i] : ports[ports.length - 1];
            out.add(hosts[i] + ":" + port);
        }
        return String.join(",", out);
    }

    public String url() {
        return url;
    }

    /** The URL with its password masked. */
    public String maskedUrl() {
        return JdbcUrls.mask(url);
    }

    /** Null when not given (then the URL's, or the driver's default, applies). */
    public String user() {
        return user;
    }

    /** Null when not given. */
    public String password() {
        return password;
    }

    public String schema() {
        return schema;
    }

    /** "host:port" (comma-separated for several hosts): what error messages name. */
    public String target() {
        return target;
    }

    /** The database name in the URL. */
    public String database() {
        return database;
    }

    @Override
    public String toString() {
        return "PostgreSQL at " + target + " (database " + database + ", schema " + schema + ")";
    }
}
