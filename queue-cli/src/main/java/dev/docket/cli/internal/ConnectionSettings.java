package dev.docket.cli.internal;

import dev.docket.queue.jdbc.SchemaMigrator;
import dev.docket.queue.jdbc.internal.JdbcUrls;
import dev.docket.queue.jdbc.internal.SqlIdentifiers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
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
    /** Longest password read from a file or standard input, bytes. */
    static final int MAX_PASSWORD_BYTES = 64 * 1024;
    /** What the CLI prints (after "warning: ") when the password was given with --password. */
    public static final String PASSWORD_OPTION_WARNING = "--password is visible to other users of this machine"
            + " (ps, /proc/PID/cmdline): use --password-file FILE, --password-stdin or " + ENV_PASSWORD + " instead";

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
     * given before the command) and the environment that has it. The password is the one of
     * {@code --password}, {@code --password-file} (first line of the file) or {@code --password-stdin}
     * (first line of {@code stdin}) that was given, else {@value #ENV_PASSWORD}.
     *
     * @throws CliException (exit 2) when no URL is given, the URL is not a PostgreSQL JDBC URL, the
     *                      schema name is invalid, several password options are given, or the password
     *                      file or standard input cannot be read or is empty
     */
    public static ConnectionSettings resolve(CommonOptions primary, CommonOptions fallback, Map<String, String> env,
            InputStream stdin) {
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
        String password = givenPassword(primary, fallback, stdin);
        return new ConnectionSettings(url,
                first(primary.user, fallback.user, env.get(ENV_USER)),
                password != null ? password : first(env.get(ENV_PASSWORD)),
                schema, target(parsed), database);
    }

    /** The password from --password, --password-file or --password-stdin (at most one may be given), or null. */
    private static String givenPassword(CommonOptions primary, CommonOptions fallback, InputStream stdin) {
        String option = first(primary.password, fallback.password);
        Path file = primary.passwordFile != null ? primary.passwordFile : fallback.passwordFile;
        boolean fromStdin = primary.passwordStdin || fallback.passwordStdin;
        int given = (option != null ? 1 : 0) + (file != null ? 1 : 0) + (fromStdin ? 1 : 0);
        if (given > 1) {
            throw CliException.error("give only one of --password, --password-file and --password-stdin");
        }
        if (option != null) {
            return option;
        }
        if (file != null) {
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_PASSWORD_BYTES + 1);
            } catch (IOException e) {
                throw CliException.error("--password-file: cannot read " + file + " (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
            }
            return firstLine("--password-file " + file, bytes);
        }
        if (fromStdin) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            try {
                int b;
                while ((b = stdin.read()) != -1 && b != '\n' && line.size() <= MAX_PASSWORD_BYTES) {
                    line.write(b);
                }
            } catch (IOException e) {
                throw CliException.error("--password-stdin: cannot read standard input (" + e.getMessage() + ")", e);
            }
            return firstLine("--password-stdin: standard input", line.toByteArray());
        }
        return null;
    }

    /** The first line of a password source, without its line end. */
    private static String firstLine(String source, byte[] bytes) {
        if (bytes.length > MAX_PASSWORD_BYTES) {
            throw CliException.error(source + " must hold at most " + MAX_PASSWORD_BYTES + " bytes but holds more");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        String line = nl < 0 ? text : text.substring(0, nl);
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            throw CliException.error(source + " is empty: its first line must be the password");
        }
        return line;
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
