package dev.docket.queue;

/**
 * The state of a job. The numeric {@link #code()} is the {@code status_id} column of the
 * {@code extraction_queue} table and matches the system Docket replaces, so existing operator SQL
 * ({@code WHERE status_id = 2}) keeps working.
 *
 * <pre>
 *   enqueue ─► PENDING(1) ─claim─► PROCESSING(2) ─► COMPLETED(3)
 *                 ▲  │                 │   │
 *                 │  └─cancel─► CANCELLED(5)
 *                 │                    │   └────► FAILED(4) ─retry─► PENDING
 *                 └──── retry later / release / stale reset
 * </pre>
 */
public enum JobStatus {
    /** Waiting to be claimed ("En attente"). */
    PENDING(1, "En attente"),
    /** Claimed by a worker that holds its lease ("En traitement"). */
    PROCESSING(2, "En traitement"),
    /** Extracted and stored. Terminal. */
    COMPLETED(3, "Terminé"),
    /** Failed permanently or ran out of attempts. Terminal until an operator retries it. */
    FAILED(4, "Échoué"),
    /** Cancelled before it ran. Terminal. */
    CANCELLED(5, "Annulé");

    private final int code;
    private final String label;

    JobStatus(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The {@code status_id} stored in the database. */
    public int code() {
        return code;
    }

    /** The label the old system's operators know. */
    public String label() {
        return label;
    }

    /** True for COMPLETED, FAILED and CANCELLED. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /**
     * Maps a {@code status_id} back to its status.
     *
     * @throws IllegalArgumentException for a code outside 1-5
     */
    public static JobStatus fromCode(int code) {
        for (JobStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("status_id must be 1-5 but was " + code);
    }
}
