package dev.docket.examples.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.docket.extractor.playwright.FormSearchFlow;
import dev.docket.extractor.playwright.PlaywrightConfig;
import dev.docket.extractor.playwright.PlaywrightExtractor;
import dev.docket.queue.Diagnostics;
import dev.docket.queue.DiagnosticsOptions;
import dev.docket.queue.Document;
import dev.docket.queue.FileSystemDocumentSink;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.JobQueue;
import dev.docket.queue.JobStatus;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.NewJob;
import dev.docket.queue.QueueStats;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.queue.jdbc.SchemaMigrator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The live demo: a fake registry web site on 127.0.0.1, jobs in a queue (in memory, or PostgreSQL
 * with {@code --jdbc-url}), a {@link WorkerRuntime} running a {@link PlaywrightExtractor} with a
 * {@link FormSearchFlow} in headless chromium, documents written by a {@link FileSystemDocumentSink}.
 * Some documents do not exist (→ FAILED, permanent), some pages are slow. With {@code --chaos} it
 * also hangs a page past the job timeout, kills chromium mid-job and abandons a second worker while
 * it holds jobs, and shows how each was recovered. Exit status 0 when every job ended as expected.
 */
public final class DocketDemo {
    static final String SOURCE = "registre-demo";
    static final String DEMO_SCHEMA = "docket_demo";
    static final Duration JOB_TIMEOUT = Duration.ofSeconds(10);
    static final Duration LEASE = Duration.ofSeconds(6);
    static final Duration STALE_CHECK = Duration.ofSeconds(2);
    static final Duration SLOW_PAGE = Duration.ofMillis(1500);
    static final Duration DEADLINE = Duration.ofMinutes(10);

