package dev.docket.web.internal;

import dev.docket.queue.DiagnosticsOptions;
import dev.docket.queue.spi.JobStore;
import dev.docket.web.DashboardAuth;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;

/** Wires the views to their paths: the one place a new view is added. */
public final class Routes {
    private Routes() {
    }

    /**
     * The dispatcher of a dashboard over {@code store}; {@code dataSource} (nullable) and {@code schema} serve
     * the job list, the throughput chart and document downloads; {@code documentDirectory} (nullable) serves
     * downloads of a {@code FileSystemDocumentSink}'s files.
     */
    public static Dispatcher of(JobStore store, DataSource dataSource, String schema, Path documentDirectory,
            DashboardAuth auth,
            DiagnosticsOptions options, Duration refresh, Duration cacheFor) {
        Csrf csrf = new Csrf();
        DashboardData data = dataSource == null ? null : new DashboardData(dataSource, schema);
        QueueTotals totals = dataSource == null ? null : new QueueTotals(dataSource, schema);
        Runnable afterAction = totals == null ? () -> { } : totals::invalidate;
        Overview overview = new Overview(store, totals, data, options, refresh, cacheFor);
        WorkersView workers = new WorkersView(overview);
        JobsView jobs = new JobsView(store, data);
        JobView job = new JobView(store, new Documents(dataSource, schema, documentDirectory), csrf, afterAction);
        StuckView stuck = new StuckView(store, data, options.heartbeatAlert(), csrf, afterAction);
        SourcesView sources = new SourcesView(store, csrf);
        SourceActions sourceActions = new SourceActions(store);
        Assets assets = new Assets();
        return new Dispatcher(auth, csrf)
                .get("/", overview::page)
                .get("/api/overview", overview::json)
                .get("/workers", workers::page)
                .get("/jobs", jobs::page)
                .get("/jobs/([^/]{1,20})", job::page)
                .get("/jobs/([^/]{1,20})/document", job::download)
                .get("/jobs/([^/]{1,20})/snapshots/([0-9a-f]{64})", job::snapshot)
                .post("/jobs/([^/]{1,20})/(retry|cancel)", job::act)
                .get("/sources", sources::page)
                .get("/sources/view", sources::one)
                .post("/sources/(pause|resume|limit)", sourceActions::act)
                .post("/sources/(pause|resume)-all", sourceActions::actOnAll)
                .get("/stuck", stuck::page)
                .get("/stuck/preview", stuck::preview)
                .post("/stuck/reset", stuck::reset)
                .get("/assets/.*", assets::serve)
                .get("/favicon.ico", (r, m) -> Response.send(r.exchange(), 204, "image/x-icon", new byte[0]));
    }
}
