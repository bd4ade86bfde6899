package dev.docket.queue;

import java.time.Instant;
import java.util.Objects;

/**
 * The latest progress a running job reported through {@link ExtractionContext#progress(String, double)}, as the
 * store last received it. Progress travels with the worker's heartbeat (no write per call), so what the store
 * shows is at most one heartbeat interval old; it stays with the job after the attempt ends (the step a failed
 * attempt reached) until the next attempt reports, or the job is purged.
 *
 * @param jobId     the job
 * @param attempt   the attempt that reported it
 * @param workerId  the worker that ran that attempt
 * @param step      what the job was doing, e.g. {@code "download"} (at most {@value #MAX_STEP_LENGTH} characters,
 *                  control characters replaced by {@code _})
 * @param fraction  how far it was, 0 to 1
 * @param updatedAt when the store received it (the store's clock); {@code null} in a heartbeat not yet written
 */
public record JobProgress(long jobId, int attempt, String workerId, String step, double fraction, Instant updatedAt) {
    /** Longest step text kept. */
    public static final int MAX_STEP_LENGTH = 64;

    public JobProgress {
        Objects.requireNonNull(workerId, "workerId");
        step = cleanStep(step);
        checkFraction(fraction);
    }

    /**
     * The step as stored: control characters replaced by {@code _}, cut to {@value #MAX_STEP_LENGTH} characters.
     *
     * @throws IllegalArgumentException when the step is null or blank
     */
    public static String cleanStep(String step) {
        if (step == null || step.isBlank()) {
            throw new IllegalArgumentException("progress step must not be blank but was '" + step + "'");
        }
        String s = step.strip();
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_STEP_LENGTH));
        for (int i = 0; i < s.length() && b.length() < MAX_STEP_LENGTH; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '_' : c);
        }
        return b.toString();
    }

    /** @throws IllegalArgumentException unless {@code 0 <= fraction <= 1} */
    public static void checkFraction(double fraction) {
        if (!(fraction >= 0.0 && fraction <= 1.0)) {
            throw new IllegalArgumentException("progress fraction must be between 0 and 1 but was " + fraction);
        }
    }

    @Override
    public String toString() {
        return step + " " + Math.round(fraction * 100) + "% (attempt " + attempt + ")";
    }
}
