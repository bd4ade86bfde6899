package dev.docket.benchmarks.soak;

import dev.docket.benchmarks.BenchDatabase;
import dev.docket.cli.DocketCli;
import dev.docket.queue.Job;
import dev.docket.queue.spi.JobStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bad input through the CLI: {@code docket enqueue --csv FILE} with hostile files. A file with a bad
 * line (empty or over-long field, control character, invalid JSON payload, bytes that are not UTF-8)
 * must be refused whole with exit status 2 and a message naming the line, enqueueing nothing; a file
 * of odd but valid records (SQL fragments, quotes, unicode) must be enqueued with every record
 * stored verbatim. Valid records of a refused file are not lost: the operator is told which line to
 * fix and nothing is half-done.
 */
final class HostileCsv {
    private static final String HEADER = "document_source,document_number,payload\n";

    /** One file: its name, its bytes, and the line (1-based, header = 1) expected in the refusal, or 0 if valid. */
    record Case(String name, byte[] content, int badLine) {
    }

    /** What happened to one file. */
    record Outcome(String name, int exit, String message, String problem, List<Long> ids) {
    }

    private HostileCsv() {
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // every record of a file that must be refused has a number starting with "csvbad-": none may be stored
        c.add(text("empty source on line 3", "src,csvbad-1,\n,csvbad-2,\n", 3));
        c.add(text("over-long number on line 2", "src,csvbad-" + "9".repeat(300) + ",\nsrc,csvbad-3,\n", 2));
        c.add(text("control character in a quoted field", "src,csvbad-4,\n\"sr\u0007c\",csvbad-5,\n", 3));
        c.add(text("invalid JSON payload", "src,csvbad-6,\"{\"\"a\"\":}\"\n", 2));
        c.add(text("unterminated quote", "src,\"csvbad-7,\n", 2));
        byte[] start = (HEADER + "src,csvbad-8,\nsrc,csvbad-caf").getBytes(StandardCharsets.UTF_8);
        byte[] bad = new byte[start.length + 2];
        System.arraycopy(start, 0, bad, 0, start.length);
        bad[start.length] = (byte) 0xE9; // 'é' in ISO-8859-1: not UTF-8
        bad[start.length + 1] = '\n';
        c.add(new Case("non-UTF-8 bytes on line 3", bad, 3));
        c.add(text("valid: SQL, quotes, unicode", "\"'; DROP TABLE extraction_queue; --\",n-1,\n"
                + "src,\"quote \"\" and , comma\",\n"
                + "registre-é-文書,📄-1,\"{\"\"q\"\": \"\"'; DELETE FROM worker_status; --\"\"}\"\n", 0));
        return c;
    }

    private static Case text(String name, String body, int badLine) {
        return new Case(name, (HEADER + body).getBytes(StandardCharsets.UTF_8), badLine);
    }

    static List<Outcome> run(JobStore store, BenchDatabase db, Path dir) throws IOException {
        List<Outcome> outcomes = new ArrayList<>();
        Map<String, String> env = new HashMap<>();
        env.put("DOCKET_JDBC_URL", db.server().url());
        env.put("DOCKET_DB_USER", db.server().user());
        env.put("DOCKET_DB_PASSWORD", db.server().password() == null ? "" : db.server().password());
        env.put("DOCKET_SCHEMA", db.schema());
        int i = 0;
        for (Case k : cases()) {
            Path file = dir.resolve("hostile-" + (i++) + ".csv");
            Files.write(file, k.content());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = DocketCli.run(new String[] {"enqueue", "--csv", file.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env);
            String message = err.toString(StandardCharsets.UTF_8).trim();
            long added = k.badLine() > 0 ? db.queryLong("SELECT count(*) FROM " + db.quotedSchema()
                    + ".extraction_queue WHERE document_number LIKE 'csvbad-%'") : 0;
            String problem = null;
            if (k.badLine() > 0) {
                if (exit != 2) {
                    problem = "exit " + exit + " instead of 2";
                } else if (!message.contains("line " + k.badLine())) {
                    problem = "the message does not name line " + k.badLine() + ": " + message;
                } else if (added != 0) {
                    problem = added + " job(s) enqueued from a refused file";
                }
            } else {
                problem = checkStoredVerbatim(store, k, exit, out.toString(StandardCharsets.UTF_8), message);
            }
            List<Long> ids = new ArrayList<>();
            if (exit == 0) {
                for (String id : out.toString(StandardCharsets.UTF_8).trim().split("\\s+")) {
                    ids.add(Long.parseLong(id));
                }
            }
            outcomes.add(new Outcome(k.name(), exit, firstLine(message), problem, ids));
        }
        return outcomes;
    }

    private static String checkStoredVerbatim(JobStore store, Case k, int exit, String ids, String message) {
        if (exit != 0) {
            return "a valid file was refused (exit " + exit + "): " + message;
        }
        List<String[]> expected = List.of(
                new String[] {"'; DROP TABLE extraction_queue; --", "n-1"},
                new String[] {"src", "quote \" and , comma"},
                new String[] {"registre-é-文書", "📄-1"});
        String[] lines = ids.trim().split("\\s+");
        if (lines.length != expected.size()) {
            return "printed " + lines.length + " ids for " + expected.size() + " records: " + ids;
        }
        for (int j = 0; j < lines.length; j++) {
            Job job = store.find(Long.parseLong(lines[j])).orElse(null);
            if (job == null || !job.documentSource().equals(expected.get(j)[0])
                    || !job.documentNumber().equals(expected.get(j)[1])) {
                return "record " + (j + 1) + " not stored verbatim: " + job;
            }
        }
        return null;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
