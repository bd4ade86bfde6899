package dev.docket.queue.jdbc.internal;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The one place identifiers that end up in SQL text are checked. Docket never binds identifiers
 * as parameters (PostgreSQL cannot), so a schema name is only accepted when it matches
 * {@value #IDENTIFIER_PATTERN}, and is always written double-quoted. Stateless and thread-safe.
 */
public final class SqlIdentifiers {
    /** Accepted identifiers: lower-case letters, digits and underscores, 1-63 characters, not starting with a digit. */
    public static final String IDENTIFIER_PATTERN = "[a-z_][a-z0-9_]{0,62}";
    private static final Pattern IDENTIFIER = Pattern.compile(IDENTIFIER_PATTERN);
    /** PostgreSQL's limit on identifier length (NAMEDATALEN - 1). */
    private static final int MAX_IDENTIFIER_LENGTH = 63;
    /** The first key of every Docket advisory lock: "dock". */
    public static final int ADVISORY_LOCK_CLASS = 0x646F636B;

    private SqlIdentifiers() {
    }

    /**
     * Checks a schema name.
     *
     * @param field names the setting in the message ("schema")
     * @return the name
     * @throws IllegalArgumentException naming the field and the bad value, and the rule it broke
     */
    public static String requireSchema(String field, String name) {
        if (name == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(field + " must match " + IDENTIFIER_PATTERN
                    + " (lower-case letters, digits, underscores; at most 63 characters) but was '" + printable(name) + "'");
        }
        if (name.startsWith("pg_") || name.equals("information_schema")) {
            throw new IllegalArgumentException(field + " must not be a PostgreSQL system schema name (pg_*, information_schema)"
                    + " but was '" + name + "'");
        }
        return name;
    }

    /** The identifier double-quoted, ready for SQL text. Only call with a validated name. */
    public static String quote(String validated) {
        return '"' + validated + '"';
    }

    /**
     * The LISTEN/NOTIFY channel of a schema: {@code <schema>_jobs}, or for long schema names a
     * shortened name with a hash so it stays within 63 characters and distinct.
     */
    public static String channel(String schema) {
        String channel = schema + "_jobs";
        if (channel.length() <= MAX_IDENTIFIER_LENGTH) {
            return channel;
        }
        return schema.substring(0, 54) + "_" + String.format("%08x", crc32(schema));
    }

    /** The second key of the schema's migration advisory lock (the first is {@link #ADVISORY_LOCK_CLASS}). */
    public static int migrationLockKey(String schema) {
        return (int) crc32("migrate:" + schema);
    }

    private static long crc32(String s) {
        CRC32 crc = new CRC32();
        crc.update(s.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return s.length() > 100 ? b + "..." : b.toString();
    }
}
