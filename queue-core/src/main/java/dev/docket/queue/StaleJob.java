package dev.docket.queue;

/**
 * A PROCESSING job a store found stale, with the reason in words (which criterion matched, with the
 * figures: "lease expired 12s ago", "worker w-1 silent for 3m", "processing for 6m > 5m").
 *
 * @param job    the job as found; its lease token fences the reset
 * @param reason why it is stale
 */
public record StaleJob(Job job, String reason) {
}
