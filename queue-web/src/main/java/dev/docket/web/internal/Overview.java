package dev.docket.web.internal;

import dev.docket.queue.Diagnostics;
import dev.docket.queue.DiagnosticsOptions;
import dev.docket.queue.JobQueue;
import dev.docket.queue.JobStatus;
import dev.docket.queue.QueueStats;
import dev.docket.queue.internal.Json;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.testing.ForwardingJobStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;

/**
 * The overview: counts by status, throughput, error rate, oldest pending job and diagnose's alerts. One snapshot
 * per range is computed at most once per {@code cacheFor} however many browsers poll, so the dashboard's load on
 * the database does not grow with its viewers.
 */
public final class Overview {
    private final JobStore store;
    private final QueueTotals totals;
    private final DashboardData data;
    /** A transaction open this long holding back vacuum is an alert (check-db's default --xact-alert). */
    static final Duration VACUUM_ALERT = Duration.ofMinutes(5);
    /** How often pg_stat_activity is read for it (a 5-minute alert loses nothing by being 30 s late). */
    static final Duration VACUUM_CHECK_EVERY = Duration.ofSeconds(30);
    private List<String> vacuum = List.of();
    private long vacuumCheckedAtNanos;
    private boolean vacuumChecked;
    /**
     * How often the sources are read for diagnose's source alerts (circuit open for 10 minutes, a paused source
     * with a backlog): without the last hour's figures ({@link JobStore#sourcesForAlerts()}: the full statuses
     * sort the last hour's extraction times, which only the Sources view shows), but still a count of the live
     * jobs by source, which the refresh has just counted in total; an alert 10 s late loses nothing.
     */
    static final Duration SOURCES_CHECK_EVERY = Duration.ofSeconds(10);
    private List<dev.docket.queue.SourceStatus> sources;
    private long sourcesCheckedAtNanos;
    private final DiagnosticsOptions options;
    private final Duration refresh;
    private final Duration cacheFor;
    private final Snapshot[] cached = new Snapshot[Range.values().length];
    private final long[] cachedAtNanos = new long[Range.values().length];

    /** The chart's span: 60 or 1440 one-minute buckets. */
    enum Range {
        HOUR(60), DAY(1440);

        final int minutes;

        Range(int minutes) {
            this.minutes = minutes;
        }

        static Range parse(Request r) {
            String v = r.param("range").orElse("hour");
            return switch (v) {
                case "hour" -> HOUR;
                case "day" -> DAY;
                default -> throw WebException.badRequest("range must be hour or day but was '" + Html.clip(v, 20) + "'");
            };
        }
    }

    record Snapshot(Diagnostics diagnostics, DashboardData.Throughput throughput, Instant takenAt) {
    }

    Overview(JobStore store, QueueTotals totals, DashboardData data, DiagnosticsOptions options, Duration refresh,
            Duration cacheFor) {
        this.store = store;
        this.totals = totals;
        this.data = data;
        this.options = options;
        this.refresh = refresh;
        this.cacheFor = cacheFor;
    }

    synchronized Snapshot snapshot(Range range) {
        long now = System.nanoTime();
        int i = range.ordinal();
        if (cached[i] == null || now - cachedAtNanos[i] >= cacheFor.toNanos()) {
            Diagnostics d;
            DashboardData.Throughput t = null;
            if (totals == null) {
                d = JobQueue.of(store).diagnose(options);
            } else {
                QueueTotals.Figures f = totals.read(range.minutes);
                d = JobQueue.of(new ForwardingJobStore(store) {
                    @Override
                    public QueueStats stats() {
                        return f.stats(); // the cheap figures instead of a count over the whole table
                    }

                    @Override
                    public List<dev.docket.queue.SourceStatus> sources() {
                        return sourcesAtMostEvery(now);
                    }
                }).diagnose(options);
                t = f.throughput();
                List<String> vacuum = vacuumAlerts(now);
                if (!vacuum.isEmpty()) {
                    List<String> alerts = new java.util.ArrayList<>(d.alerts());
                    alerts.addAll(vacuum);
                    d = new Diagnostics(d.now(), d.workers(), d.stats(), d.staleJobs(), d.longRunning(), alerts,
                            d.warnings());
                }
            }
            cached[i] = new Snapshot(d, t, d.now());
            cachedAtNanos[i] = now;
        }
        return cached[i];
    }

    /** The store's source statuses, read again only when {@link #SOURCES_CHECK_EVERY} has passed (under the lock). */
    private List<dev.docket.queue.SourceStatus> sourcesAtMostEvery(long nowNanos) {
        if (sources == null || nowNanos - sourcesCheckedAtNanos >= SOURCES_CHECK_EVERY.toNanos()) {
            sources = store.sourcesForAlerts();
            sourcesCheckedAtNanos = nowNanos;
        }
        return sources;
    }

    private List<String> vacuumAlerts(long nowNanos) {
        if (!vacuumChecked || nowNanos - vacuumCheckedAtNanos >= VACUUM_CHECK_EVERY.toNanos()) {
            vacuum = data.vacuumAlerts(VACUUM_ALERT);
            vacuumCheckedAtNanos = nowNanos;
            vacuumChecked = true;
        }
        return vacuum;
    }

    /** GET /api/overview?range=hour|day. */
    void json(Request r, Matcher m) throws IOException {
        Response.json(r.exchange(), toJson(snapshot(Range.parse(r))));
    }

