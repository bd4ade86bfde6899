package dev.docket.extractor.playwright.internal;

import dev.docket.queue.Document;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Content types from servers, which are hostile input: {@link #clean} turns a {@code Content-Type} header into
 * the {@code type/subtype[; charset=...]} a {@link dev.docket.queue.Document} carries, or says why it cannot;
 * {@link #sniff} and {@link #mismatch} compare a declared type with the document's first bytes.
 */
final class MediaTypes {
    /** RFC 6838: type and subtype names are at most 127 characters. */
    private static final int MAX_NAME = 127;
    private static final int MAX_CHARSET = 40;
    /** How far into a PDF its {@code %PDF-} header may be (readers accept leading junk up to 1 KiB). */
    private static final int PDF_HEADER_WINDOW = 1024;

    private static final byte[] PDF = ascii("%PDF-");
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] GIF87 = ascii("GIF87a");
    private static final byte[] GIF89 = ascii("GIF89a");
    private static final byte[] TIFF_LE = {'I', 'I', '*', 0};
    private static final byte[] TIFF_BE = {'M', 'M', 0, '*'};
    private static final byte[] ZIP = {'P', 'K', 3, 4};
    private static final byte[] ZIP_EMPTY = {'P', 'K', 5, 6};
    private static final byte[] OLE2 = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1};
    private static final byte[] GZIP = {0x1F, (byte) 0x8B};
    private static final byte[] RTF = ascii("{\\rtf");

    /** Families of binary formats whose first bytes are known, by the name used in messages. */
    private enum Format {
        PDF_DOC("application/pdf"), PNG_IMAGE("image/png"), JPEG_IMAGE("image/jpeg"), GIF_IMAGE("image/gif"),
        TIFF_IMAGE("image/tiff"), WEBP_IMAGE("image/webp"), ZIP_ARCHIVE("application/zip (or an Office/OpenDocument file)"),
        OLE2_DOC("a legacy Office file (OLE2)"), GZIP_ARCHIVE("application/gzip"), RTF_DOC("application/rtf");

        final String description;

        Format(String description) {
            this.description = description;
        }
    }

    private static final Map<String, Format> DECLARED = Map.ofEntries(
            Map.entry("application/pdf", Format.PDF_DOC),
            Map.entry("application/x-pdf", Format.PDF_DOC),
            Map.entry("image/png", Format.PNG_IMAGE),
            Map.entry("image/jpeg", Format.JPEG_IMAGE),
            Map.entry("image/jpg", Format.JPEG_IMAGE),
            Map.entry("image/pjpeg", Format.JPEG_IMAGE),
            Map.entry("image/gif", Format.GIF_IMAGE),
            Map.entry("image/tiff", Format.TIFF_IMAGE),
            Map.entry("image/webp", Format.WEBP_IMAGE),
            Map.entry("application/zip", Format.ZIP_ARCHIVE),
            Map.entry("application/x-zip-compressed", Format.ZIP_ARCHIVE),
            Map.entry("application/epub+zip", Format.ZIP_ARCHIVE),
            Map.entry("application/msword", Format.OLE2_DOC),
            Map.entry("application/vnd.ms-excel", Format.OLE2_DOC),
            Map.entry("application/vnd.ms-powerpoint", Format.OLE2_DOC),
            Map.entry("application/gzip", Format.GZIP_ARCHIVE),
            Map.entry("application/x-gzip", Format.GZIP_ARCHIVE),
            Map.entry("application/rtf", Format.RTF_DOC),
            Map.entry("text/rtf", Format.RTF_DOC));

    private MediaTypes() {
    }

    /** A {@code Content-Type} that cannot be used, with why. */
    static final class InvalidMediaType extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidMediaType(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * The media type of a {@code Content-Type} header, lower-cased, with its {@code charset} parameter (the only
     * one kept) when it has a valid one: {@code Application/PDF ; name="x.pdf"} gives {@code application/pdf}.
     *
     * @throws InvalidMediaType when the header has control characters or no valid {@code type/subtype}
     */
    static String clean(String header) throws InvalidMediaType {
        if (header == null || header.isBlank()) {
            throw new InvalidMediaType("it is missing");
        }
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                throw new InvalidMediaType("it has the control character " + String.format("\\u%04x", (int) c));
            }
        }
        String h = header.strip();
        int semi = h.indexOf(';');
        String base = (semi < 0 ? h : h.substring(0, semi)).strip();
        int slash = base.indexOf('/');
        if (slash <= 0 || slash == base.length() - 1 || !isToken(base.substring(0, slash))
                || !isToken(base.substring(slash + 1)) || slash > MAX_NAME || base.length() - slash - 1 > MAX_NAME) {
            throw new InvalidMediaType("'" + printable(base) + "' is not a type/subtype");
        }
        String media = base.toLowerCase(Locale.ROOT);
        if (media.length() > Document.MAX_CONTENT_TYPE_LENGTH) {
            throw new InvalidMediaType("it is longer than " + Document.MAX_CONTENT_TYPE_LENGTH + " characters");
        }
        String charset = semi < 0 ? null : charset(h.substring(semi + 1));
        String withCharset = charset == null ? media : media + "; charset=" + charset;
        return withCharset.length() <= Document.MAX_CONTENT_TYPE_LENGTH ? withCharset : media;
    }

    /** The valid {@code charset} among {@code params} ({@code a=b; charset="UTF-8"}), lower-cased, or null. */
    private static String charset(String params) {
        for (String param : params.split(";")) {
            int eq = param.indexOf('=');
            if (eq < 0 || !param.substring(0, eq).strip().equalsIgnoreCase("charset")) {
                continue;
            }
            String value = param.substring(eq + 1).strip();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            return isToken(value) && value.length() <= MAX_CHARSET ? value.toLowerCase(Locale.ROOT) : null;
        }
        return null;
    }

    /** The media type without parameters, lower-cased: {@code text/html; charset=utf-8} gives {@code text/html}. */
    static String base(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    /** RFC 9110 token: at least one of {@code !#$%&'*+-.^_`|~}, digits and letters. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** {@code s} shortened, with anything but printable ASCII shown as {@code \\uXXXX}: safe in a message or log. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 120; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.length() >= 120 ? out + "..." : out.toString();
    }

    /**
     * What the first bytes say the document is: a binary format with a known signature, {@code text/html} or
     * {@code application/xml} for markup, else {@code application/octet-stream}.
     */
    static String sniff(byte[] b) {
        Format f = format(b);
        if (f != null) {
            return f == Format.ZIP_ARCHIVE ? "application/zip" : f == Format.OLE2_DOC ? "application/x-ole-storage" : f.description;
        }
        String markup = markup(b);
        return markup != null ? markup : "application/octet-stream";
    }

    /**
     * Null when {@code bytes} may be a {@code mediaType} document (it has the signature of its format, or the type
     * has none Docket knows); else what the bytes look like instead.
     */
    static String mismatch(String mediaType, byte[] bytes) {
        Format declared = DECLARED.get(base(mediaType));
        if (declared == null && isZipBased(base(mediaType))) {
            declared = Format.ZIP_ARCHIVE;
        }
        if (declared == null || matches(declared, bytes)) {
            return null;
        }
        Format actual = format(bytes);
        if (actual != null) {
            return actual.description;
        }
        String markup = markup(bytes);
        if (markup != null) {
            return markup + " (a web page, e.g. an error page)";
        }
        return bytes.length == 0 ? "empty" : "unrecognised bytes (starting " + hex(bytes, 8) + ")";
    }

    private static boolean isZipBased(String media) {
        return media.startsWith("application/vnd.openxmlformats-officedocument.")
                || media.startsWith("application/vnd.oasis.opendocument.")
                || media.equals("application/java-archive");
    }

    private static boolean matches(Format f, byte[] b) {
        if (f == Format.PDF_DOC) {
            return indexOf(b, PDF, PDF_HEADER_WINDOW) >= 0;
        }
        return format(b) == f;
    }

    private static Format format(byte[] b) {
        if (startsWith(b, PDF)) {
            return Format.PDF_DOC;
        }
        if (startsWith(b, PNG)) {
            return Format.PNG_IMAGE;
        }
        if (startsWith(b, JPEG)) {
            return Format.JPEG_IMAGE;
        }
        if (startsWith(b, GIF87) || startsWith(b, GIF89)) {
            return Format.GIF_IMAGE;
        }
        if (startsWith(b, TIFF_LE) || startsWith(b, TIFF_BE)) {
            return Format.TIFF_IMAGE;
        }
        if (b.length >= 12 && startsWith(b, ascii("RIFF")) && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return Format.WEBP_IMAGE;
        }
        if (startsWith(b, ZIP) || startsWith(b, ZIP_EMPTY)) {
            return Format.ZIP_ARCHIVE;
        }
        if (startsWith(b, OLE2)) {
            return Format.OLE2_DOC;
        }
        if (startsWith(b, GZIP)) {
            return Format.GZIP_ARCHIVE;
        }
        if (startsWith(b, RTF)) {
            return Format.RTF_DOC;
        }
        if (indexOf(b, PDF, PDF_HEADER_WINDOW) >= 0 && markup(b) == null) {
            return Format.PDF_DOC; // leading junk before the header, as some generators write
        }
        return null;
    }

    /** {@code text/html} or {@code application/xml} when the bytes (after a BOM and white space) open markup. */
    private static String markup(byte[] b) {
        int i = 0;
        if (startsWith(b, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF})) {
            i = 3;
        }
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        String head = new String(b, i, Math.min(b.length - i, 64), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        if (head.startsWith("<?xml")) {
            return head.contains("<html") ? "text/html" : "application/xml";
        }
        for (String tag : new String[] {"<!doctype html", "<html", "<head", "<body", "<!--", "<title", "<h1", "<p>", "<div"}) {
            if (head.startsWith(tag)) {
                return "text/html";
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, byte[] needle, int window) {
        int end = Math.min(b.length, window) - needle.length;
        outer:
        for (int i = 0; i <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String hex(byte[] b, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, max); i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xFF));
        }
        return sb.toString();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
