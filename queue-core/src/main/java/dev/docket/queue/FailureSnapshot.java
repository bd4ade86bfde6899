package dev.docket.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the evidence of one failed attempt was saved (a screenshot, the page's HTML, a JSON file with the final
 * URL, the HTTP status, console errors and blocked requests): what a {@link JobEventType#SNAPSHOT_SAVED} event
 * records. The event's message is {@link #toMessage()}, one line per file, so it reads well in
 * {@code docket diagnose --job N} and {@link #parse} reads it back (for {@code docket purge}, which removes the
 * files with their job).
 *
 * @param attempt the attempt that failed
 * @param kind    how it failed ({@code TRANSIENT}, {@code PERMANENT}, {@code THROTTLED}, {@code TIMED_OUT}, ...)
 * @param error   the failure, as the snapshot saw it (cut to {@value #MAX_ERROR_LENGTH} characters)
 * @param files   what was written, each with its {@code uri}
 */
public record FailureSnapshot(int attempt, String kind, String error, List<File> files) {
    /** Longest error text kept in the message. */
    public static final int MAX_ERROR_LENGTH = 300;
    private static final String HEAD = "failure snapshot of attempt ";
    private static final Pattern HEAD_LINE = Pattern.compile("^" + HEAD + "([0-9]{1,9}) \\(([A-Z_]{1,32})\\): (.*)$");
    private static final Pattern FILE_LINE = Pattern.compile(
            "^  ([a-z]{1,16}) ([!-~]{1,127}) ([0-9]{1,19}) bytes sha256 ([0-9a-f]{64}) (\\S{1,2048})$");

    /**
     * One saved file.
     *
     * @param role        {@code screenshot}, {@code html} or {@code details}
     * @param document    where it is, as the sink returned it
     */
    public record File(String role, StoredDocument document) {
        public File {
            if (role == null || !role.matches("[a-z]{1,16}")) {
                throw new IllegalArgumentException("role must be 1-16 lower-case letters but was '" + role + "'");
            }
            Objects.requireNonNull(document, "document");
        }
    }

    public FailureSnapshot {
        Objects.requireNonNull(kind, "kind");
        error = oneLine(error == null ? "" : error);
        files = List.copyOf(files);
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("[\\p{Cntrl}]+", " ").strip();
        return t.length() <= MAX_ERROR_LENGTH ? t : t.substring(0, MAX_ERROR_LENGTH) + "...";
    }

    /** The event message: a head line, then one line per file ({@code role type size sha256 uri}). */
    public String toMessage() {
        StringBuilder b = new StringBuilder(HEAD).append(attempt).append(" (").append(kind.toUpperCase(Locale.ROOT))
                .append("): ").append(error);
        for (File f : files) {
            StoredDocument d = f.document();
            b.append('\n').append("  ").append(f.role()).append(' ').append(d.contentType().replace(' ', '_'))
                    .append(' ').append(d.size()).append(" bytes sha256 ").append(d.sha256()).append(' ').append(d.uri());
        }
        return b.toString();
    }

    /** The snapshot a {@link #toMessage()} text describes, or empty when {@code message} is not one. */
    public static Optional<FailureSnapshot> parse(String message) {
        if (message == null) {
            return Optional.empty();
        }
        String[] lines = message.split("\n", -1);
        Matcher head = HEAD_LINE.matcher(lines[0]);
        if (!head.matches()) {
            return Optional.empty();
        }
        List<File> files = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            Matcher m = FILE_LINE.matcher(lines[i]);
            if (!m.matches()) {
                return Optional.empty();
            }
            files.add(new File(m.group(1), new StoredDocument(m.group(5), m.group(4), Long.parseLong(m.group(3)), m.group(2))));
        }
        return Optional.of(new FailureSnapshot(Integer.parseInt(head.group(1)), head.group(2), head.group(3), files));
    }
}
