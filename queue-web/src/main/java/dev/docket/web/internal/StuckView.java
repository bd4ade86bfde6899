package dev.docket.web.internal;

import dev.docket.queue.Job;
import dev.docket.queue.JobStatus;
import dev.docket.queue.StaleCriteria;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StaleJob;
import dev.docket.queue.StaleJobPolicy;
import dev.docket.queue.internal.StaleResets;
import dev.docket.queue.spi.JobStore;
import dev.docket.web.internal.DashboardData.JobFilter;
import dev.docket.web.internal.DashboardData.JobRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET /stuck: the jobs {@code reset-stuck-jobs} would reset, with the reason for each; the FAILED jobs to retry
 * and the PENDING ones to cancel. A reset is previewed first (a dry run, GET /stuck/preview) and confirmed by a
 * POST that carries the preview's fingerprint: it resets exactly what was previewed (each reset fenced by the
 * lease token the preview saw, as the CLI's), or nothing when the stuck jobs changed meanwhile.
 */
final class StuckView {
    private static final Logger log = LoggerFactory.getLogger(StuckView.class);
    /** Most stale jobs listed, previewed and reset at once. */
    static final int LIMIT = 1000;
    /** Most FAILED and PENDING jobs listed. */
    static final int LIST = 20;
    private final JobStore store;
    private final DashboardData data;
    private final Duration deadAfter;
    private final Csrf csrf;
    /** Run after every action (the overview recounts its totals). */
    private final Runnable afterAction;

    StuckView(JobStore store, DashboardData data, Duration deadAfter, Csrf csrf, Runnable afterAction) {
        this.afterAction = afterAction;
        this.store = store;
        this.data = data;
        this.deadAfter = deadAfter;
        this.csrf = csrf;
    }

    /** What the request asks to reset: every stuck job, or one. */
    private record Scope(Optional<Duration> olderThan, Optional<Long> job) {
        static Scope of(Request r) {
            long job = r.longParam("job", 1, Long.MAX_VALUE, 0);
            return new Scope(r.durationParam("olderThan"), job == 0 ? Optional.empty() : Optional.of(job));
        }

        String query() {
            return olderThan.map(d -> "olderThan=" + d.toSeconds() + "s").orElse("")
                    + job.map(id -> (olderThan.isPresent() ? "&" : "") + "job=" + id).orElse("");
        }
    }

    private List<StaleJob> stale(Scope s) {
        StaleCriteria criteria = new StaleCriteria(true, deadAfter, s.olderThan().orElse(null));
        List<StaleJob> all = store.findStale(criteria, LIMIT);
        if (s.job().isEmpty()) {
            return all;
        }
        List<StaleJob> one = new ArrayList<>();
        for (StaleJob j : all) {
            if (j.job().id() == s.job().get()) {
                one.add(j);
            }
        }
        return one;
    }

    /** Stable for the same jobs under the same leases: what a confirm must match. */
    static String fingerprint(List<StaleJob> jobs) {
        StringBuilder b = new StringBuilder();
        for (StaleJob j : jobs) {
            b.append(j.job().id()).append(':').append(j.job().leaseToken()).append(';');
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                Passwords.sha256(b.toString().getBytes(StandardCharsets.UTF_8)));
    }

