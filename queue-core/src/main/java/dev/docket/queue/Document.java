package dev.docket.queue;

import java.util.Arrays;
import java.util.Objects;

/**
 * An extracted document: its bytes and content type. Immutable (the bytes are copied in and out).
 */
public final class Document {
    private final byte[] content;
    private final String contentType;

    private Document(byte[] content, String contentType) {
        this.content = content;
        this.contentType = contentType;
    }

    /**
     * @param content     the document's bytes, not empty
     * @param contentType its media type, e.g. {@code application/pdf}
     */
    public static Document of(byte[] content, String contentType) {
        Objects.requireNonNull(content, "content");
        if (content.length == 0) {
            throw new IllegalArgumentException("content must not be empty");
        }
        if (contentType == null || contentType.isBlank()) {
            throw new IllegalArgumentException("contentType must not be blank but was '" + contentType + "'");
        }
        return new Document(content.clone(), contentType.trim());
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
