package dev.docket.queue.internal;

/**
 * Minimal JSON support: validation of user payloads and string quoting for the results Docket
 * writes. Not a general JSON library.
 */
public final class Json {
    private Json() {
    }

    /** Quotes {@code s} as a JSON string literal ({@code null} → {@code null}). */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }

    /**
     * Checks that {@code text} is one complete JSON value (RFC 8259) that PostgreSQL {@code jsonb} can
     * store: NUL characters are rejected because {@code jsonb} cannot store {@code \u0000}, and numbers
     * outside the range of PostgreSQL's {@code numeric} (e.g. {@code 1e1000000}, or more than 16383
     * digits after the decimal point) because {@code jsonb} stores numbers as {@code numeric}.
     *
     * @return null when valid, else what is wrong and where
     */
    public static String validate(String text) {
        try {
            checkedExpandedLength(text);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /**
     * Checks {@code text} as {@link #validate} does and, in the same pass, measures it: its length with every
     * number counted at (at least) the length PostgreSQL prints it with. {@code jsonb} keeps numbers as
     * {@code numeric} and prints them in plain notation, so {@code 1e100000} (8 characters in) comes back as
     * 100,001 characters. Other text counts as written ({@code jsonb}'s own spacing can add a space after each
     * {@code ,} and {@code :}, never more).
     *
     * @throws IllegalArgumentException saying what is wrong and where, when it is not one storable JSON value
     */
    public static long checkedExpandedLength(String text) {
        JsonParser p = new JsonParser(text);
        p.skipWs();
        p.value(0);
        p.skipWs();
        if (p.pos != text.length()) {
            throw new IllegalArgumentException("unexpected '" + text.charAt(p.pos) + "' at offset " + p.pos
                    + " after the value");
        }
        return text.length() + p.expansion;
    }

    /**
     * {@code json} with every {@code \u005Cu0000} escape inside a string replaced by the character U+FFFD:
     * {@code jsonb} cannot store U+0000, and a document whose content type or name holds one must
     * still be recordable. Everything else is kept as written; returns {@code json} itself when there
     * is no such escape (and null for null).
     */
    public static String replaceNulEscapes(String json) {
        if (json == null || !json.contains("\\u0000")) {
            return json;
        }
        StringBuilder b = new StringBuilder(json.length());
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (!inString) {
                inString = c == '"';
                b.append(c);
            } else if (c == '"') {
                inString = false;
                b.append(c);
            } else if (c == '\\' && i + 1 < json.length()) {
                if (json.startsWith("u0000", i + 1)) {
                    b.append('\uFFFD');
                    i += 5;
                } else {
                    b.append(c).append(json.charAt(i + 1));
                    i++;
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
