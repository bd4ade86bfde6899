package dev.docket.cli.internal;

import dev.docket.queue.jdbc.internal.JdbcUrls;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps passwords out of everything the CLI prints: JDBC URLs and driver messages go through
 * {@link JdbcUrls#mask(String)}, and the known passwords (given with {@code --password},
 * {@code DOCKET_DB_PASSWORD} or in the URL) are replaced wherever they appear verbatim. Immutable.
 */
public final class Secrets {
    /** Shorter secrets are not searched for verbatim: they would mangle ordinary words. */
    static final int MIN_LITERAL_LENGTH = 4;
    private static final Pattern SQL_PASSWORD = Pattern.compile("(?i)(password\\s+)'(?:[^']|'')*'");

    private final List<String> passwords;

    /** Masks these passwords (nulls ignored) besides URL and SQL patterns. */
    public Secrets(String... passwords) {
        List<String> known = new ArrayList<>();
        for (String p : Arrays.asList(passwords)) {
            if (p != null && p.length() >= MIN_LITERAL_LENGTH) {
                known.add(p);
            }
        }
        known.sort((a, b) -> b.length() - a.length()); // longest first, so a password containing another is masked whole
        this.passwords = List.copyOf(known);
    }

    /** Masks URLs, {@code password=...} parameters, SQL {@code PASSWORD '...'} and the known password. */
    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = JdbcUrls.mask(text);
        masked = SQL_PASSWORD.matcher(masked).replaceAll("$1'" + JdbcUrls.MASK + "'");
        for (String p : passwords) {
            masked = masked.replace(p, JdbcUrls.MASK);
        }
        return masked;
    }
}
