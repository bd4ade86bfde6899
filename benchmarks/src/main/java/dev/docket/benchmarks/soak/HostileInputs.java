package dev.docket.benchmarks.soak;

import dev.docket.benchmarks.BenchDatabase;
import dev.docket.queue.Job;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.NewJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Bad input through the API: hostile records (empty and over-long fields, control characters, SQL
 * fragments, invalid or unstorable JSON, bad numbers) built with {@link NewJob} and enqueued in one
 * batch together with ordinary jobs. Each record must either be rejected by {@code NewJob} with an
 * {@link IllegalArgumentException} naming the field, or be stored verbatim (text fields equal, the
 * payload equal as {@code jsonb}); no valid job of the batch may be lost.
 */
final class HostileInputs {
    /** Ordinary jobs enqueued in the same batch as the accepted hostile ones. */
    static final int VALID_COMPANIONS = 50;

    /** One hostile record. */
    record Case(String name, String field, Supplier<NewJob> build) {
    }

    /** What happened to one record. */
    record Outcome(String name, boolean rejected, String message, Long jobId, String problem) {
    }

    /** The result of the whole check. */
    record Result(List<Outcome> outcomes, List<Job> enqueued, List<String> failures) {
        long rejected() {
            return outcomes.stream().filter(Outcome::rejected).count();
        }

        long stored() {
            return outcomes.stream().filter(o -> !o.rejected()).count();
        }
    }

    private HostileInputs() {
    }

    static List<Case> cases() {
        String sqlDrop = "'; DROP TABLE extraction_queue; --";
        List<Case> c = new ArrayList<>();
        // empty, blank, null, over-long
        c.add(new Case("empty source", "documentSource", () -> NewJob.of("", "n")));
        c.add(new Case("blank number", "documentNumber", () -> NewJob.of("src", "   ")));
        c.add(new Case("null number", "documentNumber", () -> NewJob.of("src", null)));
        c.add(new Case("256-char source", "documentSource", () -> NewJob.of("s".repeat(256), "n")));
        c.add(new Case("100k-char number", "documentNumber", () -> NewJob.of("src", "9".repeat(100_000))));
        c.add(new Case("256-char idempotency key", "idempotencyKey",
                () -> NewJob.builder("src", "n").idempotencyKey("k".repeat(256)).build()));
        c.add(new Case("255-char source and number (the limit)", null,
                () -> NewJob.of("s".repeat(255), "n".repeat(255))));
        // control characters and broken UTF-16
        c.add(new Case("NUL in number", "documentNumber", () -> NewJob.of("src", "12\u000034")));
        c.add(new Case("newline in source", "documentSource", () -> NewJob.of("reg\nistry", "n")));
        c.add(new Case("ANSI escape in number", "documentNumber", () -> NewJob.of("src", "\u001b[31mred")));
        c.add(new Case("DEL in number", "documentNumber", () -> NewJob.of("src", "a\u007fb")));
        c.add(new Case("tab in idempotency key", "idempotencyKey",
                () -> NewJob.builder("src", "n").idempotencyKey("a\tb").build()));
        c.add(new Case("lone surrogate in number", "documentNumber", () -> NewJob.of("src", "x\uD800y")));
        // SQL fragments and odd but valid text: stored verbatim
        c.add(new Case("SQL DROP in source", null, () -> NewJob.of(sqlDrop, "n")));
        c.add(new Case("SQL DROP in number", null, () -> NewJob.of("src", sqlDrop)));
        c.add(new Case("SQL in idempotency key", null,
                () -> NewJob.builder("src", "n").idempotencyKey("k' OR '1'='1; DELETE FROM worker_status; --").build()));
        c.add(new Case("dollar quoting", null, () -> NewJob.of("$$; DROP SCHEMA public CASCADE; $$", "n")));
        c.add(new Case("backslashes and quotes", null, () -> NewJob.of("src", "\\'\"\\\\%_*?")));
        c.add(new Case("unicode: accents, CJK, emoji, RTL override, zero-width", null,
                () -> NewJob.of("registre-é-文書", "📄-\u202Eevil\u200B-1")));
        c.add(new Case("SQL inside a JSON payload", null,
                () -> NewJob.builder("src", "n").payload("{\"q\":\"" + sqlDrop + "\",\"n\":[1,2.5e3,-0,true,null]}")
                        .build()));
        c.add(new Case("payload with duplicate keys (jsonb would keep only the last)", "payload",
                () -> NewJob.builder("src", "n").payload("{\"a\":1,\"a\":2}").build()));
        c.add(new Case("payload 1e400 (fits numeric)", null,
                () -> NewJob.builder("src", "n").payload("{\"n\":1e400}").build()));
        // invalid JSON payloads
        c.add(new Case("payload not JSON", "payload", () -> NewJob.builder("src", "n").payload("{").build()));
        c.add(new Case("payload single quotes", "payload",
                () -> NewJob.builder("src", "n").payload("{'a':1}").build()));
        c.add(new Case("payload trailing comma", "payload", () -> NewJob.builder("src", "n").payload("[1,]").build()));
        c.add(new Case("payload NaN", "payload", () -> NewJob.builder("src", "n").payload("NaN").build()));
        c.add(new Case("payload trailing garbage", "payload",
                () -> NewJob.builder("src", "n").payload("{} ; DROP TABLE extraction_queue").build()));
        c.add(new Case("payload with \\u0000", "payload",
                () -> NewJob.builder("src", "n").payload("{\"a\":\"\\u0000\"}").build()));
        c.add(new Case("payload nested 1000 deep", "payload",
                () -> NewJob.builder("src", "n").payload("[".repeat(1000) + "]".repeat(1000)).build()));
        c.add(new Case("payload over 64 KiB", "payload",
                () -> NewJob.builder("src", "n").payload("\"" + "x".repeat(70_000) + "\"").build()));
        c.add(new Case("payload number 1e1000000 (overflows PostgreSQL numeric)", "payload",
                () -> NewJob.builder("src", "n").payload("{\"n\":1e1000000}").build()));
        c.add(new Case("payload number with 20000 decimals (overflows numeric scale)", "payload",
                () -> NewJob.builder("src", "n").payload("0." + "1".repeat(20_000)).build()));
        c.add(new Case("payload number 1e-20000", "payload",
                () -> NewJob.builder("src", "n").payload("1e-20000").build()));
        // bad numbers in the options
        c.add(new Case("negative priority", "priority", () -> NewJob.builder("src", "n").priority(-1).build()));
        c.add(new Case("zero maxAttempts", "maxAttempts", () -> NewJob.builder("src", "n").maxAttempts(0).build()));
        return c;
    }

