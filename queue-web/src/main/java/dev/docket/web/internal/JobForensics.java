package dev.docket.web.internal;

import dev.docket.queue.FailureSnapshot;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.JobProgress;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.internal.Redaction;
import dev.docket.queue.spi.JobStore;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * The job page's progress and failure snapshots ({@code SNAPSHOT_SAVED} events), and GET
 * /jobs/{id}/snapshots/{sha256}: a snapshot file in this dashboard's database or document directory, sent like
 * the stored document (an attachment of type {@code application/octet-stream}; the saved page is hostile even
 * after sanitising). Files elsewhere ({@code s3://}, other paths) are shown as their URI only: serving any path
 * a database row names would let a hostile row read any file the dashboard's process can.
 */
final class JobForensics {
    private final JobStore store;
    private final Documents documents;

    JobForensics(JobStore store, Documents documents) {
        this.store = store;
        this.documents = documents;
    }

    /** The "Progress" section, when the store holds progress for the job. */
    void progress(StringBuilder b, long jobId) {
        List<JobProgress> all = store.progress(List.of(jobId));
        if (all.isEmpty()) {
            return;
        }
        JobProgress p = all.get(0);
        b.append("<h2>Progress</h2><p id=\"progress\"><span class=\"step\">").append(Html.esc(p.step()))
                .append("</span> ");
        bar(b, p);
        b.append(" · attempt ").append(p.attempt()).append(", worker <code>").append(Html.esc(p.workerId()))
                .append("</code>, updated ").append(Html.timeTag(p.updatedAt())).append("</p>");
    }

    /** A {@code <progress>} bar and its percentage (no style attribute: the CSP forbids inline styles). */
    static void bar(StringBuilder b, JobProgress p) {
        long pct = Math.round(p.fraction() * 100);
        b.append("<progress max=\"100\" value=\"").append(pct).append("\"></progress> <span class=\"pct\">")
                .append(Html.percent(p.fraction())).append("</span>");
    }

    /** The "Failure snapshots" section, when the job's history holds any. */
    void snapshots(StringBuilder b, long jobId, List<JobEvent> events) {
        List<JobEvent> saved = events.stream().filter(e -> e.type() == JobEventType.SNAPSHOT_SAVED).toList();
        if (saved.isEmpty()) {
            return;
        }
        b.append("<h2>Failure snapshots</h2><table id=\"snapshots\"><thead><tr><th>When</th><th>Attempt</th>"
                + "<th>Kind</th><th>Error</th><th>Files</th></tr></thead><tbody>");
        for (JobEvent e : saved) {
            Optional<FailureSnapshot> parsed = FailureSnapshot.parse(e.message());
            b.append("<tr class=\"snapshot\"><td>").append(Html.timeTag(e.at())).append("</td>");
            if (parsed.isEmpty()) {
                b.append("<td colspan=\"4\" class=\"note\">not a snapshot record this dashboard can read: <pre>")
                        .append(Html.esc(Html.clip(e.message(), 2000))).append("</pre></td></tr>");
                continue;
            }
            FailureSnapshot s = parsed.get();
            b.append("<td class=\"num\">").append(s.attempt()).append("</td><td>").append(Html.esc(s.kind()))
                    .append("</td><td class=\"error\">").append(Html.esc(Redaction.redactUrls(s.error())))
                    .append("</td><td><ul class=\"files\">");
            for (FailureSnapshot.File f : s.files()) {
                file(b, jobId, f);
            }
            b.append("</ul></td></tr>");
        }
        b.append("</tbody></table>");
    }

    private void file(StringBuilder b, long jobId, FailureSnapshot.File f) {
        StoredDocument d = f.document();
        b.append("<li data-role=\"").append(Html.esc(f.role())).append("\">").append(Html.esc(f.role())).append(": ")
                .append(Html.esc(d.contentType())).append(", ").append(Html.esc(Html.bytes(d.size()))).append(" ");
        if (documents.downloadable(d)) {
            b.append("<a class=\"snapshot-download\" href=\"/jobs/").append(jobId).append("/snapshots/")
                    .append(Html.esc(d.sha256())).append("\" download>Download</a>");
        } else {
            b.append("at <code>").append(Html.esc(d.uri())).append("</code>");
        }
        b.append("</li>");
    }

    /** GET /jobs/{id}/snapshots/{sha256}: the snapshot file with that digest in the job's history. */
    void download(Request r, Matcher m) throws IOException {
        long id = JobView.id(m);
        String sha = m.group(2);
        for (JobEvent e : store.events(id)) {
            if (e.type() != JobEventType.SNAPSHOT_SAVED) {
                continue;
            }
            Optional<FailureSnapshot> s = FailureSnapshot.parse(e.message());
            if (s.isEmpty()) {
                continue;
            }
            for (FailureSnapshot.File f : s.get().files()) {
                if (f.document().sha256().equals(sha) && documents.downloadable(f.document())) {
                    documents.send(r, id, "snapshot file", "job-" + id + "-attempt-" + s.get().attempt() + "-"
                            + f.role(), f.document());
                    return;
                }
            }
        }
        throw WebException.notFound("job " + id + " has no snapshot file with sha256 " + sha
                + " in this dashboard's database or document directory");
    }
}
