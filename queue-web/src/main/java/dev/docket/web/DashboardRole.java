package dev.docket.web;

/** What a dashboard user may do. */
public enum DashboardRole {
    /** Sees every view; every action is refused (the default). */
    READ_ONLY,
    /** Also resets stuck jobs, retries FAILED jobs and cancels PENDING ones. */
    OPERATOR;

    /** True when this role may run actions. */
    public boolean mayAct() {
        return this == OPERATOR;
    }
}
