package dev.docket.web.internal;

import dev.docket.queue.SourceEvent;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import dev.docket.queue.spi.JobStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * GET /sources: every source the store knows (what {@code JobQueue.sources()} reports: backlog, cap, rate, state,
 * the last hour) and the newest events of all; GET /sources/view?source=…: one source, its history and, for an
 * operator, the forms of {@link SourceActions}. Source names are hostile: escaped in content, URL-encoded in links.
 */
final class SourcesView {
    /** Events shown on the list and on a source's page. */
    static final int HISTORY = 20;
    static final int SOURCE_HISTORY = 50;
    /** The outcomes an action's redirect may announce: a fixed list, so the URL cannot carry text to show. */
    private static final Map<String, String> DONE = Map.of(
            "paused", "Paused.", "resumed", "Resumed.", "not-paused", "It was not paused (a pause of all sources"
                    + " stays until resumed from the list).",
            "limited", "Limit changed: it applies from the next claim.", "paused-all", "All sources paused.",
            "resumed-all", "All sources resumed.", "none-paused", "No source was paused.");
    private final JobStore store;
    private final Csrf csrf;

    SourcesView(JobStore store, Csrf csrf) {
        this.store = store;
        this.csrf = csrf;
    }

    /** The store's sources; a 501 when the store has no source flow control. */
    static List<SourceStatus> sources(JobStore store) {
        try {
            return store.sources();
        } catch (UnsupportedOperationException e) {
            throw new WebException(501, "this dashboard's store has no source flow control");
        }
    }

    /** {@code source}'s status; a 404 when the store knows nothing of it. */
    static SourceStatus source(JobStore store, String source) {
        for (SourceStatus s : sources(store)) {
            if (s.source().equals(source)) {
                return s;
            }
        }
        throw WebException.notFound("no source '" + Html.clip(source, 100) + "' is known (no jobs, policy or events)");
    }

    static String link(String source) {
        return "/sources/view?source=" + Html.url(source);
    }

    void page(Request r, Matcher m) throws IOException {
        List<SourceStatus> all = sources(store);
        StringBuilder b = new StringBuilder("<h1>Sources</h1>");
        done(b, r);
        b.append("<p class=\"meta\">As of ").append(Html.timeTag(store.now())).append(". Counts of the last hour;"
                + " extraction time is claim to completion. Limits apply fleet-wide from the next claim.</p>");
        if (r.user().role().mayAct()) {
            b.append("<form method=\"post\" action=\"/sources/pause-all\" class=\"action\" id=\"pause-all-form\">")
                    .append(csrf.field(r.user())).append("<label>Reason <input name=\"reason\" maxlength=\"200\""
                            + " required></label> <button type=\"submit\" id=\"pause-all\">Pause all sources</button>"
                            + "</form><form method=\"post\" action=\"/sources/resume-all\" class=\"action\">")
                    .append(csrf.field(r.user())).append("<button type=\"submit\" id=\"resume-all\">Resume all sources"
                            + "</button></form>");
        }
        if (all.isEmpty()) {
            b.append("<p class=\"note\" id=\"no-sources\">No source has jobs, a policy or events yet.</p>");
        } else {
            b.append("<table id=\"sources\"><thead><tr><th>Source</th><th>State</th><th>Pending</th>"
                    + "<th>Processing</th><th>Cap</th><th>Rate</th><th>Breaker</th><th>p50</th><th>p95</th>"
                    + "<th>Completed 1h</th><th>Failed 1h</th><th>Last error</th></tr></thead><tbody>");
            for (SourceStatus s : all) {
                SourcePolicy p = s.policy();
                b.append("<tr data-source=\"").append(Html.esc(s.source())).append("\"><td><a href=\"")
                        .append(Html.esc(link(s.source()))).append("\">").append(Html.esc(s.source())).append("</a>")
                        .append(s.ownPolicy() ? "" : " <span class=\"meta\">(default policy)</span>").append("</td>");
                cell(b, "state", stateBadge(s));
                cell(b, "pending num", Long.toString(s.pending()));
                cell(b, "processing num", Long.toString(s.processing()));
                cell(b, "cap num", cap(p));
                cell(b, "rate", Html.esc(rate(s)));
                cell(b, "breaker", Html.esc(breaker(p)));
                cell(b, "p50 num", Html.esc(Html.duration(s.p50Last60m())));
                cell(b, "p95 num", Html.esc(Html.duration(s.p95Last60m())));
                cell(b, "completed num", Long.toString(s.completedLast60m()));
                cell(b, "failed num", Long.toString(s.failedLast60m()));
                cell(b, "error", Html.esc(Html.clip(s.lastError(), 200)));
                b.append("</tr>");
            }
            b.append("</tbody></table>");
        }
        b.append("<h2>Recent history</h2>");
        history(b, events(null, HISTORY), true);
        Response.html(r.exchange(), 200, Layout.page("Sources", "/sources", r.user(), b.toString()));
    }

