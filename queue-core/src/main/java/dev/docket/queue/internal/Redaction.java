package dev.docket.queue.internal;

/**
 * Removes the parts of URLs that carry credentials from any text Docket records or prints (error
 * messages, last errors, event messages), since registry URLs often hold tokens. Stateless and
 * thread-safe.
 */
public final class Redaction {
    /** What a removed part is replaced with. */
    public static final String REDACTED = "<redacted>";

    private Redaction() {
    }

    /**
     * Returns {@code text} with, in every {@code scheme://...} URL it contains, the query string
     * ({@code ?token=...} → {@code ?<redacted>}), the fragment ({@code #access_token=...} →
     * {@code #<redacted>}) and the user info ({@code https://user:secret@host} →
     * {@code https://<redacted>@host}) replaced; scheme, host, port and path stay, so the message still
     * says where. A URL ends at a blank, a double quote, {@code <}, {@code >} or a backtick; closing
     * punctuation right after it ({@code ) . , ; : ! ' ] }}) is kept as text. Text without URLs is
     * returned unchanged, and redacting twice changes nothing more. Runs in time linear in the text's
     * length. Null stays null.
     *
     * <p>Not recognised: URLs without {@code scheme://} ({@code host/path?token=}) and secrets in a
     * path ({@code /download/<token>/file}).
     */
    public static String redactUrls(String text) {
        if (text == null) {
            return null;
        }
        int sep = text.indexOf("://");
        if (sep < 0) {
            return text;
        }
        StringBuilder out = null;
        int copied = 0;
        int searchFrom = 0;
        while (sep >= 0) {
            int schemeStart = sep;
            while (schemeStart > searchFrom && isSchemeChar(text.charAt(schemeStart - 1))) {
                schemeStart--;
            }
            // a scheme starts with a letter: skip leading digits, '+', '-', '.'
            while (schemeStart < sep && !isLetter(text.charAt(schemeStart))) {
                schemeStart++;
            }
            int urlStart = sep + 3;
            int end = urlStart;
            while (end < text.length() && !endsUrl(text.charAt(end))) {
                end++;
            }
            int urlEnd = end;
            while (urlEnd > urlStart && isClosingPunctuation(text.charAt(urlEnd - 1))) {
                urlEnd--;
            }
            if (schemeStart < sep && urlEnd > urlStart) {
                String redacted = redactUrl(text.substring(urlStart, urlEnd));
                if (redacted != null) {
                    if (out == null) {
                        out = new StringBuilder(text.length());
                    }
                    out.append(text, copied, urlStart).append(redacted);
                    copied = urlEnd;
                }
            }
            searchFrom = Math.max(end, sep + 3);
            sep = text.indexOf("://", searchFrom);
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, text.length()).toString();
    }

    /** The part after "scheme://" redacted, or null when nothing in it needs redacting. */
    private static String redactUrl(String rest) {
        int authorityEnd = rest.length();
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                authorityEnd = i;
                break;
            }
        }
        int at = rest.lastIndexOf('@', authorityEnd - 1);
        int query = rest.indexOf('?', authorityEnd);
        int fragment = rest.indexOf('#', authorityEnd);
        if (query >= 0 && fragment >= 0 && fragment < query) {
            query = -1; // a '?' inside the fragment belongs to it
        }
        boolean hasQuery = query >= 0 && query + 1 < (fragment > query ? fragment : rest.length());
        boolean hasFragment = fragment >= 0 && fragment + 1 < rest.length();
        if (at < 0 && !hasQuery && !hasFragment) {
            return null;
        }
        StringBuilder b = new StringBuilder(rest.length());
        int pathStart = 0;
        if (at >= 0) {
            b.append(REDACTED).append('@');
            pathStart = at + 1;
        }
        int pathEnd = query >= 0 ? query : fragment >= 0 ? fragment : rest.length();
        b.append(rest, pathStart, pathEnd);
        if (query >= 0) {
            int queryEnd = fragment > query ? fragment : rest.length();
            b.append('?');
            if (query + 1 < queryEnd) {
                b.append(REDACTED);
            }
        }
        if (fragment >= 0) {
            b.append('#');
            if (hasFragment) {
                b.append(REDACTED);
            }
        }
        return b.toString();
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isSchemeChar(char c) {
        return isLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    }

    private static boolean endsUrl(char c) {
        return Character.isWhitespace(c) || Character.isISOControl(c) || c == '"' || c == '<' || c == '>' || c == '`';
    }

    private static boolean isClosingPunctuation(char c) {
        return c == ')' || c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '\'' || c == ']'
                || c == '}';
    }
}
