package dev.docket.spring.boot.internal;

import dev.docket.queue.Diagnostics;
import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.queue.QueueStats;
import dev.docket.queue.StaleJob;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.internal.Redaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Diagnostics} snapshot as plain maps, lists, strings and numbers (the same fields as
 * {@code docket diagnose --json}, less payloads and lease tokens), so any JSON mapper writes it the same way.
 * Not part of the API.
 */
public final class DiagnosticsView {
    private DiagnosticsView() {
    }

    /** The snapshot as JSON-ready values. */
    public static Map<String, Object> of(Diagnostics d) {
        Instant now = d.now();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("now", text(now));
        m.put("status", d.alerts().isEmpty() ? "OK" : "ALERT");
        List<Object> workers = new ArrayList<>();
        for (Diagnostics.WorkerStatus ws : d.workers()) {
            WorkerInfo i = ws.info();
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("workerId", i.workerId());
            w.put("host", i.host());
            w.put("pid", i.pid());
            w.put("status", i.state().name());
            w.put("startedAt", text(i.startedAt()));
            w.put("lastHeartbeat", text(i.lastHeartbeat()));
            w.put("heartbeatAgeSeconds", seconds(ws.heartbeatAge()));
            w.put("alive", ws.alive());
            w.put("concurrency", i.concurrency());
            w.put("inFlight", i.inFlight());
            w.put("jobsCompleted", i.jobsCompleted());
            w.put("jobsFailed", i.jobsFailed());
            w.put("lastError", redact(i.lastError()));
            workers.add(w);
        }
        m.put("workers", workers);
        QueueStats q = d.stats();
        Map<String, Object> queue = new LinkedHashMap<>();
        Map<String, Object> counts = new LinkedHashMap<>();
        for (JobStatus st : JobStatus.values()) {
            counts.put(st.name(), q.count(st));
        }
        queue.put("counts", counts);
        queue.put("oldestPendingAt", text(q.oldestPendingAt()));
        queue.put("oldestPendingAgeSeconds", q.oldestPendingAt() == null ? null
                : seconds(Duration.between(q.oldestPendingAt(), now)));
        queue.put("completedLast5m", q.completedLast5m());
        queue.put("failedLast5m", q.failedLast5m());
        queue.put("completedLast60m", q.completedLast60m());
        queue.put("failedLast60m", q.failedLast60m());
        queue.put("errorRateLast60m", q.errorRateLast60m());
        m.put("queue", queue);
        List<Object> stale = new ArrayList<>();
        for (StaleJob sj : d.staleJobs()) {
            Map<String, Object> j = job(sj.job(), now);
            j.put("staleReason", sj.reason());
            stale.add(j);
        }
        m.put("staleJobs", stale);
        List<Object> longRunning = new ArrayList<>();
        for (Job j : d.longRunning()) {
            longRunning.add(job(j, now));
        }
        m.put("longRunning", longRunning);
        m.put("alerts", d.alerts());
        m.put("warnings", d.warnings());
        return m;
    }

    private static Map<String, Object> job(Job j, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", j.id());
        m.put("documentSource", j.documentSource());
        m.put("documentNumber", j.documentNumber());
        m.put("status", j.status().name());
        m.put("attempts", j.attempts());
        m.put("maxAttempts", j.maxAttempts());
        m.put("workerId", j.workerId());
        m.put("leaseExpiresAt", text(j.leaseExpiresAt()));
        m.put("processingStartedAt", text(j.processingStartedAt()));
        m.put("processingSeconds", j.status() == JobStatus.PROCESSING && j.processingStartedAt() != null
                ? seconds(Duration.between(j.processingStartedAt(), now)) : null);
        m.put("resetCount", j.resetCount());
        m.put("lastError", redact(j.lastError()));
        return m;
    }

    private static String text(Instant i) {
        return i == null ? null : i.toString();
    }

    private static Double seconds(Duration d) {
        return d == null ? null : d.toMillis() / 1000.0;
    }

    private static String redact(String s) {
        return s == null ? null : Redaction.redactUrls(s);
    }
}
