package dev.docket.benchmarks.soak;

/**
 * What the soak extractor does for one attempt of one job, drawn deterministically from the job id,
 * the attempt number and the run's seed: the same (job, attempt) always behaves the same, in any
 * worker process, so the final state of every job can be checked against what it was made to do.
 */
public enum Behaviour {
    /** Returns a document within a few milliseconds. */
    SUCCEED_FAST,
    /** Returns a document after a few hundred milliseconds (well within the job timeout). */
    SUCCEED_SLOW,
    /** Throws a transient error (retried with back-off while attempts remain). */
    FAIL_TRANSIENT,
    /** Throws {@code ExtractionException.permanent} (the job fails at once). */
    FAIL_PERMANENT,
    /** Sleeps far past the job timeout, but honours the interrupt when the runtime aborts it. */
    HANG,
    /** Spins past the job timeout ignoring interrupts: the runtime must abandon the thread. */
    HANG_IGNORING_INTERRUPT,
    /** Halts its whole JVM ({@code Runtime.halt}) with {@link #HALT_EXIT_CODE}. */
    HALT;

    /** Exit code of a worker JVM halted by a {@link #HALT} job. */
    public static final int HALT_EXIT_CODE = 99;

    /** Per-attempt probabilities; the rest is {@link #SUCCEED_FAST}. */
    static final double P_SLOW = 0.06;
    static final double P_TRANSIENT = 0.06;
    static final double P_PERMANENT = 0.03;
    static final double P_HANG = 0.012;
    static final double P_HANG_IGNORING = 0.008;
    static final double P_HALT = 0.002;

    /** The behaviour of attempt {@code attempt} of job {@code jobId} in the run seeded {@code seed}. */
    public static Behaviour of(long jobId, int attempt, long seed) {
        double u = uniform(jobId, attempt, seed);
        double edge = P_HALT;
        if (u < edge) {
            return HALT;
        }
        if (u < (edge += P_HANG_IGNORING)) {
            return HANG_IGNORING_INTERRUPT;
        }
        if (u < (edge += P_HANG)) {
            return HANG;
        }
        if (u < (edge += P_PERMANENT)) {
            return FAIL_PERMANENT;
        }
        if (u < (edge += P_TRANSIENT)) {
            return FAIL_TRANSIENT;
        }
        if (u < (edge += P_SLOW)) {
            return SUCCEED_SLOW;
        }
        return SUCCEED_FAST;
    }

    /** A second, independent draw for durations, in [0, 1). */
    static double jitter(long jobId, int attempt, long seed) {
        return uniform(jobId ^ 0x5DEECE66DL, attempt + 7919, seed * 31 + 17);
    }

    /** True for the behaviours that produce a document. */
    public boolean succeeds() {
        return this == SUCCEED_FAST || this == SUCCEED_SLOW;
    }

    private static double uniform(long jobId, int attempt, long seed) {
        long z = seed + jobId * 0x9E3779B97F4A7C15L + attempt * 0xC2B2AE3D27D4EB4FL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }
}
