-- Docket schema, version 5: an index for the oldest claimable PENDING job, which the dashboard's overview and
-- `diagnose` read at every refresh.
--
-- min(created_at) over the PENDING jobs otherwise reads every PENDING row from the heap (the claim indexes are
-- not in creation order): ~25 ms per refresh with a few thousand jobs pending during a drain, more with a backlog.
-- Here it is the first entry whose run_after has come. Only jobs entering PENDING (enqueue, retry, reset) write
-- to it; a claim does not (a PROCESSING row is outside the predicate). Built inside the migrator's transaction
-- (a short write lock on extraction_queue while it builds). IF NOT EXISTS: an operator may have created it first.
CREATE INDEX IF NOT EXISTS extraction_queue_pending_created_idx
    ON ${schema}.extraction_queue (created_at) INCLUDE (run_after)
    WHERE status_id = 1;