    void one(Request r, Matcher m) throws IOException {
        String name = r.param("source").orElseThrow(() -> WebException.badRequest("parameter source is required"));
        SourceStatus s = source(store, name);
        SourcePolicy p = s.policy();
        StringBuilder b = new StringBuilder("<h1>Source <span id=\"source-name\">").append(Html.esc(s.source()))
                .append("</span></h1>");
        done(b, r);
        b.append("<table class=\"fields\" id=\"fields\">");
        field(b, "State", "state", stateBadge(s));
        field(b, "Pending", "pending", Long.toString(s.pending()));
        field(b, "Processing", "processing", Long.toString(s.processing()));
        field(b, "Policy", "policy", Html.esc(p) + (s.ownPolicy() ? "" : " (the default: the source has none of"
                + " its own)"));
        field(b, "Rate", "rate", Html.esc(rate(s)));
        field(b, "Consecutive failures", "consecutive", Integer.toString(s.consecutiveFailures()));
        field(b, "Extraction time p50 / p95 (1h)", "times", Html.esc(Html.duration(s.p50Last60m())) + " / "
                + Html.esc(Html.duration(s.p95Last60m())));
        field(b, "Completed / failed (1h)", "last-hour", s.completedLast60m() + " / " + s.failedLast60m());
        field(b, "Last error", "last-error", Html.esc(Html.clip(s.lastError(), 2000)));
        b.append("</table><p><a href=\"/jobs?source=").append(Html.esc(Html.url(s.source())))
                .append("\">Its jobs</a> · <a href=\"/sources\">All sources</a></p>");
        if (r.user().role().mayAct()) {
            forms(b, r, s);
        }
        b.append("<h2>History</h2>");
        history(b, events(s.source(), SOURCE_HISTORY), false);
        Response.html(r.exchange(), 200, Layout.page("Source " + s.source(), "/sources", r.user(), b.toString()));
    }

    /**
     * The source travels URL-encoded in the forms' action (the query string), never in a hidden field: escaping
     * shows invisible characters as [U+XXXX], which a field would post back as another name.
     */
    private void forms(StringBuilder b, Request r, SourceStatus s) {
        SourcePolicy p = s.policy();
        String query = Html.esc("?source=" + Html.url(s.source()));
        String token = csrf.field(r.user());
        b.append("<h2>Actions</h2><form method=\"post\" action=\"/sources/pause").append(query)
                .append("\" class=\"action\">").append(token).append("<label>Reason <input name=\"reason\""
                        + " id=\"reason\" maxlength=\"200\" required></label> <button type=\"submit\" id=\"pause\">"
                        + "Pause</button></form><form method=\"post\" action=\"/sources/resume").append(query)
                .append("\" class=\"action\">").append(token)
                .append("<button type=\"submit\" id=\"resume\">Resume</button></form><form method=\"post\""
                        + " action=\"/sources/limit").append(query).append("\" class=\"action filters\" id=\"limit-form\">")
                .append(token).append("<p class=\"meta\">Leave a field empty to keep it.</p>");
        input(b, "concurrency", "Cap (N or none)", p.concurrency().isPresent() ? "" + p.concurrency().getAsInt() : "none");
        input(b, "rate", "Rate (N/s, N/m, N/h or none)", p.rate().map(SourcePolicy.Rate::toString).orElse("none"));
        input(b, "burst", "Burst (N)", p.rate().map(x -> "" + x.burst()).orElse("—"));
        input(b, "breaker", "Breaker failures (N or off)", breaker(p));
        b.append("<button type=\"submit\" id=\"limit\">Change the limit</button></form>");
    }

