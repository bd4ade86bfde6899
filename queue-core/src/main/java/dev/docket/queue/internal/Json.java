package dev.docket.queue.internal;

/**
 * Minimal JSON support: validation of user payloads and string quoting for the results Docket
 * writes. Not a general JSON library.
 */
public final class Json {
    private static final int MAX_DEPTH = 64;
    /** PostgreSQL numeric input rejects exponents of this magnitude and beyond (INT_MAX / 2). */
    private static final long PG_MAX_EXPONENT = Integer.MAX_VALUE / 2;
    /** Most digits after the decimal point a PostgreSQL numeric holds (NUMERIC_DSCALE_MAX). */
    private static final long PG_MAX_SCALE = 0x3FFF;
    /** Highest decimal exponent of a PostgreSQL numeric's first digit (base-10000 weight 32767, 4 digits each). */
    private static final long PG_MAX_DECIMAL_WEIGHT = 4L * Short.MAX_VALUE + 3;

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
        /** Characters the numbers seen so far gain when printed in plain notation. */
        long expansion;

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
                    throw error("duplicate key " + quote(key.length() > 40 ? key.substring(0, 40) + "…" : key));
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
                for (int i = expStart; i < pos && exponent <= PG_MAX_EXPONENT; i++) {
                    exponent = exponent * 10 + (s.charAt(i) - '0');
                }
                exponent = negative ? -exponent : exponent;
            }
            if (s.charAt(start) == '0' && pos > start + 1 && Character.isDigit(s.charAt(start + 1))) {
                throw error("leading zero in number");
            }
            String range = numericRangeProblem(start, intEnd, fracStart, fracEnd, exponent);
            if (range != null) {
                pos = numberStart;
                throw error("number " + abbreviate(s.substring(numberStart, Math.max(numberStart, fracEnd)), exponent)
                        + " is out of the range PostgreSQL can store (" + range + ")");
            }
            long printed = printedLength(start > numberStart, start, intEnd, fracStart, fracEnd, exponent);
            expansion += Math.max(0, printed - (pos - numberStart));
        }

        /**
         * An upper bound of the length of the number as PostgreSQL's {@code numeric} prints it: sign,
         * integer digits (at least "0"), and the fraction digits its scale keeps.
         */
        private long printedLength(boolean negative, int intStart, int intEnd, int fracStart, int fracEnd,
                long exponent) {
            long scale = Math.max(0, (fracEnd - fracStart) - exponent);
            long intDigits = 1;
            for (int i = intStart; i < intEnd; i++) {
                if (s.charAt(i) != '0') {
                    intDigits = Math.max(1, (intEnd - i) + exponent);
                    break;
                }
            }
            if (intDigits == 1 && exponent > 0) {
                // leading zeros only in the integer part: fraction digits move in front of the point
                for (int i = fracStart; i < fracEnd; i++) {
                    if (s.charAt(i) != '0') {
                        intDigits = Math.max(1, exponent - (i - fracStart));
                        break;
                    }
                }
            }
            return (negative ? 1 : 0) + intDigits + (scale > 0 ? 1 + scale : 0);
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

        /**
         * Null when PostgreSQL's {@code numeric} (which {@code jsonb} stores numbers as) can hold the
         * number with integer digits {@code [intStart, intEnd)}, fraction digits {@code [fracStart, fracEnd)}
         * and {@code exponent}; else why not. Its limits: |exponent| below 1073741823, at most 16383 digits
         * after the decimal point, and a most significant digit at most 10^131071.
         */
        private String numericRangeProblem(int intStart, int intEnd, int fracStart, int fracEnd, long exponent) {
            if (exponent >= PG_MAX_EXPONENT || exponent <= -PG_MAX_EXPONENT) {
                return "exponent too large";
            }
            long scale = Math.max(0, (fracEnd - fracStart) - exponent);
            if (scale > PG_MAX_SCALE) {
                return scale + " digits after the decimal point, at most " + PG_MAX_SCALE;
            }
            long mostSignificant = Long.MIN_VALUE; // decimal exponent of the first non-zero digit
            for (int i = intStart; i < intEnd; i++) {
                if (s.charAt(i) != '0') {
                    mostSignificant = (intEnd - 1 - i) + exponent;
                    break;
                }
            }
            if (mostSignificant == Long.MIN_VALUE) {
                for (int i = fracStart; i < fracEnd; i++) {
                    if (s.charAt(i) != '0') {
                        mostSignificant = -(i - fracStart + 1) + exponent;
                        break;
                    }
                }
            }
            if (mostSignificant > PG_MAX_DECIMAL_WEIGHT) {
                return "at most 10^" + PG_MAX_DECIMAL_WEIGHT;
            }
            return null;
        }

        private static String abbreviate(String digits, long exponent) {
            String d = digits.length() > 20 ? digits.substring(0, 20) + "…" : digits;
            return exponent == 0 ? d : d + "e" + exponent;
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

    /**
     * The length of valid JSON {@code text} with every number counted at (at least) the length
     * PostgreSQL prints it with: {@code jsonb} keeps numbers as {@code numeric} and prints them in
     * plain notation, so {@code 1e100000} (8 characters in) comes back as 100,001 characters. Other
     * text counts as written ({@code jsonb}'s own spacing can add a space after each {@code ,} and
     * {@code :}, never more). Call only on text {@link #validate} accepted.
     */
    public static long expandedLength(String text) {
        Parser p = new Parser(text);
        p.skipWs();
        p.value(0);
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
