package dev.docket.web.internal;

/** Indents JSON text for reading (two spaces), leaving strings as they are; the result is text, escaped later. */
final class PrettyJson {
    private PrettyJson() {
    }

    static String format(String json) {
        if (json == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(json.length() + json.length() / 4);
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                b.append(c);
                if (c == '\\' && i + 1 < json.length()) {
                    b.append(json.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    inString = true;
                    b.append(c);
                }
                case '{', '[' -> {
                    int close = skipSpace(json, i + 1);
                    if (close < json.length() && json.charAt(close) == (c == '{' ? '}' : ']')) {
                        b.append(c).append(json.charAt(close));
                        i = close;
                    } else {
                        b.append(c);
                        newline(b, ++depth);
                    }
                }
                case '}', ']' -> {
                    newline(b, --depth);
                    b.append(c);
                }
                case ',' -> {
                    b.append(c);
                    newline(b, depth);
                }
                case ':' -> b.append(": ");
                case ' ', '\n', '\r', '\t' -> { }
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static void newline(StringBuilder b, int depth) {
        b.append('\n');
        for (int i = 0; i < Math.max(depth, 0); i++) {
            b.append("  ");
        }
    }
}
