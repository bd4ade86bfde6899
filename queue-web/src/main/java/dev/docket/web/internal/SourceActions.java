package dev.docket.web.internal;

import dev.docket.queue.JobQueue;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import dev.docket.queue.internal.SourceLimits;
import dev.docket.queue.spi.JobStore;
import java.io.IOException;
import java.util.regex.Matcher;

/**
 * POST /sources/pause, /resume, /limit (one source, named by the {@code source} parameter) and
 * /sources/pause-all, /resume-all: through {@link JobQueue} with the signed-in user as the actor, so each is
 * logged and recorded in the source's history with who did it. The dispatcher has checked the role, the Origin
 * and the CSRF token.
 */
final class SourceActions {
    /** Longest pause reason accepted. */
    static final int MAX_REASON = 200;
    private final JobStore store;

    SourceActions(JobStore store) {
        this.store = store;
    }

    private JobQueue queue(Request r) {
        return JobQueue.builder(store).actor(r.user().actor()).build();
    }

    /** The named source, which the store must know (an action never creates a source). */
    private SourceStatus source(Request r) {
        String name = r.param("source").orElseThrow(() -> WebException.badRequest("parameter source is required"));
        return SourcesView.source(store, name);
    }

    private static String reason(Request r) {
        String reason = r.param("reason").orElseThrow(() -> WebException.badRequest("parameter reason is required:"
                + " say why (it is recorded in the source's history)"));
        if (reason.length() > MAX_REASON) {
            throw WebException.badRequest("reason must be at most " + MAX_REASON + " characters but was "
                    + reason.length());
        }
        return reason;
    }

    void act(Request r, Matcher m) throws IOException {
        String action = m.group(1);
        SourceStatus s = source(r);
        JobQueue queue = queue(r);
        String done = switch (action) {
            case "pause" -> {
                queue.pauseSource(s.source(), reason(r));
                yield "paused";
            }
            case "resume" -> queue.resumeSource(s.source()) ? "resumed" : "not-paused";
            case "limit" -> {
                queue.setSourcePolicy(s.source(), limit(r, queue.sourcePolicy(s.source())
                        .orElseGet(queue::defaultSourcePolicy)));
                yield "limited";
            }
            default -> throw WebException.notFound("no such action");
        };
        Response.redirect(r.exchange(), SourcesView.link(s.source()) + "&done=" + done);
    }

    void actOnAll(Request r, Matcher m) throws IOException {
        JobQueue queue = queue(r);
        String done;
        if (m.group(1).equals("pause")) {
            queue.pauseAllSources(reason(r));
            done = "paused-all";
        } else {
            done = queue.resumeAllSources() ? "resumed-all" : "none-paused";
        }
        Response.redirect(r.exchange(), "/sources?done=" + done);
    }

    /**
     * {@code current} changed by the form's fields: {@code concurrency} (N or none), {@code rate} (N/s, N/m, N/h
     * or none), {@code burst} (N, with a rate), {@code breaker} (N or off); an empty field keeps its value.
     */
    static SourcePolicy limit(Request r, SourcePolicy current) {
        SourceLimits.Input in = new SourceLimits.Input(r.param("concurrency").orElse(null),
                r.param("rate").orElse(null), r.param("burst").orElse(null), r.param("breaker").orElse(null));
        if (in.isEmpty()) {
            throw WebException.badRequest("give at least one of concurrency, rate, burst and breaker");
        }
        try {
            return SourceLimits.apply(current, in, "");
        } catch (IllegalArgumentException e) {
            throw WebException.badRequest(e.getMessage());
        }
    }
}