    private static void input(StringBuilder b, String name, String label, String current) {
        b.append("<label>").append(Html.esc(label)).append(" <input name=\"").append(name).append("\" id=\"set-")
                .append(name).append("\" maxlength=\"20\" placeholder=\"").append(Html.esc(current)).append("\"></label> ");
    }

    private List<SourceEvent> events(String source, int limit) {
        List<SourceEvent> events = new ArrayList<>(store.sourceEvents(source, limit));
        Collections.reverse(events); // newest first
        return events;
    }

    private static void history(StringBuilder b, List<SourceEvent> events, boolean withSource) {
        if (events.isEmpty()) {
            b.append("<p class=\"note\" id=\"no-history\">No event yet.</p>");
            return;
        }
        b.append("<table id=\"history\"><thead><tr><th>When</th>").append(withSource ? "<th>Source</th>" : "")
                .append("<th>What</th><th>Who</th><th>Details</th></tr></thead><tbody>");
        for (SourceEvent e : events) {
            b.append("<tr data-type=\"").append(e.type().name()).append("\"><td>").append(Html.timeTag(e.at()))
                    .append("</td>");
            if (withSource) {
                b.append("<td>").append(SourceEvent.ALL_SOURCES.equals(e.source()) ? "all sources" : "<a href=\""
                        + Html.esc(link(e.source())) + "\">" + Html.esc(e.source()) + "</a>").append("</td>");
            }
            b.append("<td>").append(e.type().name()).append("</td><td class=\"actor\">").append(Html.esc(e.actor()))
                    .append("</td><td>").append(Html.esc(Html.clip(e.message(), 300))).append("</td></tr>");
        }
        b.append("</tbody></table>");
    }

    private static void done(StringBuilder b, Request r) {
        Optional<String> done = r.param("done").map(DONE::get);
        done.ifPresent(text -> b.append("<p class=\"done\" id=\"done\">").append(Html.esc(text)).append("</p>"));
    }

    private static void cell(StringBuilder b, String cls, String html) {
        b.append("<td class=\"").append(cls).append("\">").append(html).append("</td>");
    }

    private static void field(StringBuilder b, String label, String id, String html) {
        b.append("<tr><th>").append(Html.esc(label)).append("</th><td id=\"").append(id).append("\">").append(html)
                .append("</td></tr>");
    }

    /** The state as a badge, then what describeState() adds to it (the reason, until when); all of it as title. */
    static String stateBadge(SourceStatus s) {
        String state = s.state().name().toLowerCase(Locale.ROOT).replace('_', '-');
        String described = s.describeState();
        String detail = described.startsWith(state) ? described.substring(state.length()) : " " + described;
        if (detail.startsWith(":")) {
            detail = detail.substring(1);
        }
        return "<span class=\"badge source-" + state + "\" title=\"" + Html.esc(described) + "\">" + state + "</span>"
                + Html.esc(detail);
    }

    private static String cap(SourcePolicy p) {
        return p.concurrency().isPresent() ? Integer.toString(p.concurrency().getAsInt()) : "none";
    }

    /** The policy's rate and burst, and the effective rate when throttling lowered it. */
    static String rate(SourceStatus s) {
        Optional<SourcePolicy.Rate> rate = s.policy().rate();
        if (rate.isEmpty()) {
            return "none";
        }
        String text = rate.get() + " burst " + rate.get().burst();
        boolean lowered = s.effectiveRate() > 0 && s.effectiveRate() < rate.get().perSecondValue() * 0.999;
        return lowered ? text + String.format(Locale.ROOT, " (now %.3g/s after throttling)", s.effectiveRate()) : text;
    }

    static String breaker(SourcePolicy p) {
        return p.breakerFailures().isPresent() ? Integer.toString(p.breakerFailures().getAsInt()) : "off";
    }
}
