package dev.docket.queue;

import java.time.Duration;

/**
 * One job reset (or, in a dry run, that would be reset) by {@link QueueAdmin#resetStuckJobs}.
 *
 * @param job               the job before the reset
 * @param reason            why it was stale
 * @param decision          what was (or would be) done
 * @param timeInProcessing  how long it had been processing
 * @param applied           false in a dry run, or when the job changed before the reset
 */
public record ResetReport(Job job, String reason, StaleDecision decision, Duration timeInProcessing, boolean applied) {
}