    /**
     * Builds every case, enqueues the accepted ones in one batch with {@link #VALID_COMPANIONS}
     * ordinary jobs, and checks the outcome against the database.
     */
    static Result run(JobStore store, BenchDatabase db) {
        List<String> failures = new ArrayList<>();
        List<Case> cases = cases();
        List<NewJob> batch = new ArrayList<>();
        List<Integer> batchIndexOfCase = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        for (Case k : cases) {
            try {
                NewJob j = k.build().get();
                batchIndexOfCase.add(batch.size());
                batch.add(j);
                outcomes.add(new Outcome(k.name(), false, null, null, null));
            } catch (IllegalArgumentException e) {
                batchIndexOfCase.add(-1);
                String msg = e.getMessage();
                String problem = msg == null || k.field() == null || !msg.contains(k.field())
                        ? "rejected, but the message does not name the field '" + k.field() + "': " + msg : null;
                outcomes.add(new Outcome(k.name(), true, msg, null, problem));
                if (problem != null) {
                    failures.add("bad input '" + k.name() + "': " + problem);
                }
            } catch (RuntimeException e) {
                batchIndexOfCase.add(-1);
                outcomes.add(new Outcome(k.name(), true, e.toString(), null, "rejected with " + e.getClass().getName()
                        + " instead of IllegalArgumentException"));
                failures.add("bad input '" + k.name() + "': rejected with " + e + " instead of IllegalArgumentException");
            }
        }
        int firstCompanion = batch.size();
        for (int i = 0; i < VALID_COMPANIONS; i++) {
            batch.add(NewJob.builder("hostile-batch", "valid-" + i).payload("{\"i\":" + i + "}").build());
        }
        List<Job> enqueued;
        try {
            enqueued = store.enqueueAll(batch);
        } catch (RuntimeException e) {
            failures.add("bad input: the batch of " + batch.size() + " jobs (" + VALID_COMPANIONS + " ordinary) was rejected"
                    + " by the store, losing every valid job in it: " + e.getMessage());
            // find the records NewJob accepted but the store cannot take, one by one
            for (int k = 0; k < cases.size(); k++) {
                int idx = batchIndexOfCase.get(k);
                if (idx < 0) {
                    continue;
                }
                try {
                    store.enqueueAll(List.of(batch.get(idx)));
                } catch (RuntimeException single) {
                    failures.add("bad input '" + cases.get(k).name() + "' passed NewJob validation but the store rejects"
                            + " it: " + single.getMessage());
                    outcomes.set(k, new Outcome(cases.get(k).name(), false, null, null,
                            "accepted by NewJob, rejected by the store: " + single.getMessage()));
                }
            }
            // the ordinary jobs still go through the run (they are checked like every other job)
            enqueued = store.enqueueAll(batch.subList(firstCompanion, batch.size()));
            return new Result(outcomes, enqueued, failures);
        }
        if (enqueued.size() != batch.size()) {
            failures.add("bad input: enqueued " + enqueued.size() + " of " + batch.size() + " jobs");
        }
        for (int k = 0; k < cases.size(); k++) {
            int idx = batchIndexOfCase.get(k);
            if (idx < 0) {
                continue;
            }
            NewJob wanted = batch.get(idx);
            Job got = enqueued.get(idx);
            String problem = verbatim(db, got.id(), wanted);
            outcomes.set(k, new Outcome(cases.get(k).name(), false, null, got.id(), problem));
            if (problem != null) {
                failures.add("bad input '" + cases.get(k).name() + "' was not stored verbatim: " + problem);
            }
        }
        return new Result(outcomes, enqueued, failures);
    }

    /** Null when the stored row equals {@code wanted} (text fields exactly, payload as jsonb), else the difference. */
    static String verbatim(BenchDatabase db, long id, NewJob wanted) {
        String sql = "SELECT document_source, document_number, idempotency_key, payload IS NOT DISTINCT FROM ?::jsonb,"
                + " payload::text FROM " + db.quotedSchema() + ".extraction_queue WHERE id = ?";
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, wanted.payload());
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "job " + id + " is missing";
                }
                if (!wanted.documentSource().equals(rs.getString(1))) {
                    return "documentSource differs";
                }
                if (!wanted.documentNumber().equals(rs.getString(2))) {
                    return "documentNumber differs";
                }
                if (!java.util.Objects.equals(wanted.idempotencyKey(), rs.getString(3))) {
                    return "idempotencyKey differs";
                }
                if (!rs.getBoolean(4)) {
                    return "payload differs: stored " + rs.getString(5);
                }
                return null;
            }
        } catch (SQLException e) {
            return "could not read job " + id + ": " + e.getMessage();
        }
    }
}
