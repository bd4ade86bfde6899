package dev.docket.cli.internal;

import dev.docket.queue.Diagnostics;
import dev.docket.queue.DiagnosticsOptions;
import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.queue.QueueStats;
import dev.docket.queue.StaleJob;
import dev.docket.queue.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** {@code docket diagnose --json}: the report as one JSON document, and a job as a JSON object. */
final class DiagnoseJson {
    private DiagnoseJson() {
    }

    /** The report of {@code d} as one JSON document. */
    static String json(Session s, DatabaseChecks.Server server, Diagnostics d, List<Diagnostics.WorkerStatus> shown,
            DiagnosticsOptions o) {
        Instant now = d.now();
        JsonWriter w = new JsonWriter().beginObject();
        w.field("now", now);
        w.field("status", d.alerts().isEmpty() ? "OK" : "ALERT");
        server.writeJson(w, s, false);
        w.name("thresholds").beginObject()
                .name("processingAlertSeconds").seconds(o.processingAlert())
                .name("heartbeatAlertSeconds").seconds(o.heartbeatAlert())
                .field("o.errorRateAlert()", o.errorRateAlert())
                .name("circuitOpenAlertSeconds").seconds(o.circuitOpenAlert())
                .field("defunctProcessesAlert", o.defunctProcessesAlert())
                .endObject();
        w.name("workers").beginArray();
        for (Diagnostics.WorkerStatus ws : shown) {
            WorkerInfo i = ws.info();
            w.beginObject().field("workerId", i.workerId()).field("host", i.host()).field("pid", i.pid())
                    .field("status", i.state().name()).field("startedAt", i.startedAt())
                    .field("lastHeartbeat", i.lastHeartbeat()).name("heartbeatAgeSeconds").seconds(ws.heartbeatAge())
                    .field("alive", ws.alive()).field("concurrency", i.concurrency()).field("inFlight", i.inFlight())
                    .field("jobsCompleted", i.jobsCompleted()).field("jobsFailed", i.jobsFailed())
                    .field("lastError", DiagnoseCommand.redact(i.lastError()));
            w.name("extractorFigures").beginObject();
            i.extractorFigures().forEach(w::field);
            w.endObject().endObject();
        }
        w.endArray();
        QueueStats q = d.stats();
        w.name("queue").beginObject();
        w.name("counts").beginArray();
        for (JobStatus st : JobStatus.values()) {
            w.beginObject().field("status", st.name()).field("statusId", st.code()).field("label", st.label())
                    .field("count", q.count(st)).endObject();
        }
        w.endArray();
        w.field("oldestPendingAt", q.oldestPendingAt());
        w.name("oldestPendingAgeSeconds").seconds(q.oldestPendingAt() == null ? null
                : Duration.between(q.oldestPendingAt(), now));
        w.field("completedLast5m", q.completedLast5m()).field("failedLast5m", q.failedLast5m())
                .field("completedLast60m", q.completedLast60m()).field("failedLast60m", q.failedLast60m())
                .field("errorRateLast60m", q.errorRateLast60m());
        w.endObject();
        w.name("sources").beginArray();
        for (dev.docket.queue.SourceStatus st : d.sources()) {
            SourceRows.json(w, st);
        }
        w.endArray();
        w.name("staleJobs").beginArray();
        for (StaleJob sj : d.staleJobs()) {
            job(w, sj.job(), now, sj.reason());
        }
        w.endArray();
        w.name("longRunning").beginArray();
        for (Job j : d.longRunning()) {
            job(w, j, now);
        }
        w.endArray();
        w.name("progress").beginArray();
        for (dev.docket.queue.JobProgress p : DiagnoseText.progressOf(s, d.longRunning()).values()) {
            w.beginObject().field("jobId", p.jobId()).field("step", p.step()).field("fraction", p.fraction())
                    .field("attempt", p.attempt()).field("updatedAt", p.updatedAt()).endObject();
        }
        w.endArray();
        w.name("alerts").beginArray();
        for (String a : d.alerts()) {
            w.value(a);
        }
        w.endArray();
        w.name("warnings").beginArray();
        for (String warning : d.warnings()) {
            w.value(warning);
        }
        w.endArray();
        return w.endObject().toString();
    }

    /** One job as a JSON object. */
    static void job(JsonWriter w, Job j, Instant now) {
        job(w, j, now, null);
    }

    private static void job(JsonWriter w, Job j, Instant now, String staleReason) {
        w.beginObject().field("id", j.id()).field("documentSource", j.documentSource())
                .field("documentNumber", j.documentNumber()).field("status", j.status().name())
                .field("statusId", j.status().code()).field("label", j.status().label()).field("priority", j.priority())
                .field("attempts", j.attempts()).field("maxAttempts", j.maxAttempts()).field("runAfter", j.runAfter())
                .field("workerId", j.workerId()).field("leaseToken", j.leaseToken() == null ? null : j.leaseToken().toString())
                .field("leaseExpiresAt", j.leaseExpiresAt()).field("processingStartedAt", j.processingStartedAt())
                .name("processingSeconds").seconds(j.status() == JobStatus.PROCESSING && j.processingStartedAt() != null
                        ? Duration.between(j.processingStartedAt(), now) : null)
                .field("resetCount", j.resetCount()).field("lastError", DiagnoseCommand.redact(j.lastError()));
        w.name("payload").json(j.payload());
        w.name("result").json(j.result());
        w.field("idempotencyKey", j.idempotencyKey()).field("createdAt", j.createdAt()).field("updatedAt", j.updatedAt())
                .field("completedAt", j.completedAt());
        if (staleReason != null) {
            w.field("staleReason", staleReason);
        }
        w.endObject();
    }
}
