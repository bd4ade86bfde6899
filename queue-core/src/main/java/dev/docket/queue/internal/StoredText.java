package dev.docket.queue.internal;

/**
 * What every store does to text before it stores it, so that both stores keep the same thing and
 * no finishing write fails on a character the database cannot hold. Stateless and thread-safe.
 */
public final class StoredText {
    /** Most characters of a result, with its numbers written out in plain notation. */
    public static final int MAX_RESULT_LENGTH = 65_536;
    /** What a removed character becomes. */
    public static final char REPLACEMENT = '\uFFFD';

    private StoredText() {
    }

    /**
     * Error texts, event messages, worker ids and worker errors as stored: every control character
     * except tab and line feed (U+0000 included, which PostgreSQL {@code text} cannot hold, and ESC,
     * which would let a message drive an operator's terminal) and every lone surrogate becomes
     * U+FFFD; CR LF becomes LF. Null stays null; text needing no change is returned as is.
     */
    public static String clean(String s) {
        if (s == null || isClean(s)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c) || (Character.isISOControl(c) && c != '\t' && c != '\n')) {
                b.append(REPLACEMENT);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isClean(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c) || (Character.isISOControl(c) && c != '\t' && c != '\n')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The result of job {@code jobId} as stored: {@code \u005Cu0000} escapes (a NUL in a content type
     * or file name, which {@code jsonb} cannot hold) become U+FFFD, then it must be valid JSON without
     * duplicate keys, PostgreSQL-storable, of at most {@value #MAX_RESULT_LENGTH} characters with its
     * numbers written out. Null stays null.
     *
     * @throws IllegalArgumentException naming the job and what is wrong (never transient: the same
     *                                  result fails again)
     */
    public static String result(long jobId, String json) {
        if (json == null) {
            return null;
        }
        String r = Json.replaceNulEscapes(json);
        long expanded;
        try {
            expanded = Json.checkedExpandedLength(r); // one pass: valid, and how long it prints
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the result of job " + jobId + " must be valid JSON: " + e.getMessage());
        }
        if (expanded > MAX_RESULT_LENGTH) {
            throw new IllegalArgumentException("the result of job " + jobId + " must be at most " + MAX_RESULT_LENGTH
                    + " characters with its numbers written out in plain notation but was " + expanded);
        }
        return r;
    }

    /**
     * What {@link #result} returns for {@code json} that it has already accepted once (the store checks every
     * finishing write when it is handed over, and writes it later in a batch): the same text, without reading
     * the JSON again.
     */
    public static String acceptedResult(String json) {
        return Json.replaceNulEscapes(json);
    }
}
