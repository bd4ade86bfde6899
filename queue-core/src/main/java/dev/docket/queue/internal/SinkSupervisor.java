package dev.docket.queue.internal;

import dev.docket.queue.DocumentSink;
import dev.docket.queue.DocumentSinkHealth;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the claim loop from claiming while the document sink cannot store documents: asks its health before
 * each claim, backs off while it is down, reports the problem once when it starts and once when it ends.
 * {@link #ensureReady()} runs on the claim thread; {@link #markDown(String)} on job threads.
 */
public final class SinkSupervisor {
    private static final Logger log = LoggerFactory.getLogger(SinkSupervisor.class);

    private final DocumentSink sink;
    private final String workerId;
    private final Runnable announce;
    private final BackoffSequence failures;
    /** Why the document sink is not ready (its store refused or could not be reached), or null. */
    private volatile String problem;

    public SinkSupervisor(WorkerContext ctx, Runnable announce) {
        this.sink = ctx.sink();
        this.workerId = ctx.workerId();
        this.announce = announce;
        this.failures = new BackoffSequence(ctx.config().extractorRestartBackoff(), Duration.ofMinutes(1), 0.2);
    }

    /** One readiness step: null when the sink says it is ready, else how long to wait before asking again. */
    public Duration ensureReady() {
        DocumentSinkHealth h;
        try {
            h = sink.health();
        } catch (RuntimeException e) {
            h = DocumentSinkHealth.down("health() threw " + e);
        }
        if (h != null && h.ready()) {
            failures.reset();
            if (problem != null) {
                problem = null;
                log.info("worker {}: document sink ready again", workerId);
                announce.run();
            }
            return null;
        }
        Duration delay = failures.next();
        String why = "document sink not ready: " + (h == null ? "health() returned null" : h.detail())
                + "; checking again in " + Durations.format(delay);
        boolean first = problem == null;
        problem = why;
        if (first) {
            log.error("worker {}: {} — claiming nothing until it is ready", workerId, why);
            announce.run();
        } else {
            log.warn("worker {}: {}", workerId, why);
        }
        return delay;
    }

    /** A job found the sink unavailable or refusing: claim nothing until its health says ready. */
    public void markDown(String why) {
        problem = why;
    }

    /** Why the sink is not ready, or null. */
    public String problem() {
        return problem;
    }
}