    /** GET /. */
    void page(Request r, Matcher m) throws IOException {
        Range range = Range.parse(r);
        Snapshot s = snapshot(range);
        QueueStats st = s.diagnostics().stats();
        StringBuilder b = new StringBuilder();
        b.append("<section id=\"overview\" data-refresh-ms=\"").append(refresh.toMillis()).append("\" data-range=\"")
                .append(range.name().toLowerCase(Locale.ROOT)).append("\">");
        b.append("<h1>Overview</h1><p class=\"meta\">Last refresh: <span id=\"last-refresh\">")
                .append(Html.esc(Html.time(s.takenAt()))).append("</span> <span id=\"live\" class=\"live\"></span></p>");
        b.append("<div class=\"cards\">");
        for (JobStatus status : JobStatus.values()) {
            b.append("<a class=\"card status-").append(status.name().toLowerCase(Locale.ROOT))
                    .append("\" href=\"/jobs?status=").append(status.name()).append("\"><span class=\"label\">")
                    .append(Html.esc(status.label())).append("</span><span class=\"count\" data-count=\"")
                    .append(status.name()).append("\">").append(st.count(status)).append("</span><span class=\"sub\">")
                    .append(status.name()).append("</span></a>");
        }
        b.append("</div><div class=\"cards\">");
        card(b, "Error rate (60 min)", "error-rate", percent(st.errorRateLast60m()));
        card(b, "Completed (60 min)", "completed-60m", Long.toString(st.completedLast60m()));
        card(b, "Failed (60 min)", "failed-60m", Long.toString(st.failedLast60m()));
        card(b, "Oldest pending", "oldest-pending", oldest(st));
        b.append("</div>");
        b.append("<h2>Alerts</h2><ul id=\"alerts\" class=\"alerts\">");
        alerts(b, s.diagnostics());
        b.append("</ul>");
        b.append("<h2>Throughput per minute</h2><p class=\"meta\"><a href=\"/?range=hour\"")
                .append(range == Range.HOUR ? " class=\"active\"" : "").append(">last hour</a> · <a href=\"/?range=day\"")
                .append(range == Range.DAY ? " class=\"active\"" : "").append(">last day</a></p>");
        if (totals == null) {
            b.append("<p class=\"note\">The throughput chart needs a DataSource (DocketDashboard.builder(dataSource)).</p>");
        } else {
            b.append("<div id=\"chart\" class=\"chart\" role=\"img\" aria-label=\"completed and failed jobs per minute\">"
                    + "</div>");
        }
        b.append("</section>");
        Response.html(r.exchange(), 200, Layout.page("Overview", "/", r.user(), b.toString()));
    }

    private static void card(StringBuilder b, String label, String id, String value) {
        b.append("<div class=\"card\"><span class=\"label\">").append(Html.esc(label)).append("</span><span class=\"count\" id=\"")
                .append(id).append("\">").append(Html.esc(value)).append("</span></div>");
    }

    private static void alerts(StringBuilder b, Diagnostics d) {
        if (d.alerts().isEmpty() && d.warnings().isEmpty()) {
            b.append("<li class=\"ok\">No alert: nothing needs a human now.</li>");
        }
        for (String a : d.alerts()) {
            b.append("<li class=\"alert\">").append(Html.esc(a)).append("</li>");
        }
        for (String w : d.warnings()) {
            b.append("<li class=\"warning\">").append(Html.esc(w)).append("</li>");
        }
    }

    static String percent(double rate) {
        return String.format(Locale.ROOT, "%.1f %%", rate * 100);
    }

    private static String oldest(QueueStats st) {
        if (st.oldestPendingAt() == null) {
            return "none";
        }
        return Html.duration(Duration.between(st.oldestPendingAt(), st.now())) + " ago";
    }

    static String toJson(Snapshot s) {
        QueueStats st = s.diagnostics().stats();
        StringBuilder b = new StringBuilder(512).append("{\"now\":").append(Json.quote(Html.time(s.takenAt())));
        b.append(",\"counts\":{");
        JobStatus[] statuses = JobStatus.values();
        for (int i = 0; i < statuses.length; i++) {
            b.append(i == 0 ? "" : ",").append(Json.quote(statuses[i].name())).append(':').append(st.count(statuses[i]));
        }
        b.append("},\"errorRate\":").append(Json.quote(percent(st.errorRateLast60m())))
                .append(",\"completed60m\":").append(st.completedLast60m())
                .append(",\"failed60m\":").append(st.failedLast60m())
                .append(",\"oldestPending\":").append(Json.quote(oldest(st)))
                .append(",\"alerts\":").append(list(s.diagnostics().alerts()))
                .append(",\"warnings\":").append(list(s.diagnostics().warnings()));
        DashboardData.Throughput t = s.throughput();
        if (t != null) {
            b.append(",\"throughput\":{\"firstMinute\":").append(t.firstMinute()).append(",\"completed\":")
                    .append(java.util.Arrays.toString(t.completed()).replace(" ", "")).append(",\"failed\":")
                    .append(java.util.Arrays.toString(t.failed()).replace(" ", "")).append('}');
        }
        return b.append('}').toString();
    }

    private static String list(List<String> items) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            b.append(i == 0 ? "" : ",").append(Json.quote(items.get(i)));
        }
        return b.append(']').toString();
    }
}
