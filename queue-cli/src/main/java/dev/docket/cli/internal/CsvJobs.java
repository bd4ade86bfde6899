package dev.docket.cli.internal;

import dev.docket.queue.NewJob;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads jobs from CSV (RFC 4180) for {@code docket enqueue --csv FILE}: a header line naming the
 * columns, then one job per record. Required columns {@code document_source, document_number};
 * optional {@code payload, priority, run_after, max_attempts, idempotency_key} (empty cells take the
 * defaults). The bytes must be UTF-8 (a leading BOM is ignored); fields may be quoted, with
 * {@code ""} for a quote inside, and quoted fields may span lines; blank lines are skipped.
 *
 * <p>Every problem is reported with the line it is on (the line where its record starts, the header
 * being line 1), and nothing is returned when there is any problem: the CLI enqueues all the jobs or
 * none. Stateless and thread-safe.
 */
public final class CsvJobs {
    public static final String SOURCE = "document_source";
    public static final String NUMBER = "document_number";
    public static final String PAYLOAD = "payload";
    public static final String PRIORITY = "priority";
    public static final String RUN_AFTER = "run_after";
    public static final String MAX_ATTEMPTS = "max_attempts";
    public static final String IDEMPOTENCY_KEY = "idempotency_key";
    static final List<String> COLUMNS = List.of(SOURCE, NUMBER, PAYLOAD, PRIORITY, RUN_AFTER, MAX_ATTEMPTS,
            IDEMPOTENCY_KEY);

    private CsvJobs() {
    }

    /**
     * The jobs, or the problems.
     *
     * @param jobs   the jobs in file order, empty when there are errors
     * @param errors "line N: what is wrong", in file order
     */
    public record Result(List<NewJob> jobs, List<String> errors) {
        public Result {
            jobs = List.copyOf(jobs);
            errors = List.copyOf(errors);
        }

        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /** Parses {@code bytes} (the whole file). */
    public static Result parse(byte[] bytes) {
        List<String> errors = new ArrayList<>();
        String text = decodeStrictly(bytes, errors);
        if (!errors.isEmpty()) {
            return new Result(List.of(), errors);
        }
        List<Record> records = records(text, errors);
        if (records.isEmpty()) {
            if (errors.isEmpty()) {
                errors.add("line 1: the file is empty; the first line must be the header " + SOURCE + "," + NUMBER);
            }
            return new Result(List.of(), errors);
        }
        Record header = records.get(0);
        if (header.malformed) {
            return new Result(List.of(), errors);
        }
        List<String> headerErrors = new ArrayList<>();
        Map<String, Integer> columns = header(header, headerErrors);
        if (columns == null) {
            headerErrors.addAll(errors);
            return new Result(List.of(), headerErrors);
        }
        List<NewJob> jobs = new ArrayList<>();
        for (Record r : records.subList(1, records.size())) {
            if (r.malformed) {
                continue;
            }
            if (r.fields.size() != header.fields.size()) {
                errors.add("line " + r.line + ": expected " + header.fields.size() + " field(s) like the header but found "
                        + r.fields.size());
                continue;
            }
            try {
                jobs.add(job(r, columns));
            } catch (IllegalArgumentException e) {
                errors.add("line " + r.line + ": " + e.getMessage());
            }
        }
        if (errors.isEmpty()) {
            return new Result(jobs, List.of());
        }
        errors.sort(java.util.Comparator.comparingInt(CsvJobs::lineOf));
        return new Result(List.of(), errors);
    }

    /** N of "line N: ..." (every error message starts so). */
    private static int lineOf(String error) {
        int n = 0;
        for (int i = "line ".length(); i < error.length() && Character.isDigit(error.charAt(i)) && n < 100_000_000; i++) {
            n = n * 10 + (error.charAt(i) - '0');
        }
        return n;
    }

    private static Map<String, Integer> header(Record header, List<String> errors) {
        Map<String, Integer> columns = new LinkedHashMap<>();
        for (int i = 0; i < header.fields.size(); i++) {
            String name = header.fields.get(i).trim().toLowerCase(Locale.ROOT);
            if (!COLUMNS.contains(name)) {
                errors.add("line " + header.line + ": unknown column '" + header.fields.get(i) + "' (the header must name "
                        + SOURCE + " and " + NUMBER + ", and may name " + String.join(", ", COLUMNS.subList(2, COLUMNS.size()))
                        + ")");
            } else if (columns.putIfAbsent(name, i) != null) {
                errors.add("line " + header.line + ": column '" + name + "' appears twice");
            }
        }
        for (String required : List.of(SOURCE, NUMBER)) {
            if (!columns.containsKey(required) && errors.isEmpty()) {
                errors.add("line " + header.line + ": the header must name " + SOURCE + " and " + NUMBER + " (missing "
                        + required + ")");
            }
        }
        return errors.isEmpty() ? columns : null;
    }

