package dev.docket.benchmarks.soak;

import dev.docket.benchmarks.BenchDatabase;

/**
 * The soak harness's own tables, in the run's schema beside Docket's (never part of Docket):
 *
 * <ul>
 *   <li>{@code soak_ledger}: one row per document produced, keyed by (job id, lease token), written
 *       by the extractor before it returns the document; {@code duplicates} counts a second
 *       extraction under the same claim (must stay 0);</li>
 *   <li>{@code soak_claim}: every PENDING → PROCESSING transition (who, which token, when);</li>
 *   <li>{@code soak_completion}: every transition into COMPLETED, with the token the finishing write
 *       was fenced by ({@code OLD.lease_token}) and the result it wrote;</li>
 *   <li>{@code soak_violation}: any change to a row that was already COMPLETED, or a completion not
 *       from PROCESSING.</li>
 * </ul>
 * The audit rows are written by a row trigger, inside the transaction of the write itself: a write
 * that commits leaves exactly its audit rows, a write that rolls back leaves none.
 */
final class SoakSchema {
    private SoakSchema() {
    }

    static void create(BenchDatabase db) {
        String s = db.quotedSchema();
        db.execute(
                "CREATE TABLE %s.soak_ledger (job_id bigint NOT NULL, lease_token uuid NOT NULL, attempt int NOT NULL,"
                        + " worker_id text NOT NULL, content_sha256 text NOT NULL, duplicates int NOT NULL DEFAULT 0,"
                        + " created_at timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (job_id, lease_token))",
                "CREATE TABLE %s.soak_claim (id bigserial PRIMARY KEY, job_id bigint NOT NULL, lease_token uuid,"
                        + " worker_id text, attempt int, at timestamptz NOT NULL DEFAULT clock_timestamp())",
                "CREATE INDEX ON %s.soak_claim (job_id, at)",
                "CREATE TABLE %s.soak_completion (id bigserial PRIMARY KEY, job_id bigint NOT NULL, lease_token uuid,"
                        + " worker_id text, result jsonb, at timestamptz NOT NULL DEFAULT clock_timestamp())",
                "CREATE INDEX ON %s.soak_completion (job_id)",
                "CREATE TABLE %s.soak_violation (id bigserial PRIMARY KEY, job_id bigint, what text,"
                        + " at timestamptz NOT NULL DEFAULT clock_timestamp())",
                "CREATE FUNCTION %s.soak_audit() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                        + "BEGIN\n"
                        + "  IF OLD.status_id = 1 AND NEW.status_id = 2 THEN\n"
                        + "    INSERT INTO " + s + ".soak_claim (job_id, lease_token, worker_id, attempt)"
                        + "      VALUES (NEW.id, NEW.lease_token, NEW.worker_id, NEW.attempts);\n"
                        + "  END IF;\n"
                        + "  IF NEW.status_id = 3 AND OLD.status_id <> 3 THEN\n"
                        + "    INSERT INTO " + s + ".soak_completion (job_id, lease_token, worker_id, result)"
                        + "      VALUES (NEW.id, OLD.lease_token, OLD.worker_id, NEW.result);\n"
                        + "    IF OLD.status_id <> 2 THEN\n"
                        + "      INSERT INTO " + s + ".soak_violation (job_id, what) VALUES (NEW.id,"
                        + "        'completed from status ' || OLD.status_id);\n"
                        + "    END IF;\n"
                        + "  END IF;\n"
                        + "  IF OLD.status_id = 3 AND (NEW.status_id <> 3 OR NEW.result IS DISTINCT FROM OLD.result"
                        + "      OR NEW.lease_token IS NOT NULL) THEN\n"
                        + "    INSERT INTO " + s + ".soak_violation (job_id, what) VALUES (NEW.id,"
                        + "      'COMPLETED job changed: status ' || OLD.status_id || ' -> ' || NEW.status_id);\n"
                        + "  END IF;\n"
                        + "  RETURN NULL;\n"
                        + "END\n$$",
                "CREATE TRIGGER soak_audit AFTER UPDATE OF status_id, result, lease_token ON %s.extraction_queue"
                        + " FOR EACH ROW EXECUTE FUNCTION %s.soak_audit()");
    }
}
