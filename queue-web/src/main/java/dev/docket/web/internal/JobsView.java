package dev.docket.web.internal;

import dev.docket.queue.JobProgress;
import dev.docket.queue.JobStatus;
import dev.docket.queue.spi.JobStore;
import dev.docket.web.internal.DashboardData.JobFilter;
import dev.docket.web.internal.DashboardData.JobPage;
import dev.docket.web.internal.DashboardData.JobRow;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;

/** GET /jobs: the filtered job list, newest first, keyset-paginated on id. */
final class JobsView {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private final JobStore store;
    private final DashboardData data;

    JobsView(JobStore store, DashboardData data) {
        this.store = store;
        this.data = data;
    }

    static JobFilter filter(Request r) {
        JobStatus status = r.param("status").map(JobsView::status).orElse(null);
        Instant from = r.instantParam("from").orElse(null);
        Instant to = r.instantParam("to").orElse(null);
        if (from != null && to != null && !from.isBefore(to)) {
            throw WebException.badRequest("from must be before to");
        }
        return new JobFilter(status, r.param("source").orElse(null), r.param("number").orElse(null), from, to);
    }

    private static JobStatus status(String v) {
        try {
            return JobStatus.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw WebException.badRequest("status must be one of PENDING, PROCESSING, COMPLETED, FAILED, CANCELLED"
                    + " but was '" + Html.clip(v, 20) + "'");
        }
    }

    void page(Request r, Matcher m) throws IOException {
        JobFilter f = filter(r);
        long before = r.longParam("before", 1, Long.MAX_VALUE, 0);
        long after = r.longParam("after", 0, Long.MAX_VALUE, -1);
        if (before > 0 && after >= 0) {
            throw WebException.badRequest("give before or after, not both");
        }
        int limit = (int) r.longParam("limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        StringBuilder b = new StringBuilder("<h1>Jobs</h1>");
        form(b, f, limit);
        if (data == null) {
            b.append("<p class=\"note\">The job list needs a DataSource (DocketDashboard.builder(dataSource)); open a"
                    + " job by id: /jobs/ID.</p>");
            Response.html(r.exchange(), 200, Layout.page("Jobs", "/jobs", r.user(), b.toString()));
            return;
        }
        JobPage page = data.jobs(f, before > 0 ? before : null, after >= 0 ? after : null, limit);
        if (page.rows().isEmpty()) {
            b.append("<p class=\"note\" id=\"no-jobs\">No job matches.</p>");
        } else {
            b.append("<table id=\"jobs\"><thead><tr><th>Id</th><th>Status</th><th>Source</th><th>Document number</th>"
                    + "<th>Attempts</th><th>Worker</th><th>Progress</th><th>Created</th><th>Updated</th><th>Last error</th>"
                    + "</tr></thead><tbody>");
            Map<Long, JobProgress> progress = progressOf(page.rows());
            for (JobRow j : page.rows()) {
                b.append("<tr data-job=\"").append(j.id()).append("\"><td><a href=\"/jobs/").append(j.id()).append("\">")
                        .append(j.id()).append("</a></td><td><span class=\"badge status-")
                        .append(j.status().name().toLowerCase(Locale.ROOT)).append("\" title=\"")
                        .append(Html.esc(j.status().label())).append("\">").append(j.status().name())
                        .append("</span></td><td>").append(Html.esc(j.source())).append("</td><td>")
                        .append(Html.esc(j.number())).append("</td><td class=\"num\">").append(j.attempts()).append('/')
                        .append(j.maxAttempts()).append("</td><td>").append(Html.esc(j.workerId()))
                        .append("</td><td class=\"progress\">");
                JobProgress p = progress.get(j.id());
                if (p != null) {
                    b.append("<span class=\"step\">").append(Html.esc(p.step())).append("</span> ");
                    JobForensics.bar(b, p);
                }
                b.append("</td><td>").append(Html.timeTag(j.createdAt())).append("</td><td>")
                        .append(Html.timeTag(j.updatedAt()))
                        .append("</td><td class=\"error\">").append(Html.esc(Html.clip(j.lastError(), 120)))
                        .append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        b.append("<nav class=\"pager\">");
        String base = query(f, limit);
        if (page.newer() != null) {
            b.append("<a id=\"newer\" href=\"/jobs?").append(base).append("after=").append(page.newer()).append("\">« Newer</a>");
        }
        if (page.older() != null) {
            b.append("<a id=\"older\" href=\"/jobs?").append(base).append("before=").append(page.older()).append("\">Older »</a>");
        }
        b.append("</nav>");
        Response.html(r.exchange(), 200, Layout.page("Jobs", "/jobs", r.user(), b.toString()));
    }

    /** The latest progress of the page's PROCESSING jobs, by id: one store call, none when no row is PROCESSING. */
    private Map<Long, JobProgress> progressOf(List<JobRow> rows) {
        List<Long> ids = rows.stream().filter(j -> j.status() == JobStatus.PROCESSING).map(JobRow::id).toList();
        Map<Long, JobProgress> out = new HashMap<>();
        if (!ids.isEmpty()) {
            store.progress(ids).forEach(p -> out.put(p.jobId(), p));
        }
        return out;
    }

    /** The filter as query parameters, each followed by {@code &}, escaped for an attribute. */
    private static String query(JobFilter f, int limit) {
        StringBuilder q = new StringBuilder();
        add(q, "status", Optional.ofNullable(f.status()).map(Enum::name).orElse(null));
        add(q, "source", f.source());
        add(q, "number", f.number());
        add(q, "from", f.from() == null ? null : f.from().toString());
        add(q, "to", f.to() == null ? null : f.to().toString());
        if (limit != DEFAULT_LIMIT) {
            add(q, "limit", Integer.toString(limit));
        }
        return Html.esc(q.toString());
    }

    private static void add(StringBuilder q, String name, String value) {
        if (value != null) {
            q.append(name).append('=').append(Html.url(value)).append('&');
        }
    }

    private static void form(StringBuilder b, JobFilter f, int limit) {
        b.append("<form id=\"filters\" class=\"filters\" method=\"get\" action=\"/jobs\"><label>Status <select name=\"status\">")
                .append("<option value=\"\">any</option>");
        for (JobStatus s : JobStatus.values()) {
            b.append("<option value=\"").append(s.name()).append('"').append(s == f.status() ? " selected" : "")
                    .append('>').append(s.name()).append(" (").append(Html.esc(s.label())).append(")</option>");
        }
        b.append("</select></label>");
        input(b, "Source", "source", f.source(), "text");
        input(b, "Document number starts with", "number", f.number(), "search");
        input(b, "Created from (UTC, ISO-8601)", "from", f.from() == null ? null : f.from().toString(), "text");
        input(b, "to", "to", f.to() == null ? null : f.to().toString(), "text");
        if (limit != DEFAULT_LIMIT) {
            b.append("<input type=\"hidden\" name=\"limit\" value=\"").append(limit).append("\">");
        }
        b.append("<button type=\"submit\">Filter</button> <a href=\"/jobs\">clear</a></form>");
    }

    private static void input(StringBuilder b, String label, String name, String value, String type) {
        b.append("<label>").append(Html.esc(label)).append(" <input type=\"").append(type).append("\" name=\"")
                .append(name).append("\" maxlength=\"").append(Request.MAX_VALUE).append("\" value=\"")
                .append(Html.esc(value)).append("\"></label>");
    }
}