    private static NewJob job(Record r, Map<String, Integer> columns) {
        NewJob.Builder b = NewJob.builder(cell(r, columns, SOURCE), cell(r, columns, NUMBER));
        String payload = cell(r, columns, PAYLOAD);
        if (payload != null && !payload.isEmpty()) {
            b.payload(payload);
        }
        String priority = cell(r, columns, PRIORITY);
        if (priority != null && !priority.isBlank()) {
            b.priority(integer(PRIORITY, priority));
        }
        String maxAttempts = cell(r, columns, MAX_ATTEMPTS);
        if (maxAttempts != null && !maxAttempts.isBlank()) {
            b.maxAttempts(integer(MAX_ATTEMPTS, maxAttempts));
        }
        String runAfter = cell(r, columns, RUN_AFTER);
        if (runAfter != null && !runAfter.isBlank()) {
            b.runAfter(instant(RUN_AFTER, runAfter.trim()));
        }
        String key = cell(r, columns, IDEMPOTENCY_KEY);
        if (key != null && !key.isEmpty()) {
            b.idempotencyKey(key);
        }
        return b.build();
    }

    private static String cell(Record r, Map<String, Integer> columns, String name) {
        Integer i = columns.get(name);
        return i == null ? null : r.fields.get(i);
    }

    static int integer(String what, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number but was '" + text + "'");
        }
    }

    /** An ISO-8601 date-time with an offset ({@code 2026-01-31T08:00:00Z}, {@code 2026-01-31T09:00:00+01:00}). */
    public static Instant instant(String what, String text) {
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(what + " must be an ISO-8601 date-time with an offset like"
                    + " 2026-01-31T08:00:00Z but was '" + text + "'");
        }
    }

    // ------------------------------------------------------------------ decoding

    /** The text, or null with one error per line that is not valid UTF-8. */
    static String decodeStrictly(byte[] bytes, List<String> errors) {
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        StringBuilder text = new StringBuilder(bytes.length);
        int line = 1;
        int lineStart = start;
        for (int i = start; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                String decoded = decodeLine(bytes, lineStart, i, line, errors);
                if (decoded != null) {
                    text.append(decoded);
                }
                if (i < bytes.length) {
                    text.append('\n');
                }
                line++;
                lineStart = i + 1;
            }
        }
        return errors.isEmpty() ? text.toString() : null;
    }

    private static String decodeLine(byte[] bytes, int from, int to, int line, List<String> errors) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
        CharBuffer out = CharBuffer.allocate(to - from);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position() - from;
            errors.add(String.format(Locale.ROOT, "line %d: not valid UTF-8 (byte 0x%02X at byte %d of the line);"
                    + " save the file as UTF-8", line, bytes[in.position()] & 0xFF, offset + 1));
            return null;
        }
        out.flip();
        return out.toString();
    }

    // ------------------------------------------------------------------ RFC 4180 records

    private static final class Record {
        final int line;
        final List<String> fields = new ArrayList<>();
        boolean malformed;

        Record(int line) {
            this.line = line;
        }
    }

    /** Splits the text into records; appends an error per malformed record (which is marked as such). */
    private static List<Record> records(String s, List<String> errors) {
        List<Record> out = new ArrayList<>();
        int i = 0;
        int line = 1;
        int n = s.length();
        while (i < n) {
            // blank line (or the end after a final newline)
            if (s.charAt(i) == '\n' || (s.charAt(i) == '\r' && i + 1 < n && s.charAt(i + 1) == '\n')) {
                i += s.charAt(i) == '\r' ? 2 : 1;
                line++;
                continue;
            }
            Record r = new Record(line);
            String problem = null;
            StringBuilder field = new StringBuilder();
            boolean endOfRecord = false;
            while (!endOfRecord) {
                field.setLength(0);
                if (i < n && s.charAt(i) == '"') {
                    int openedOn = line;
                    i++;
                    boolean closed = false;
                    while (i < n) {
                        char c = s.charAt(i);
                        if (c == '"') {
                            if (i + 1 < n && s.charAt(i + 1) == '"') {
                                field.append('"');
                                i += 2;
                                continue;
                            }
                            i++;
                            closed = true;
                            break;
                        }
                        if (c == '\n') {
                            line++;
                        }
                        field.append(c);
                        i++;
                    }
                    if (!closed) {
                        problem = "quoted field opened on line " + openedOn + " is never closed";
                        i = n;
                        break;
                    }
                    if (i < n && s.charAt(i) != ',' && s.charAt(i) != '\n' && !crlf(s, i)) {
                        problem = "unexpected '" + s.charAt(i) + "' after a closing quote (a quote inside a quoted field"
                                + " is written \"\")";
                    }
                } else {
                    while (i < n && s.charAt(i) != ',' && s.charAt(i) != '\n' && !crlf(s, i)) {
                        char c = s.charAt(i);
                        if (c == '"' && problem == null) {
                            problem = "quote inside an unquoted field (quote the whole field and write the quote as \"\")";
                        }
                        field.append(c);
                        i++;
                    }
                }
                if (problem != null) {
                    break;
                }
                r.fields.add(field.toString());
                if (i < n && s.charAt(i) == ',') {
                    i++;
                } else {
                    endOfRecord = true;
                }
            }
            if (problem != null) {
                errors.add("line " + r.line + ": " + problem);
                // skip the rest of the physical line
                while (i < n && s.charAt(i) != '\n') {
                    i++;
                }
            }
            if (i < n) {
                i += crlf(s, i) ? 2 : 1;
                line++;
            }
            r.malformed = problem != null;
            out.add(r);
        }
        return out;
    }

    private static boolean crlf(String s, int i) {
        return s.charAt(i) == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n';
    }
}
