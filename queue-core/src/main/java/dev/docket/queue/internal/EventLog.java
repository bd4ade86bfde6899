package dev.docket.queue.internal;

import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The in-memory store's job histories. Not thread-safe: the store's lock guards it. */
public final class EventLog {
    private final Map<Long, List<JobEvent>> events = new HashMap<>();

    /** Appends an event (actor and message cleaned as every store stores them). */
    public void add(long jobId, JobEventType type, String actor, String message, Instant at) {
        events.computeIfAbsent(jobId, k -> new ArrayList<>(2))
                .add(new JobEvent(jobId, type, StoredText.clean(actor), StoredText.clean(message), at));
    }

    /** The job's events, oldest first (a copy). */
    public List<JobEvent> of(long jobId) {
        List<JobEvent> e = events.get(jobId);
        return e == null ? List.of() : List.copyOf(e);
    }

    /** Forgets the job's events (purge). */
    public void remove(long jobId) {
        events.remove(jobId);
    }
}