    private DocketDemo() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv(), System.console() != null));
    }

    /**
     * Runs the demo; returns the exit status (0 all as expected, 1 not, 2 bad usage or setup, e.g. no chromium:
     * then {@code err} gets one line saying what to install or set).
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, boolean terminal) {
        DemoOptions o;
        try {
            o = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("docket-demo: " + e.getMessage());
            err.print(DemoOptions.USAGE);
            return 2;
        }
        if (o.help) {
            out.print(DemoOptions.USAGE);
            return 0;
        }
        try {
            return new Run(o, out, env, terminal).execute();
        } catch (IOException | RuntimeException e) {
            err.println("docket-demo: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("docket-demo: interrupted");
            return 2;
        }
    }

    /** Document numbers of the demo: DOC-00001 … */
    static String number(int i) {
        return String.format("DOC-%05d", i);
    }

    /** Every 10th document (7, 17, …) does not exist in the registry. */
    static boolean missing(int i) {
        return i % 10 == 7;
    }

    private static final class Run {
        final DemoOptions o;
        final PrintStream out;
        final Map<String, String> env;
        final boolean terminal;
        final Tally tally = new Tally();
        final List<AutoCloseable> resources = new ArrayList<>();
        HikariDataSource dataSource;
        dev.docket.queue.DocumentSink sink;
        final List<String> faults = new ArrayList<>();

        Run(DemoOptions o, PrintStream out, Map<String, String> env, boolean terminal) {
            this.o = o;
            this.out = out;
            this.env = env;
            this.terminal = terminal;
        }

        int execute() throws IOException, InterruptedException {
            try {
                return demo();
            } finally {
                for (int i = resources.size() - 1; i >= 0; i--) {
                    try {
                        resources.get(i).close();
                    } catch (Exception e) {
                        out.println("[docket] warning: closing " + resources.get(i) + " failed: " + e);
                    }
                }
            }
        }

        int demo() throws IOException, InterruptedException {
            DemoRegistry registry = DemoRegistry.start();
            resources.add(registry);
            List<NewJob> jobs = new ArrayList<>();
            int expectedMissing = 0;
            for (int i = 1; i <= o.jobs; i++) {
                jobs.add(NewJob.builder(SOURCE, number(i)).maxAttempts(8).build());
                if (missing(i)) {
                    registry.markMissing(number(i));
                    expectedMissing++;
                } else if (i % 6 == 5) {
                    registry.markSlow(number(i), SLOW_PAGE);
                }
            }
            String hangNumber = number(Math.min(2, o.jobs));
            if (o.chaos) {
                registry.markHangOnce(hangNumber);
            }

            JobStore store = store();
            Files.createDirectories(o.out);
            PlaywrightExtractor extractor = PlaywrightExtractor.builder(PlaywrightConfig.fromEnvironment(env)
                            .allowHosts(SOURCE, registry.host())
                            .sessionTimeout(Duration.ofMinutes(4))
                            .build())
                    .flow(SOURCE, FormSearchFlow.builder()
                            .startUrl(registry.baseUri() + "/")
                            .sourceField("#source")
                            .numberField("#number")
                            .submit("#search")
                            .resultLink("a.result")
                            .notFound(".not-found")
                            .expectedContentTypes("application/pdf")
                            .build())
                    .build();
            // started here, not by the worker: without a browser the demo stops at once with start()'s message (what
            // was tried, what to install or set), where a worker would keep retrying until chromium can start
            resources.add(extractor);
            extractor.start();

            sink = sink();
            List<Job> enqueued = JobQueue.of(store).enqueueAll(jobs);
            out.println("[docket] registry  " + registry.baseUri() + " (fake, served by this demo)");
            out.println("[docket] store     " + (o.jdbcUrl == null ? "in memory" : "PostgreSQL, schema " + DEMO_SCHEMA));
            out.println("[docket] sink      " + sink);
            out.println("[docket] jobs      " + enqueued.size() + " (" + expectedMissing + " documents do not exist)"
                    + (o.chaos ? ", chaos on" : ""));
            out.println("[docket] documents " + o.out.toAbsolutePath());
            if (o.dashboard) {
                dev.docket.web.DocketDashboard d = dev.docket.web.DocketDashboard.builder(store).dataSource(dataSource)
                        .schema(DEMO_SCHEMA).port(0).auth(dev.docket.web.DashboardAuth.none(
                                dev.docket.web.DashboardRole.OPERATOR)).start();
                resources.add(d);
                out.println("[docket] dashboard " + d.url());
            }

            WorkerConfig config = WorkerConfig.builder()
                    .workerId("demo-main")
                    .concurrency(o.concurrency)
                    .jobTimeout(JOB_TIMEOUT)
                    .lease(LEASE)
                    .heartbeatInterval(Duration.ofSeconds(2))
                    .staleCheckInterval(STALE_CHECK)
                    .pollInterval(Duration.ofMillis(250))
                    .retryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4))
                    .shutdownGracePeriod(Duration.ofSeconds(10))
                    .build();
            // the worker that will be abandoned starts first, so that it holds the first jobs (the page hang among them)
            Chaos chaos = o.chaos ? new Chaos(store, config) : null;
            if (chaos != null) {
                chaos.awaitClaims(Duration.ofSeconds(5));
            }
            WorkerRuntime main = WorkerRuntime.builder(store, extractor)
                    .config(config)
                    .documentSink(sink)
                    .listener(tally)
                    .start();
            resources.add(main);

            Progress progress = new Progress(out, terminal, enqueued.size(), tally, main::inFlightCount);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (unfinished(store) > 0) {
                if (System.nanoTime() > deadline) {
                    progress.finish();
                    out.println("[docket] gave up after " + DEADLINE.toMinutes() + " minutes with " + unfinished(store)
                            + " job(s) unfinished");
                    return 1;
                }
                if (chaos != null) {
                    chaos.step(main);
                }
                progress.tick();
                Thread.sleep(50); // the demo's own refresh loop
            }
            progress.finish();
            main.close();
            if (chaos != null) {
                chaos.close();
                faults.addAll(chaos.report(store, hangNumber, enqueued));
            }
            return summary(store, enqueued, expectedMissing, registry);
        }

        JobStore store() {
            if (o.jdbcUrl == null) {
                return new InMemoryJobStore();
            }
            HikariConfig pool = new HikariConfig();
            pool.setJdbcUrl(o.jdbcUrl);
            pool.setUsername(env.getOrDefault("DOCKET_DB_USER", "postgres"));
            pool.setPassword(env.getOrDefault("DOCKET_DB_PASSWORD", ""));
            pool.setMaximumPoolSize(6);
            pool.setPoolName("docket-demo");
            HikariDataSource ds = new HikariDataSource(pool);
            resources.add(ds);
            dataSource = ds;
            SchemaMigrator.migrate(ds, DEMO_SCHEMA);
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("TRUNCATE " + DEMO_SCHEMA + ".extraction_queue, " + DEMO_SCHEMA + ".worker_status CASCADE");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot empty schema " + DEMO_SCHEMA + ": " + e.getMessage(), e);
            }
            PostgresJobStore s = PostgresJobStore.builder(ds).schema(DEMO_SCHEMA).build();
            resources.add(s);
            return s;
        }

        /** The sink chosen with --sink (after the store, whose data source the PostgreSQL sink shares). */
        dev.docket.queue.DocumentSink sink() {
            switch (o.sink) {
                case "postgres":
                    return dev.docket.queue.jdbc.PostgresDocumentSink.builder(dataSource).schema(DEMO_SCHEMA).build();
                case "s3":
                    dev.docket.queue.s3.S3DocumentSink s3 = dev.docket.queue.s3.S3DocumentSink.create(
                            dev.docket.queue.s3.S3SinkConfig.builder(o.s3Bucket, "demo").endpointOverride(o.s3Endpoint)
                                    .pathStyleAccess(true).build());
                    resources.add(s3);
                    return s3;
                default:
                    return new FileSystemDocumentSink(o.out);
            }
        }

        /** The bytes of a completed job's document, from whichever sink stored it; empty when missing. */
        byte[] readDocument(Job job) throws IOException {
            java.util.Optional<dev.docket.queue.StoredDocument> ref = dev.docket.queue.StoredDocument.of(job);
            if (ref.isEmpty()) {
                return new byte[0];
            }
            try {
                if (sink instanceof FileSystemDocumentSink) {
                    Path file = ((FileSystemDocumentSink) sink).fileOf(ref.get());
                    return Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
                }
                if (sink instanceof dev.docket.queue.s3.S3DocumentSink) {
                    try (java.io.InputStream in = ((dev.docket.queue.s3.S3DocumentSink) sink).open(ref.get())) {
                        return in.readAllBytes();
                    }
                }
                java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                ((dev.docket.queue.jdbc.PostgresDocumentSink) sink).copyTo(ref.get(), b);
                return b.toByteArray();
            } catch (IOException | IllegalArgumentException e) {
                return new byte[0];
            }
        }

        int summary(JobStore store, List<Job> enqueued, int expectedMissing, DemoRegistry registry) throws IOException {
            QueueStats stats = store.stats();
            int verified = 0;
            List<String> problems = new ArrayList<>();
            for (Job j : enqueued) {
                Job job = store.find(j.id()).orElseThrow();
                int i = Integer.parseInt(job.documentNumber().substring(4));
                JobStatus expected = missing(i) ? JobStatus.FAILED : JobStatus.COMPLETED;
                if (job.status() != expected) {
                    problems.add("job " + job.id() + " " + job.documentNumber() + " is " + job.status() + ", expected "
                            + expected + (job.lastError() == null ? "" : " (" + job.lastError() + ")"));
                    continue;
                }
                if (expected == JobStatus.COMPLETED) {
                    byte[] want = DemoRegistry.pdfFor(job.documentSource(), job.documentNumber());
                    if (Arrays.equals(readDocument(job), want)) {
                        verified++;
                    } else {
                        problems.add("document of job " + job.id() + " missing or different from the registry's");
                    }
                }
            }
            Diagnostics d = JobQueue.of(store).diagnose(DiagnosticsOptions.defaults());
            out.println();
            out.println(DiagnosticsText.render(d));
            out.println("== summary");
            out.printf("jobs %d: completed %d, failed %d (expected %d: documents that do not exist), pending %d, "
                            + "processing %d%n", enqueued.size(), stats.count(JobStatus.COMPLETED),
                    stats.count(JobStatus.FAILED), expectedMissing, stats.count(JobStatus.PENDING),
                    stats.count(JobStatus.PROCESSING));
            out.printf("retries %d, timeouts %d, released (browser down) %d, stale resets %d, lease lost %d%n",
                    tally.retries.get(), tally.timedOut.get(), tally.released.get(), tally.resets.get(),
                    tally.leaseLost.get());
            out.printf("documents verified %d/%d in %s (registry served %d searches, %d downloads)%n", verified,
                    enqueued.size() - expectedMissing, o.out.toAbsolutePath(), registry.searches(), registry.downloads());
            if (o.chaos) {
                out.println("== chaos");
                faults.forEach(f -> out.println("- " + f));
            }
            if (!problems.isEmpty()) {
                out.println("== problems");
                problems.forEach(p -> out.println("- " + p));
                out.println("RESULT: FAILED");
                return 1;
            }
            out.println("RESULT: OK — every job reached the expected state, nothing lost, nothing stuck");
            return 0;
        }

        static long unfinished(JobStore store) {
            QueueStats s = store.stats();
            return s.count(JobStatus.PENDING) + s.count(JobStatus.PROCESSING);
        }
    }
}
