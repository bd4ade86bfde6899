package dev.docket.queue;

import java.time.Instant;

/**
 * One entry of a job's history.
 *
 * @param jobId    the job
 * @param type     what happened
 * @param workerId the worker (or operator/monitor id) that recorded it, may be null
 * @param message  why, in words
 * @param at       when, by the store's clock
 */
public record JobEvent(long jobId, JobEventType type, String workerId, String message, Instant at) {
}
