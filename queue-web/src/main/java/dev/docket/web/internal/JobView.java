package dev.docket.web.internal;

import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobNotFoundException;
import dev.docket.queue.JobQueue;
import dev.docket.queue.JobStatus;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.spi.JobStore;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET /jobs/{id}: every field, the progress, the document, failure snapshots, payload, result and history; and the
 * job's actions.
 */
final class JobView {
    private static final Logger log = LoggerFactory.getLogger(JobView.class);
    /** The outcomes an action's redirect may announce: a fixed list, so the URL cannot carry text to show. */
    private static final Map<String, String> DONE = Map.of(
            "retried", "Retried: the job is PENDING again.",
            "cancelled", "Cancelled: the job will not run.");
    private final JobStore store;
    private final Documents documents;
    private final JobForensics forensics;
    private final Csrf csrf;
    /** Run after every action (the overview recounts its totals). */
    private final Runnable afterAction;

    JobView(JobStore store, Documents documents, Csrf csrf, Runnable afterAction) {
        this.afterAction = afterAction;
        this.store = store;
        this.documents = documents;
        this.forensics = new JobForensics(store, documents);
        this.csrf = csrf;
    }

    static long id(Matcher m) {
        try {
            long id = Long.parseLong(m.group(1));
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // falls through to the 400
        }
        throw WebException.badRequest("a job id is a positive whole number");
    }

    private Job job(long id) {
        return store.find(id).orElseThrow(() -> WebException.notFound("no job " + id + " (it may have been purged)"));
    }

    void page(Request r, Matcher m) throws IOException {
        Job j = job(id(m));
        List<JobEvent> events = store.events(j.id());
        StringBuilder b = new StringBuilder();
        b.append("<h1>Job ").append(j.id()).append(" <span class=\"badge status-")
                .append(j.status().name().toLowerCase(Locale.ROOT)).append("\" id=\"status\">").append(j.status().name())
                .append("</span> <span class=\"sub\">").append(Html.esc(j.status().label())).append("</span></h1>");
        r.param("done").map(DONE::get).ifPresent(msg -> b.append("<p class=\"done\" id=\"done\">").append(Html.esc(msg))
                .append("</p>"));
        actions(b, r, j);
        b.append("<table class=\"fields\" id=\"fields\"><tbody>");
        field(b, "Document source", j.documentSource());
        field(b, "Document number", j.documentNumber());
        field(b, "Attempts", j.attempts() + " of " + j.maxAttempts());
        field(b, "Priority", Integer.toString(j.priority()));
        field(b, "Run after", Html.time(j.runAfter()));
        field(b, "Worker", j.workerId());
        field(b, "Processing started", Html.time(j.processingStartedAt()));
        field(b, "Lease expires", Html.time(j.leaseExpiresAt()));
        field(b, "Resets (stale)", Integer.toString(j.resetCount()));
        field(b, "Idempotency key", j.idempotencyKey());
        field(b, "Created", Html.time(j.createdAt()));
        field(b, "Updated", Html.time(j.updatedAt()));
        field(b, "Finished", Html.time(j.completedAt()));
        b.append("<tr><th>Last error</th><td><pre class=\"error\" id=\"last-error\">").append(Html.esc(j.lastError()))
                .append("</pre></td></tr>");
        b.append("</tbody></table>");
        forensics.progress(b, j.id());
        document(b, j);
        forensics.snapshots(b, j.id(), events);
        b.append("<h2>Payload</h2><pre id=\"payload\">").append(Html.esc(j.payload() == null ? "(none)"
                : PrettyJson.format(j.payload()))).append("</pre>");
        b.append("<h2>Result</h2><pre id=\"result\">").append(Html.esc(j.result() == null ? "(none)"
                : PrettyJson.format(j.result()))).append("</pre>");
        b.append("<h2>History</h2>");
        if (events.isEmpty()) {
            b.append("<p class=\"note\">No event: the job has had no retry, failure, reset, cancel or lost lease.</p>");
        } else {
            b.append("<table id=\"events\"><thead><tr><th>When</th><th>Event</th><th>By</th><th>Reason</th></tr></thead>"
                    + "<tbody>");
            for (JobEvent e : events) {
                b.append("<tr><td>").append(Html.timeTag(e.at())).append("</td><td>").append(Html.esc(e.type()))
                        .append("</td><td>").append(Html.esc(e.workerId())).append("</td><td>")
                        .append(Html.esc(e.message())).append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        Response.html(r.exchange(), 200, Layout.page("Job " + j.id(), "/jobs", r.user(), b.toString()));
    }

    private void actions(StringBuilder b, Request r, Job j) {
        String action = j.status() == JobStatus.PENDING ? "cancel"
                : j.status() == JobStatus.FAILED || j.status() == JobStatus.CANCELLED ? "retry" : null;
        if (action == null || !r.user().role().mayAct()) {
            return;
        }
        b.append("<form method=\"post\" class=\"action\" action=\"/jobs/").append(j.id()).append('/').append(action)
                .append("\">").append(csrf.field(r.user())).append("<button type=\"submit\" id=\"").append(action)
                .append("\">").append(action.equals("cancel") ? "Cancel this PENDING job" : "Retry this job")
                .append("</button></form>");
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append("<tr><th>").append(Html.esc(name)).append("</th><td>").append(Html.esc(value == null ? "—" : value))
                .append("</td></tr>");
    }

    private void document(StringBuilder b, Job j) {
        Optional<StoredDocument> doc = StoredDocument.of(j);
        if (doc.isEmpty()) {
            return;
        }
        StoredDocument d = doc.get();
        b.append("<h2>Document</h2><p id=\"document\">").append(d.size()).append(" bytes, ")
                .append(Html.esc(d.contentType())).append(", sha256 <code>").append(Html.esc(d.sha256())).append("</code> ");
        if (documents.downloadable(d)) {
            b.append("<a id=\"download\" href=\"/jobs/").append(j.id()).append("/document\" download>Download</a>");
        } else {
            b.append("stored at <code>").append(Html.esc(d.uri())).append("</code> (fetch it with that store's tools)");
        }
        b.append("</p>");
    }

    /** GET /jobs/{id}/document. */
    void download(Request r, Matcher m) throws IOException {
        Job j = job(id(m));
        StoredDocument d = StoredDocument.of(j).orElseThrow(() -> WebException.notFound("job " + j.id() + " ("
                + j.status() + ") records no document"));
        documents.send(r, j, d);
    }

    /** GET /jobs/{id}/snapshots/{sha256}. */
    void snapshot(Request r, Matcher m) throws IOException {
        forensics.download(r, m);
    }

    /** POST /jobs/{id}/retry and /jobs/{id}/cancel, recorded in the job's history as the signed-in user. */
    void act(Request r, Matcher m) throws IOException {
        long id = id(m);
        String action = m.group(2);
        JobQueue queue = JobQueue.builder(store).actor(r.user().actor()).build();
        try {
            Job after = action.equals("retry") ? queue.retry(id) : queue.cancel(id);
            log.info("dashboard: {} job {} ({} / {}) -> {} [by {}]", action, id, after.documentSource(),
                    after.documentNumber(), after.status(), r.user().actor());
        } catch (JobNotFoundException e) {
            throw WebException.notFound(e.getMessage());
        } finally {
            afterAction.run();
        }
        Response.redirect(r.exchange(), "/jobs/" + id + "?done=" + (action.equals("retry") ? "retried" : "cancelled"));
    }
}