    void page(Request r, Matcher m) throws IOException {
        Scope scope = Scope.of(r);
        List<StaleJob> stale = stale(scope);
        Instant now = store.now();
        StringBuilder b = new StringBuilder("<h1>Stuck jobs</h1>");
        if (r.param("reset").isPresent()) {
            long reset = r.longParam("reset", 0, LIMIT, 0);
            long left = r.longParam("left", 0, LIMIT, 0);
            b.append("<p class=\"done\" id=\"done\">").append(reset).append(" job(s) reset")
                    .append(left == 0 ? "" : ", " + left + " left alone (their owner finished them meanwhile)")
                    .append(".</p>");
        }
        b.append("<form method=\"get\" action=\"/stuck\" class=\"filters\"><label>Also jobs processing longer than"
                + " <input name=\"olderThan\" placeholder=\"e.g. 5m\" maxlength=\"20\" value=\"")
                .append(Html.esc(scope.olderThan().map(d -> d.toSeconds() + "s").orElse(""))).append("\"></label>"
                + "<button type=\"submit\">Show</button></form>");
        b.append("<p class=\"meta\">PROCESSING jobs whose lease expired or whose worker has had no heartbeat for ")
                .append(Html.esc(Html.duration(deadAfter))).append(scope.olderThan().map(d -> ", or processing for more"
                        + " than " + Html.esc(Html.duration(d))).orElse("")).append(".</p>");
        if (stale.isEmpty()) {
            b.append("<p class=\"note\" id=\"no-stuck\">No stuck job.</p>");
        } else {
            b.append("<p><a class=\"button\" id=\"preview-all\" href=\"/stuck/preview?").append(Html.esc(scope.query()))
                    .append("\">Reset all ").append(stale.size()).append("… (preview first)</a></p>");
            staleTable(b, stale, now, true, scope);
        }
        if (data != null) {
            list(b, r, "Recently FAILED", JobStatus.FAILED, "retry", "Retry");
            list(b, r, "Newest PENDING", JobStatus.PENDING, "cancel", "Cancel");
        }
        Response.html(r.exchange(), 200, Layout.page("Stuck jobs", "/stuck", r.user(), b.toString()));
    }

    private void staleTable(StringBuilder b, List<StaleJob> stale, Instant now, boolean links, Scope scope) {
        b.append("<table id=\"stale\"><thead><tr><th>Id</th><th>Source</th><th>Number</th><th>Worker</th>"
                + "<th>In processing</th><th>Attempts</th><th>Would become</th><th>Reason</th>")
                .append(links ? "<th></th>" : "").append("</tr></thead><tbody>");
        for (StaleJob s : stale) {
            Job j = s.job();
            StaleDecision d = StaleJobPolicy.requeueUnlessExhausted(s);
            b.append("<tr data-job=\"").append(j.id()).append("\"><td><a href=\"/jobs/").append(j.id()).append("\">")
                    .append(j.id()).append("</a></td><td>").append(Html.esc(j.documentSource())).append("</td><td>")
                    .append(Html.esc(j.documentNumber())).append("</td><td>").append(Html.esc(j.workerId()))
                    .append("</td><td>").append(Html.esc(Html.duration(j.processingStartedAt() == null ? null
                            : Duration.between(j.processingStartedAt(), now)))).append("</td><td class=\"num\">")
                    .append(j.attempts()).append('/').append(j.maxAttempts()).append("</td><td>")
                    .append(d.targetStatus().name()).append("</td><td>").append(Html.esc(s.reason())).append("</td>");
            if (links) {
                Scope one = new Scope(scope.olderThan(), Optional.of(j.id()));
                b.append("<td><a href=\"/stuck/preview?").append(Html.esc(one.query())).append("\">Reset…</a></td>");
            }
            b.append("</tr>");
        }
        b.append("</tbody></table>");
    }

    private void list(StringBuilder b, Request r, String title, JobStatus status, String action, String label) {
        List<JobRow> rows = data.jobs(new JobFilter(status, null, null, null, null), null, null, LIST).rows();
        b.append("<h2>").append(Html.esc(title)).append("</h2>");
        if (rows.isEmpty()) {
            b.append("<p class=\"note\">None.</p>");
            return;
        }
        b.append("<table id=\"").append(status.name().toLowerCase(java.util.Locale.ROOT))
                .append("\"><thead><tr><th>Id</th><th>Source</th><th>Number</th><th>Attempts</th><th>Updated</th>"
                        + "<th>Last error</th><th></th></tr></thead><tbody>");
        for (JobRow j : rows) {
            b.append("<tr data-job=\"").append(j.id()).append("\"><td><a href=\"/jobs/").append(j.id()).append("\">")
                    .append(j.id()).append("</a></td><td>").append(Html.esc(j.source())).append("</td><td>")
                    .append(Html.esc(j.number())).append("</td><td class=\"num\">").append(j.attempts()).append('/')
                    .append(j.maxAttempts()).append("</td><td>").append(Html.timeTag(j.updatedAt()))
                    .append("</td><td class=\"error\">").append(Html.esc(Html.clip(j.lastError(), 120))).append("</td><td>");
            if (r.user().role().mayAct()) {
                b.append("<form method=\"post\" action=\"/jobs/").append(j.id()).append('/').append(action).append("\">")
                        .append(csrf.field(r.user())).append("<button type=\"submit\">").append(label)
                        .append("</button></form>");
            }
            b.append("</td></tr>");
        }
        b.append("</tbody></table><p><a href=\"/jobs?status=").append(status.name()).append("\">All ")
                .append(status.name()).append(" jobs</a></p>");
    }

