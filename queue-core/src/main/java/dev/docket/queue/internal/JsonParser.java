package dev.docket.queue.internal;

/**
 * The recursive-descent reader behind {@link Json#validate} and {@link Json#checkedExpandedLength}: one JSON value
 * (RFC 8259) that PostgreSQL {@code jsonb} can store, read from {@link #pos}; errors are
 * {@link IllegalArgumentException}s saying what is wrong and at which offset. One instance per text.
 */
final class JsonParser {
    static final int MAX_DEPTH = 64;

    private final String s;
    int pos;
    /** Characters the numbers seen so far gain when printed in plain notation. */
    long expansion;

    JsonParser(String s) {
        this.s = s;
    }

    void skipWs() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else {
                break;
            }
        }
    }

    IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at offset " + pos);
    }

    char peek() {
        if (pos >= s.length()) {
            throw error("unexpected end of input");
        }
        return s.charAt(pos);
    }

    void value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
        char c = peek();
        switch (c) {
            case '{':
                object(depth);
                break;
            case '[':
                array(depth);
                break;
            case '"':
                string();
                break;
            case 't':
                literal("true");
                break;
            case 'f':
                literal("false");
                break;
            case 'n':
                literal("null");
                break;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number();
                } else {
                    throw error("unexpected '" + c + "'");
                }
        }
    }

    void object(int depth) {
        pos++;
        skipWs();
        if (peek() == '}') {
            pos++;
            return;
        }
        java.util.Set<String> keys = new java.util.HashSet<>();
        while (true) {
            skipWs();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            int keyStart = pos;
            string();
            String key = decode(keyStart + 1, pos - 1);
            if (!keys.add(key)) {
                pos = keyStart;
                throw error("duplicate key " + Json.quote(key.length() > 40 ? key.substring(0, 40) + "…" : key));
            }
            skipWs();
            if (peek() != ':') {
                throw error("expected ':'");
            }
            pos++;
            skipWs();
            value(depth + 1);
            skipWs();
            char c = peek();
            pos++;
            if (c == '}') {
                return;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}'");
            }
        }
    }

    void array(int depth) {
        pos++;
        skipWs();
        if (peek() == ']') {
            pos++;
            return;
        }
        while (true) {
            skipWs();
            value(depth + 1);
            skipWs();
            char c = peek();
            pos++;
            if (c == ']') {
                return;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']'");
            }
        }
    }

    void string() {
        pos++;
        while (true) {
            char c = peek();
            if (c == '"') {
                pos++;
                return;
            }
            if (c < 0x20) {
                throw error("control character in string");
            }
            if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || pos + 1 >= s.length()
                        || !Character.isLowSurrogate(s.charAt(pos + 1))) {
                    throw error("lone surrogate character");
                }
                pos += 2;
                continue;
            }
            if (c == '\\') {
                pos++;
                char e = peek();
                if (e == 'u') {
                    if (pos + 4 >= s.length()) {
                        throw error("truncated \\u escape");
                    }
                    String hex = s.substring(pos + 1, pos + 5);
                    for (int i = 0; i < 4; i++) {
                        if (!isAsciiHex(hex.charAt(i))) {
                            throw error("bad \\u escape");
                        }
                    }
                    int code = Integer.parseInt(hex, 16);
                    if (code == 0) {
                        throw error("\\u0000 is not allowed");
                    }
                    if (Character.isLowSurrogate((char) code)) {
                        throw error("lone low surrogate \\u" + hex);
                    }
                    pos += 5;
                    if (Character.isHighSurrogate((char) code)) {
                        // must be followed by an escaped low surrogate (PostgreSQL rejects lone ones)
                        if (!s.startsWith("\\u", pos) || pos + 6 > s.length()
                                || !isLowSurrogateHex(s.substring(pos + 2, pos + 6))) {
                            throw error("high surrogate \\u" + hex + " not followed by a low surrogate escape");
                        }
                        pos += 6;
                    }
                    continue;
                }
                if ("\"\\/bfnrt".indexOf(e) < 0) {
                    throw error("bad escape '\\" + e + "'");
                }
            }
            pos++;
        }
    }

    void number() {
        int numberStart = pos;
        if (peek() == '-') {
            pos++;
        }
        int start = pos;
        digits();
        int intEnd = pos;
        int fracStart = pos;
        int fracEnd = pos;
        if (pos < s.length() && s.charAt(pos) == '.') {
            pos++;
            fracStart = pos;
            digits();
            fracEnd = pos;
        }
        long exponent = 0;
        if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            pos++;
            boolean negative = false;
            if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                negative = s.charAt(pos) == '-';
                pos++;
            }
            int expStart = pos;
            digits();
            for (int i = expStart; i < pos && exponent <= PgNumeric.MAX_EXPONENT; i++) {
                exponent = exponent * 10 + (s.charAt(i) - '0');
            }
            exponent = negative ? -exponent : exponent;
        }
        if (s.charAt(start) == '0' && pos > start + 1 && Character.isDigit(s.charAt(start + 1))) {
            throw error("leading zero in number");
        }
        String range = PgNumeric.rangeProblem(s, start, intEnd, fracStart, fracEnd, exponent);
        if (range != null) {
            pos = numberStart;
            throw error("number " + PgNumeric.abbreviate(s.substring(numberStart, Math.max(numberStart, fracEnd)), exponent)
                    + " is out of the range PostgreSQL can store (" + range + ")");
        }
        long printed = PgNumeric.printedLength(s, start > numberStart, start, intEnd, fracStart, fracEnd, exponent);
        expansion += Math.max(0, printed - (pos - numberStart));
    }

    /** The decoded text of the string body {@code [from, to)} (already validated). */
    private String decode(int from, int to) {
        if (s.indexOf('\\', from) < 0 || s.indexOf('\\', from) >= to) {
            return s.substring(from, to);
        }
        StringBuilder b = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'u':
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                    break;
                case 'b':
                    b.append('\b');
                    break;
                case 'f':
                    b.append('\f');
                    break;
                case 'n':
                    b.append('\n');
                    break;
                case 'r':
                    b.append('\r');
                    break;
                case 't':
                    b.append('\t');
                    break;
                default:
                    b.append(e);
            }
        }
        return b.toString();
    }

    static boolean isLowSurrogateHex(String hex) {
        for (int i = 0; i < hex.length(); i++) {
            if (!isAsciiHex(hex.charAt(i))) {
                return false;
            }
        }
        return Character.isLowSurrogate((char) Integer.parseInt(hex, 16));
    }

    static boolean isAsciiHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    void digits() {
        int start = pos;
        while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
            pos++;
        }
        if (pos == start) {
            throw error("expected a digit");
        }
    }

    void literal(String word) {
        if (!s.startsWith(word, pos)) {
            throw error("unexpected token");
        }
        pos += word.length();
    }
}
