package dev.docket.queue.internal;

/**
 * Minimal JSON support: validation of user payloads and string quoting for the results Docket
 * writes. Not a general JSON library.
 */
public final class Json {
    private static final int MAX_DEPTH = 64;

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
     * Checks that {@code text} is one complete JSON value (RFC 8259; NUL characters rejected because
     * PostgreSQL {@code jsonb} cannot store {@code \u0000}).
     *
     * @return null when valid, else what is wrong and where
     */
    public static String validate(String text) {
        Parser p = new Parser(text);
        try {
            p.skipWs();
            p.value(0);
            p.skipWs();
            if (p.pos != text.length()) {
                return "unexpected '" + text.charAt(p.pos) + "' at offset " + p.pos + " after the value";
            }
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
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
            while (true) {
                skipWs();
                if (peek() != '"') {
                    throw error("expected a string key");
                }
                string();
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
            if (peek() == '-') {
                pos++;
            }
            int start = pos;
            digits();
            if (pos < s.length() && s.charAt(pos) == '.') {
                pos++;
                digits();
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                    pos++;
                }
                digits();
            }
            if (s.charAt(start) == '0' && pos > start + 1 && Character.isDigit(s.charAt(start + 1))) {
                throw error("leading zero in number");
            }
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
}
