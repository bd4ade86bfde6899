-- Docket schema, version 4: the latest progress of each job.
--
-- ExtractionContext.progress(step, fraction) is remembered by the worker and sent with its next heartbeat
-- (no write per call); the heartbeat upserts one row per job that reported since the previous beat, only
-- while that job is still PROCESSING under the reporting lease. The row outlives the attempt (the step a
-- failed attempt reached) and goes with its job (ON DELETE CASCADE: purge). Failure snapshots need no table
-- of their own: they are SNAPSHOT_SAVED events in extraction_job_event, whose message lists the files.
CREATE TABLE ${schema}.job_progress (
    job_id     bigint           PRIMARY KEY REFERENCES ${schema}.extraction_queue (id) ON DELETE CASCADE,
    attempt    integer          NOT NULL,
    worker_id  text             NOT NULL,
    step       text             NOT NULL CHECK (length(step) <= 64),
    fraction   double precision NOT NULL CHECK (fraction >= 0 AND fraction <= 1),
    updated_at timestamptz      NOT NULL DEFAULT now()
) WITH (
    fillfactor = 70,
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_cost_delay = 0
);

COMMENT ON TABLE ${schema}.job_progress IS
    'Docket job progress: the latest step and fraction each job reported, written with the heartbeats.';
