package dev.docket.cli.internal;

import dev.docket.queue.jdbc.internal.JdbcUrls;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps passwords out of everything the CLI prints (error messages, driver messages, other sessions'
 * query texts in {@code check-db}). {@link #mask(String)} replaces with {@value JdbcUrls#MASK}:
 * <ul>
 *   <li>SQL string literals after a {@code PASSWORD} (or {@code ...password}, {@code secret}) word, in
 *       every PostgreSQL quoting: {@code '...'} (with {@code ''} and, to be safe, {@code \'}),
 *       {@code E'...'}, {@code U&'...'}, {@code $$...$$} and {@code $tag$...$tag$}, with comments
 *       between word and literal; a literal cut off (a truncated query text) is masked to the end;</li>
 *   <li>{@code password=value} parameters (and {@code passwd}, {@code pwd}, {@code sslpassword},
 *       {@code secret}...): in a URL's query the value runs to the next {@code &}, {@code ;} or blank,
 *       elsewhere (libpq conninfo, messages) to the next blank or quote; quoted values
 *       ({@code password='a b'}) to their closing quote;</li>
 *   <li>the password in a URL's user info, {@code scheme://user:password@host}, up to the last
 *       {@code @} before the host (so a password holding {@code @}, {@code /}, {@code ,} or {@code )}
 *       is masked whole);</li>
 *   <li>the known passwords (given with {@code --password}, {@code --password-file},
 *       {@code --password-stdin}, {@code DOCKET_DB_PASSWORD} or in the URL) wherever they appear,
 *       verbatim or URL-encoded.</li>
 * </ul>
 * Over-masking is preferred to a leak: when in doubt the rest of a token is masked. Immutable.
 */
public final class Secrets {
    /** Shorter secrets are not searched for verbatim: they would mangle ordinary words. */
    static final int MIN_LITERAL_LENGTH = 4;

    /** A word naming a secret in SQL: PASSWORD, ENCRYPTED PASSWORD, an FDW option {@code password 'x'}, secret. */
    private static final Pattern SQL_SECRET_WORD = Pattern.compile(
            "(?i)(?<![\\p{L}\\p{N}_$])[\\p{L}\\p{N}_]*(?:password|passwd|secret)(?![\\p{L}\\p{N}_$])");
    /** A {@code key=value} whose key names a secret. */
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)(?<![\\p{L}\\p{N}_.-])[\\p{L}\\p{N}_.-]*(?:password|passwd|pwd|secret)\\s*=\\s*");
    /**
     * {@code scheme://user:password@}: the password runs to the last {@code @} before the first blank,
     * {@code ?} or {@code #}. Group 1 is up to and including the colon.
     */
    static final Pattern USER_INFO = Pattern.compile("(//[^:/?#@\\s'\"]*):([^\\s?#]*)@");
    private static final String MASKED_LITERAL = "'" + JdbcUrls.MASK + "'";

    /** The passwords as given (for {@link #with}). */
    private final List<String> given;
    /** Every form searched for verbatim, longest first. */
    private final List<String> passwords;

    /** Masks these passwords (nulls and ones shorter than 4 characters ignored) besides the patterns. */
    public Secrets(String... passwords) {
        this(Arrays.asList(passwords));
    }

    private Secrets(List<String> given) {
        List<String> kept = new ArrayList<>();
        Set<String> known = new LinkedHashSet<>();
        for (String p : given) {
            if (p != null && p.length() >= MIN_LITERAL_LENGTH) {
                kept.add(p);
                known.add(p);
                String form = URLEncoder.encode(p, StandardCharsets.UTF_8);
                known.add(form);
                known.add(form.replace("+", "%20"));
                known.add(lowerHex(form));
            }
        }
        this.given = List.copyOf(kept);
        List<String> sorted = new ArrayList<>(known);
        sorted.sort((a, b) -> b.length() - a.length()); // longest first, so a password containing another is masked whole
        this.passwords = List.copyOf(sorted);
    }

    /** These secrets plus {@code more} (e.g. a password read from a file once the options are parsed). */
    public Secrets with(String... more) {
        List<String> all = new ArrayList<>(given);
        all.addAll(Arrays.asList(more));
        return new Secrets(all);
    }

    /** The text with every password this class recognises replaced by {@value JdbcUrls#MASK}; null stays null. */
    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = maskSqlLiterals(text);
        masked = maskParams(masked);
        masked = USER_INFO.matcher(masked).replaceAll("$1:" + Matcher.quoteReplacement(JdbcUrls.MASK) + "@");
        masked = JdbcUrls.mask(masked);
        for (String p : passwords) {
            masked = masked.replace(p, JdbcUrls.MASK);
        }
        return masked;
    }

    // ------------------------------------------------------------------ SQL literals

    private static String maskSqlLiterals(String text) {
        Matcher m = SQL_SECRET_WORD.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        int from = 0;
        while (from < text.length() && m.find(from)) {
            // "password = ..." is a key=value parameter (maskParams), not SQL: PASSWORD takes no "="
            int start = skipBlanksAndComments(text, m.end());
            int end = literalEnd(text, start);
            if (end < 0) {
                from = m.end();
                continue;
            }
            out.append(text, copied, start).append(MASKED_LITERAL);
            copied = end;
            from = end;
        }
        return copied == 0 ? text : out.append(text, copied, text.length()).toString();
    }

    /** Skips blanks, {@code /* ... *}{@code /} and {@code -- ...} comments; returns the next index. */
    private static int skipBlanksAndComments(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (s.startsWith("/*", i)) {
                int close = s.indexOf("*/", i + 2);
                i = close < 0 ? s.length() : close + 2;
            } else if (s.startsWith("--", i)) {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? s.length() : nl + 1;
            } else {
                break;
            }
        }
        return i;
    }

    /**
     * The index after the SQL string literal starting at {@code i} (the text's end when it is not
     * closed), or -1 when no literal starts there.
     */
    private static int literalEnd(String s, int i) {
        if (i >= s.length()) {
            return -1;
        }
        char c = s.charAt(i);
        if (c == '\'') {
            return quotedEnd(s, i + 1, '\'');
        }
        if ((c == 'E' || c == 'e') && s.startsWith("'", i + 1)) {
            return quotedEnd(s, i + 2, '\'');
        }
        if ((c == 'U' || c == 'u') && s.startsWith("&'", i + 1)) {
            return quotedEnd(s, i + 3, '\'');
        }
        if (c == '$') {
            int j = i + 1;
            while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                j++;
            }
            if (j < s.length() && s.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(s.charAt(i + 1)))) {
                String tag = s.substring(i, j + 1);
                int close = s.indexOf(tag, j + 1);
                return close < 0 ? s.length() : close + tag.length();
            }
        }
        return -1;
    }

    /**
     * The index after the closing {@code quote} of a literal whose content starts at {@code i}: a doubled
     * quote and a backslash-escaped character do not close it. The text's end when nothing closes it.
     */
    private static int quotedEnd(String s, int i, char quote) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }

    // ------------------------------------------------------------------ key=value parameters

    private static String maskParams(String text) {
        Matcher m = SECRET_PARAM.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        int from = 0;
        while (from < text.length() && m.find(from)) {
            int start = m.end();
            boolean inUrl = m.start() > 0 && "?&;".indexOf(text.charAt(m.start() - 1)) >= 0;
            int end = valueEnd(text, start, inUrl);
            if (end == start) {
                from = m.end();
                continue;
            }
            out.append(text, copied, start).append(JdbcUrls.MASK);
            copied = end;
            from = end;
        }
        return copied == 0 ? text : out.append(text, copied, text.length()).toString();
    }

    /** The index after a parameter's value starting at {@code i}. */
    private static int valueEnd(String s, int i, boolean inUrl) {
        if (i >= s.length()) {
            return i;
        }
        if (s.startsWith("''", i)) { // a quoted conninfo value inside an SQL literal: password=''a b''
            int j = i + 2;
            while (j < s.length()) {
                if (s.charAt(j) == '\\') {
                    j += 2;
                } else if (s.startsWith("''", j)) {
                    return j + 2;
                } else {
                    j++;
                }
            }
            return s.length();
        }
        char c = s.charAt(i);
        if (!inUrl && (c == '\'' || c == '"')) {
            return quotedEnd(s, i + 1, c);
        }
        int j = i;
        while (j < s.length()) {
            char d = s.charAt(j);
            if (Character.isWhitespace(d) || (inUrl ? d == '&' || d == ';' : d == '\'' || d == '"')) {
                break;
            }
            j++;
        }
        return j;
    }

    /** {@code %2C} → {@code %2c}: some encoders write lower-case hex digits. */
    private static String lowerHex(String encoded) {
        StringBuilder b = new StringBuilder(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%' && i + 2 < encoded.length()) {
                b.append('%').append(Character.toLowerCase(encoded.charAt(i + 1)))
                        .append(Character.toLowerCase(encoded.charAt(i + 2)));
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