    /** GET /stuck/preview: the dry run, with the confirm form for an operator. */
    void preview(Request r, Matcher m) throws IOException {
        Scope scope = Scope.of(r);
        List<StaleJob> stale = stale(scope);
        StringBuilder b = new StringBuilder("<h1>Reset stuck jobs: preview</h1>");
        b.append("<p class=\"meta\">A dry run: nothing has changed yet.</p>");
        if (stale.isEmpty()) {
            b.append("<p class=\"note\" id=\"no-stuck\">No stuck job").append(scope.job().map(id -> " with id " + id)
                    .orElse("")).append(": nothing to reset.</p><p><a href=\"/stuck\">Back</a></p>");
        } else {
            long failing = stale.stream().filter(s -> !StaleJobPolicy.requeueUnlessExhausted(s).isRequeue()).count();
            b.append("<p id=\"summary\">").append(stale.size()).append(" job(s) would be reset: ")
                    .append(stale.size() - failing).append(" to PENDING, ").append(failing)
                    .append(" to FAILED (attempts exhausted).</p>");
            staleTable(b, stale, store.now(), false, scope);
            if (r.user().role().mayAct()) {
                b.append("<form method=\"post\" action=\"/stuck/reset\" class=\"action\">").append(csrf.field(r.user()))
                        .append("<input type=\"hidden\" name=\"fingerprint\" value=\"").append(fingerprint(stale))
                        .append("\">");
                scope.olderThan().ifPresent(d -> b.append("<input type=\"hidden\" name=\"olderThan\" value=\"")
                        .append(d.toSeconds()).append("s\">"));
                scope.job().ifPresent(id -> b.append("<input type=\"hidden\" name=\"job\" value=\"").append(id)
                        .append("\">"));
                b.append("<button type=\"submit\" id=\"confirm\">Confirm: reset ").append(stale.size())
                        .append(" job(s)</button> <a href=\"/stuck\">Cancel</a></form>");
            } else {
                b.append("<p class=\"note\">Resetting needs the OPERATOR role.</p>");
            }
        }
        Response.html(r.exchange(), 200, Layout.page("Reset preview", "/stuck", r.user(), b.toString()));
    }

    /** POST /stuck/reset: applies the previewed resets, fenced, as the signed-in user. */
    void reset(Request r, Matcher m) throws IOException {
        Scope scope = Scope.of(r);
        String given = r.param("fingerprint").orElseThrow(() -> WebException.badRequest("parameter fingerprint is"
                + " required: preview the reset first"));
        List<StaleJob> stale = stale(scope);
        if (!fingerprint(stale).equals(given)) {
            throw new WebException(409, "the stuck jobs changed since the preview (a job finished, was reset or became"
                    + " stuck): nothing was reset; preview again");
        }
        int reset = 0;
        int left = 0;
        for (StaleJob s : stale) {
            StaleDecision decision = StaleJobPolicy.requeueUnlessExhausted(s);
            if (StaleResets.apply(store, s, decision, r.user().actor(), log).isPresent()) {
                reset++;
            } else {
                left++;
            }
        }
        afterAction.run();
        Response.redirect(r.exchange(), "/stuck?reset=" + reset + "&left=" + left);
    }
}
