-- Docket 0.x, issue #15: the figures a worker's extractor reports (memory per browser and per slot, the
-- memory limit in force, defunct child processes), written by every heartbeat as 'name=value name=value'.
ALTER TABLE ${schema}.worker_status ADD COLUMN IF NOT EXISTS extractor_figures text;

COMMENT ON COLUMN ${schema}.worker_status.extractor_figures IS
    'The figures the worker''s extractor last reported, as name=value pairs separated by spaces (issue #15).';
