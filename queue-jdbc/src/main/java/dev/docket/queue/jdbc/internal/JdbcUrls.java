package dev.docket.queue.jdbc.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in JDBC URLs and in any text that may quote one (driver error messages), so that no
 * password ever reaches a log line or an exception message. Stateless and thread-safe.
 */
public final class JdbcUrls {
    /** What a masked secret is replaced with. */
    public static final String MASK = "***";

    /** {@code password=...} (and its spellings) as a query or property parameter, up to the next separator. */
    private static final Pattern PASSWORD_PARAM = Pattern.compile(
            "(?i)\\b(password|passwd|pwd|sslpassword|sslkeypassword|secret)=([^&;\\s,)]*)");
    /** {@code scheme://user:password@host}. */
    private static final Pattern USER_INFO = Pattern.compile("(//[^/?#@:\\s]*):([^@/?#\\s]*)@");

    private JdbcUrls() {
    }

    /**
     * Returns {@code url} with every password replaced by {@value #MASK}: query parameters
     * ({@code ?user=a&password=secret}, {@code ;password=secret}) and user info
     * ({@code postgresql://user:secret@host/db}). Null stays null.
     */
    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        String masked = PASSWORD_PARAM.matcher(url).replaceAll("$1=" + Matcher.quoteReplacement(MASK));
        return USER_INFO.matcher(masked).replaceAll("$1:" + Matcher.quoteReplacement(MASK) + "@");
    }
}
