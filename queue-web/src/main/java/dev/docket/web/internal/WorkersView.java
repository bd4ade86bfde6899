package dev.docket.web.internal;

import dev.docket.queue.Diagnostics;
import dev.docket.queue.Diagnostics.WorkerStatus;
import dev.docket.queue.WorkerInfo;
import dev.docket.queue.WorkerState;
import java.io.IOException;
import java.util.regex.Matcher;

/** GET /workers: every worker the store knows, with its liveness as diagnose judges it. */
final class WorkersView {
    private final Overview overview;

    WorkersView(Overview overview) {
        this.overview = overview;
    }

    void page(Request r, Matcher m) throws IOException {
        Diagnostics d = overview.snapshot(Overview.Range.HOUR).diagnostics();
        StringBuilder b = new StringBuilder("<h1>Workers</h1>");
        b.append("<p class=\"meta\">As of ").append(Html.timeTag(d.now())).append(". A worker is dead when its last"
                + " heartbeat is older than the alert threshold and it did not stop. Extractor: the memory, browser and"
                + " slot figures its extractor last reported, where it reports any.</p>");
        if (d.workers().isEmpty()) {
            b.append("<p class=\"note\" id=\"no-workers\">No worker has sent a heartbeat yet.</p>");
        } else {
            b.append("<table id=\"workers\"><thead><tr><th>Worker</th><th>State</th><th>Heartbeat age</th>"
                    + "<th>In flight</th><th>Concurrency</th><th>Completed</th><th>Failed</th><th>Host / pid</th>"
                    + "<th>Started</th><th>Last error</th><th>Extractor</th></tr></thead><tbody>");
            for (WorkerStatus w : d.workers()) {
                WorkerInfo i = w.info();
                String liveness = i.state() == WorkerState.STOPPED ? "stopped" : w.alive() ? "alive" : "dead";
                b.append("<tr data-worker=\"").append(Html.esc(i.workerId())).append("\"><td>")
                        .append(Html.esc(i.workerId())).append("</td><td><span class=\"badge ").append(liveness)
                        .append("\">").append(liveness).append("</span> ").append(Html.esc(i.state())).append("</td><td>")
                        .append(Html.esc(Html.duration(w.heartbeatAge()))).append("</td><td class=\"num\">")
                        .append(i.inFlight()).append("</td><td class=\"num\">").append(i.concurrency())
                        .append("</td><td class=\"num\">").append(i.jobsCompleted()).append("</td><td class=\"num\">")
                        .append(i.jobsFailed()).append("</td><td>").append(Html.esc(i.host())).append(" / ")
                        .append(i.pid()).append("</td><td>").append(Html.timeTag(i.startedAt())).append("</td><td>")
                        .append(Html.esc(Html.clip(i.lastError(), 300))).append("</td><td>");
                figures(b, i);
                b.append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        Response.html(r.exchange(), 200, Layout.page("Workers", "/workers", r.user(), b.toString()));
    }

    /** Its extractor's figures, one per line, as {@code docket diagnose} prints them (bytes in KiB/MiB/GiB). */
    private static void figures(StringBuilder b, WorkerInfo i) {
        if (i.extractorFigures().isEmpty()) {
            b.append("—");
            return;
        }
        b.append("<ul class=\"figures\">");
        i.extractorFigures().forEach((name, value) -> b.append("<li data-figure=\"").append(Html.esc(name)).append("\">")
                .append(Html.esc(Html.figure(name, value))).append("</li>"));
        b.append("</ul>");
    }
}
