package dev.docket.queue.internal;

import dev.docket.queue.SourceEvent;
import dev.docket.queue.SourceStatus;
import dev.docket.queue.spi.JobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sources part of {@code diagnose}: every source's status, and alerts for a circuit open (or half-open)
 * longer than the threshold and for a paused source with a backlog. Stateless.
 */
final class SourceDiagnostics {
    private static final Logger log = LoggerFactory.getLogger(SourceDiagnostics.class);
    /** Events of one source read back to find when its circuit opened. */
    static final int HISTORY_SCAN = 200;

    private SourceDiagnostics() {
    }

    /** The store's sources; empty (logged at DEBUG) for a store without source flow control. */
    static List<SourceStatus> sources(JobStore store) {
        try {
            return store.sources();
        } catch (UnsupportedOperationException e) {
            log.debug("diagnose: no sources section: {}", e.getMessage());
            return List.of();
        }
    }

    /** Adds the source alerts for {@code sources} to {@code alerts}. */
    static void alert(JobStore store, List<SourceStatus> sources, Instant now, Duration circuitOpenAlert,
            List<String> alerts) {
        for (SourceStatus s : sources) {
            if (s.state() == SourceStatus.State.OPEN || s.state() == SourceStatus.State.HALF_OPEN) {
                Instant since = openSince(store.sourceEvents(s.source(), HISTORY_SCAN));
                Duration open = since == null ? null : Duration.between(since, now);
                if (open == null || open.compareTo(circuitOpenAlert) > 0) {
                    alerts.add("source " + s.source() + ": circuit " + (s.state() == SourceStatus.State.OPEN
                            ? "open" : "half-open") + " for " + (open == null ? "longer than its last "
                            + HISTORY_SCAN + " events show" : Durations.format(open)) + " (threshold "
                            + Durations.format(circuitOpenAlert) + "), " + s.pending() + " job(s) pending"
                            + (s.lastError() == null ? "" : "; last error: " + Redaction.redactUrls(s.lastError()))
                            + ": is the registry down? 'docket sources' shows when the next probe runs");
                }
            }
            if (s.state() == SourceStatus.State.PAUSED && s.pending() > 0) {
                alerts.add("source " + s.source() + " is paused (" + s.reason() + ") with " + s.pending()
                        + " job(s) pending: 'docket resume --source " + s.source() + "' when it may run again");
            }
        }
    }

    /**
     * When the circuit opened without closing since: the oldest {@code CIRCUIT_OPENED} after the newest
     * {@code CIRCUIT_CLOSED} in {@code events} (oldest first); null when the events do not reach back that far.
     */
    static Instant openSince(List<SourceEvent> events) {
        Instant since = null;
        for (int i = events.size() - 1; i >= 0; i--) {
            SourceEvent e = events.get(i);
            if (e.type() == SourceEvent.Type.CIRCUIT_CLOSED) {
                return since;
            }
            if (e.type() == SourceEvent.Type.CIRCUIT_OPENED) {
                since = e.at();
            }
        }
        return events.size() < HISTORY_SCAN ? since : null;
    }
}
