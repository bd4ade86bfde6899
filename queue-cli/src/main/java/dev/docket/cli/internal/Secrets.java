package dev.docket.cli.internal;

import dev.docket.queue.jdbc.internal.JdbcUrls;
import java.util.regex.Pattern;

/**
 * Keeps passwords out of everything the CLI prints: JDBC URLs and driver messages go through
 * {@link JdbcUrls#mask(String)}, and the password given with {@code --password} or
 * {@code DOCKET_DB_PASSWORD} is replaced wherever it appears verbatim. Immutable.
 */
public final class Secrets {
    /** Shorter secrets are not searched for verbatim: they would mangle ordinary words. */
    static final int MIN_LITERAL_LENGTH = 4;
    private static final Pattern SQL_PASSWORD = Pattern.compile("(?i)(password\\s+)'(?:[^']|'')*'");

    private final String password;

    public Secrets(String password) {
        this.password = password != null && password.length() >= MIN_LITERAL_LENGTH ? password : null;
    }

    /** Masks URLs, {@code password=...} parameters, SQL {@code PASSWORD '...'} and the known password. */
    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = JdbcUrls.mask(text);
        masked = SQL_PASSWORD.matcher(masked).replaceAll("$1'" + JdbcUrls.MASK + "'");
        if (password != null) {
            masked = masked.replace(password, JdbcUrls.MASK);
        }
        return masked;
    }
}
