package dev.docket.queue;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry in a document source's history: a policy change, a pause or resume, a circuit opening or closing,
 * a throttling. Read with {@link JobQueue#sourceHistory(String, int)}. Immutable.
 *
 * @param source  the document source ({@value #ALL_SOURCES} for an action on all sources or on the default
 *                policy)
 * @param type    what happened
 * @param actor   who did it: the operator's actor, or the worker whose job caused it
 * @param message the details (the new policy, the pause reason, the error or the registry's words)
 * @param at      when, by the store's clock
 */
public record SourceEvent(String source, Type type, String actor, String message, Instant at) {
    /** The {@link #source()} of events about every source at once or about the default policy. */
    public static final String ALL_SOURCES = "*";

    /** What happened to a source. */
    public enum Type {
        /** Its policy (or the default policy) was set or cleared. */
        POLICY_CHANGED,
        /** An operator paused it. */
        PAUSED,
        /** An operator resumed it. */
        RESUMED,
        /** A job was throttled: the source is blocked until the retry-after, its effective rate cut. */
        THROTTLED,
        /** Consecutive transient failures (or a failed probe) opened its circuit. */
        CIRCUIT_OPENED,
        /** The cool-down passed: one probe job was claimed. */
        CIRCUIT_HALF_OPEN,
        /** A probe succeeded: the circuit is closed again. */
        CIRCUIT_CLOSED
    }

    /** @throws NullPointerException when source, type or at is null */
    public SourceEvent {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
    }
}
