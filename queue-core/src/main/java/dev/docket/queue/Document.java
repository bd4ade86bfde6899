package dev.docket.queue;

import java.util.Arrays;
import java.util.Objects;

/**
 * An extracted document: its bytes and content type. Immutable (the bytes are copied in and out).
 */
public final class Document {
    /** Longest accepted {@link #contentType()}. */
    public static final int MAX_CONTENT_TYPE_LENGTH = 255;
    private final byte[] content;
    private final String contentType;

    private Document(byte[] content, String contentType) {
        this.content = content;
        this.contentType = contentType;
    }

    /**
     * @param content     the document's bytes, not empty
     * @param contentType its media type, e.g. {@code application/pdf} or {@code text/html; charset=utf-8}:
     *                    {@code type/subtype} with optional {@code ; name=value} parameters (RFC 9110 tokens, values
     *                    as tokens or quoted strings), printable ASCII, at most {@value #MAX_CONTENT_TYPE_LENGTH}
     *                    characters; surrounding white space is removed
     * @throws IllegalArgumentException when {@code content} is empty or {@code contentType} is not such a media type
     */
    public static Document of(byte[] content, String contentType) {
        Objects.requireNonNull(content, "content");
        if (content.length == 0) {
            throw new IllegalArgumentException("content must not be empty");
        }
        if (contentType == null || contentType.isBlank()) {
            throw new IllegalArgumentException("contentType must not be blank but was '" + contentType + "'");
        }
        String type = contentType.strip();
        String problem = type.length() > MAX_CONTENT_TYPE_LENGTH ? type.length() + " characters long" : mediaTypeProblem(type);
        if (problem != null) {
            throw new IllegalArgumentException("contentType must be a media type like 'application/pdf' (type/subtype"
                    + "[; name=value]..., printable ASCII, at most " + MAX_CONTENT_TYPE_LENGTH + " characters) but was '"
                    + printable(type) + "' (" + problem + ")");
        }
        return new Document(content.clone(), type);
    }

    /** Null when {@code s} is {@code type/subtype *( OWS ";" OWS token "=" ( token / quoted-string ) )}; else why not. */
    private static String mediaTypeProblem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c >= 0x7F) {
                return String.format("it has the character \\u%04x", (int) c);
            }
        }
        int[] at = {0};
        if (token(s, at) == 0 || !accept(s, at, '/') || token(s, at) == 0) {
            return "no type/subtype";
        }
        while (true) {
            skipSpace(s, at);
            if (at[0] == s.length()) {
                return null;
            }
            if (!accept(s, at, ';')) {
                return "unexpected '" + s.charAt(at[0]) + "' after the type";
            }
            skipSpace(s, at);
            if (token(s, at) == 0 || !accept(s, at, '=')) {
                return "a parameter is not name=value";
            }
            if (at[0] < s.length() && s.charAt(at[0]) == '"') {
                if (!quoted(s, at)) {
                    return "a quoted parameter value is not closed";
                }
            } else if (token(s, at) == 0) {
                return "a parameter has no value";
            }
        }
    }

    private static int token(String s, int[] at) {
        int start = at[0];
        while (at[0] < s.length() && isTokenChar(s.charAt(at[0]))) {
            at[0]++;
        }
        return at[0] - start;
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean accept(String s, int[] at, char c) {
        if (at[0] < s.length() && s.charAt(at[0]) == c) {
            at[0]++;
            return true;
        }
        return false;
    }

    private static void skipSpace(String s, int[] at) {
        while (at[0] < s.length() && (s.charAt(at[0]) == ' ' || s.charAt(at[0]) == '\t')) {
            at[0]++;
        }
    }

    private static boolean quoted(String s, int[] at) {
        at[0]++; // the opening quote
        while (at[0] < s.length()) {
            char c = s.charAt(at[0]++);
            if (c == '"') {
                return true;
            }
            if (c == '\\') {
                at[0]++;
            }
        }
        return false;
    }

    /** {@code s} for a message: at most 100 characters, anything but printable ASCII as {@code \\uXXXX}. */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return s.length() > 100 ? out + "..." : out.toString();
    }

    /** A copy of the bytes. */
    public byte[] content() {
        return content.clone();
    }

    /** Size in bytes. */
    public int size() {
        return content.length;
    }

    public String contentType() {
        return contentType;
    }

    /** A file extension for the content type ({@code pdf}, {@code html}, ... or {@code bin}). */
    public String fileExtension() {
        String base = contentType.toLowerCase(java.util.Locale.ROOT);
        int semi = base.indexOf(';');
        if (semi >= 0) {
            base = base.substring(0, semi).trim();
        }
        switch (base) {
            case "application/pdf":
                return "pdf";
            case "text/html":
                return "html";
            case "text/plain":
                return "txt";
            case "application/json":
                return "json";
            case "application/xml":
            case "text/xml":
                return "xml";
            case "image/png":
                return "png";
            case "image/jpeg":
                return "jpg";
            default:
                return "bin";
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Document && ((Document) o).contentType.equals(contentType)
                && Arrays.equals(((Document) o).content, content);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(content) + contentType.hashCode();
    }

    @Override
    public String toString() {
        return "Document{" + contentType + ", " + content.length + " bytes}";
    }
}
