package dev.docket.benchmarks.soak;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.benchmarks.BenchDatabase;
import dev.docket.benchmarks.ChildJvm;
import dev.docket.benchmarks.Machine;
import dev.docket.queue.Job;
import dev.docket.queue.NewJob;
import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.testing.TcpProxy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chaos soak test. Starts K worker processes ({@link SoakWorker}) that reach PostgreSQL through a
 * {@link TcpProxy}, enqueues M jobs (plus a batch of hostile records, see {@link HostileInputs}), and
 * while they drain: SIGKILLs a random worker every few seconds and starts a replacement, cuts the
 * database connections for a few seconds, and restarts a worker gracefully with SIGTERM. Extractor
 * behaviours (fast, slow, transient and permanent failures, hangs, JVM halts) are drawn per
 * (job, attempt) by {@link Behaviour}. At the end it checks the invariants ({@link SoakChecks}) and
 * prints one summary; the exit code is non-zero when any invariant failed.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.docket.benchmarks.soak.SoakTest            # quick: ~1 min, K=3, M=2,000
 * java -cp benchmarks/target/benchmarks.jar dev.docket.benchmarks.soak.SoakTest --minutes 10   # long: K=4, M=50,000
 * </pre>
 */
public final class SoakTest {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final SoakConfig cfg;
    private final BenchDatabase db;
    private final PostgresJobStore store;
    private final TcpProxy proxy;
    private final Path log;
    private final Random random;
    private final List<WorkerHandle> workers = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<WorkerHandle> exits = new ConcurrentLinkedQueue<>();
    private final AtomicInteger generation = new AtomicInteger();
    private final List<Long> enqueuedIds = new CopyOnWriteArrayList<>();
    private final SoakChecks.Faults faults = new SoakChecks.Faults();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private volatile HostileInputs.Result hostile;
    private volatile List<HostileCsv.Outcome> hostileCsv = List.of();
    private volatile boolean enqueueDone;
    private volatile boolean stopWatchdog;
    private final AtomicInteger lockWaits = new AtomicInteger();
    private final long t0 = System.nanoTime();

    /** Why a worker exited. */
    enum Expected { NONE, KILL, TERM, FINAL_TERM }

    /** One worker process. */
    final class WorkerHandle {
        final String workerId;
        final ChildJvm jvm;
        volatile Expected expected = Expected.NONE;
        volatile Instant startedAt;
        volatile Instant exitedAt;
        volatile boolean handled;
        volatile boolean startedBeforeTerm;

        WorkerHandle(String workerId, ChildJvm jvm) {
            this.workerId = workerId;
            this.jvm = jvm;
            jvm.process().onExit().thenRun(() -> {
                exitedAt = Instant.now();
                exits.add(this);
            });
        }

        boolean started() {
            return jvm.printed("STARTED");
        }

        boolean alive() {
            return jvm.process().isAlive();
        }
    }

    private SoakTest(SoakConfig cfg, BenchDatabase db, PostgresJobStore store, TcpProxy proxy, Path log) {
        this.cfg = cfg;
        this.db = db;
        this.store = store;
        this.proxy = proxy;
        this.log = log;
        this.random = new Random(cfg.seed());
    }

    public static void main(String[] args) throws Exception {
        SoakConfig cfg = SoakConfig.parse(args);
        SoakReport report = run(cfg, BenchDatabase.Server.fromEnvironment(), System.out);
        System.out.println();
        System.out.println(report.summary());
        System.exit(report.passed() ? 0 : 1);
    }

    /** Runs one soak with the database from {@code server}; a fresh schema is created and dropped. */
    public static SoakReport run(SoakConfig cfg, BenchDatabase.Server server, PrintStream progress) throws Exception {
        Files.createDirectories(cfg.logDir());
        Path log = cfg.logDir().resolve("soak-" + LocalDateTime.now().format(STAMP) + ".log");
        progress.println("[soak] K=" + cfg.workers() + " M=" + cfg.jobs() + " for ~" + cfg.duration().toSeconds()
                + " s, lease " + cfg.lease().toMillis() + " ms, seed " + cfg.seed() + "; worker output in " + log
                + "; load " + Machine.loadAverages());
        try (BenchDatabase db = BenchDatabase.fresh(server, "docket_soak")) {
            SoakSchema.create(db);
            HikariDataSource direct = db.pool("soak-parent", 4);
            try (PostgresJobStore store = PostgresJobStore.builder(direct).schema(db.schema()).build();
                    TcpProxy proxy = TcpProxy.start(0, server.host(), server.port())) {
                SoakTest t = new SoakTest(cfg, db, store, proxy, log);
                SoakReport report = t.execute(progress);
                if (!report.passed() && cfg.keepFailedSchema()) {
                    db.keepSchema();
                    progress.println("[soak] invariants failed: schema " + db.schema() + " kept for inspection"
                            + " (DROP SCHEMA " + db.schema() + " CASCADE when done)");
                }
                return report;
            }
        }
    }

    private SoakReport execute(PrintStream progress) throws Exception {
        String machine = Machine.describe(db);
        String loadBefore = Machine.loadAverages();
        for (int i = 0; i < cfg.workers(); i++) {
            startWorker();
        }
        for (WorkerHandle w : workers) {
            await(w::started, Duration.ofSeconds(90), "worker " + w.workerId + " to start; output: " + w.jvm.lines());
        }
        note(progress, cfg.workers() + " workers started");
        Thread watchdog = new Thread(this::watchLocks, "soak-lock-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Thread enqueuer = new Thread(this::enqueueAll, "soak-enqueue");
        enqueuer.setDaemon(true);
        enqueuer.start();

        Instant start = Instant.now();
        long faultEnd = t0 + cfg.faultWindow().toNanos();
        long nextKill = now() + between(cfg.killEveryMin(), cfg.killEveryMax());
        long nextCut = now() + cfg.cutEvery().toNanos();
        long nextTerm = now() + cfg.sigtermEvery().toNanos();
        long nextProgress = now() + TimeUnit.SECONDS.toNanos(10);
        while (now() < faultEnd) {
            handleExits(progress);
            if (now() >= nextKill) {
                sigkill(progress);
                nextKill = now() + between(cfg.killEveryMin(), cfg.killEveryMax());
            }
            if (now() >= nextCut) {
                Duration d = cfg.cutFor();
                proxy.cut(d);
                faults.cuts++;
                faults.cutSeconds += d.toMillis() / 1000.0;
                faults.cutWindows.add(new Instant[] {Instant.now(), Instant.now().plus(d)});
                note(progress, "cut every database connection for " + d.toMillis() + " ms");
                nextCut = now() + cfg.cutEvery().toNanos() + d.toNanos();
            }
            if (now() >= nextTerm) {
                sigterm(progress);
                nextTerm = now() + cfg.sigtermEvery().toNanos();
            }
            if (now() >= nextProgress) {
                note(progress, progressLine());
                nextProgress = now() + TimeUnit.SECONDS.toNanos(10);
            }
            Thread.sleep(25);
        }
        proxy.resume();
        note(progress, "faults stopped; draining");
        long drainEnd = now() + cfg.drainTimeout().toNanos();
        while (now() < drainEnd) {
            handleExits(progress);
            if (enqueueDone && open() == 0) {
                break;
            }
            if (now() >= nextProgress) {
                note(progress, progressLine());
                nextProgress = now() + TimeUnit.SECONDS.toNanos(10);
            }
            Thread.sleep(100);
        }
        enqueuer.join(TimeUnit.SECONDS.toMillis(30));
        Instant drained = Instant.now();
        note(progress, "drained: " + progressLine() + "; stopping the workers with SIGTERM");
        stopAll(progress);
        handleExits(progress);
        stopWatchdog = true;
        for (WorkerHandle w : workers) {
            if (w.startedAt != null) {
                faults.lives.add(new SoakChecks.Life(w.workerId, w.startedAt, w.exitedAt));
            }
        }
        note(progress, "checking the invariants");
        SoakChecks checks = new SoakChecks(db, cfg, enqueuedIds, faults, hostile);
        SoakReport report = checks.run();
        report.failures.addAll(0, failures);
        report.machine = machine;
        report.loadBefore = loadBefore;
        report.loadAfter = Machine.loadAverages();
        report.wallSeconds = Duration.between(start, drained).toMillis() / 1000.0;
        report.log = log;
        report.lockWaits = lockWaits.get();
        report.hostileCsv = hostileCsv;
        return report;
    }

    // ------------------------------------------------------------------ enqueueing

    /** Bad input through the CLI ({@code enqueue --csv}); the valid file's jobs join the soak. */
    private List<HostileCsv.Outcome> hostileCsv() {
        java.nio.file.Path dir = null;
        try {
            dir = java.nio.file.Files.createTempDirectory("docket-soak-csv");
            List<HostileCsv.Outcome> outcomes = HostileCsv.run(store, db, dir);
            for (HostileCsv.Outcome o : outcomes) {
                enqueuedIds.addAll(o.ids());
                if (o.problem() != null) {
                    failures.add("bad CSV '" + o.name() + "': " + o.problem());
                }
            }
            return outcomes;
        } catch (java.io.IOException | RuntimeException e) {
            failures.add("bad CSV check could not run: " + e);
            return List.of();
        } finally {
            if (dir != null) {
                try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
                    for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                        java.nio.file.Files.deleteIfExists(f);
                    }
                    java.nio.file.Files.deleteIfExists(dir);
                } catch (java.io.IOException e) {
                    failures.add("could not remove " + dir + ": " + e.getMessage());
                }
            }
        }
    }

    private void enqueueAll() {
        try {
            long windowNanos = cfg.enqueueWindow().toNanos();
            int rounds = Math.max(1, (int) (cfg.enqueueWindow().toMillis() / 250));
            int perRound = (cfg.jobs() + rounds - 1) / rounds;
            int done = 0;
            long start = System.nanoTime();
            for (int r = 0; done < cfg.jobs(); r++) {
                if (r == 4) {
                    hostile = HostileInputs.run(store, db);
                    for (Job j : hostile.enqueued()) {
                        enqueuedIds.add(j.id());
                    }
                    failures.addAll(hostile.failures());
                    hostileCsv = hostileCsv();
                }
                int n = Math.min(perRound, cfg.jobs() - done);
                List<NewJob> batch = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int k = done + i;
                    batch.add(NewJob.builder("soak-registry-" + (k % 3), "doc-" + k)
                            .maxAttempts(new int[] {2, 3, 5}[k % 3])
                            .payload("{\"k\":" + k + "}")
                            .build());
                }
                for (Job j : store.enqueueAll(batch)) {
                    enqueuedIds.add(j.id());
                }
                done += n;
                long due = start + windowNanos * (r + 1) / rounds;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add("enqueueing interrupted after " + enqueuedIds.size() + " jobs");
        } catch (RuntimeException e) {
            failures.add("enqueueing failed after " + enqueuedIds.size() + " jobs: " + e);
        } finally {
            enqueueDone = true;
        }
    }

    // ------------------------------------------------------------------ diagnostics

    /** Every 2 s: logs statements of this run waiting more than 1 s for a lock, and who blocks them. */
    private void watchLocks() {
        String sql = "SELECT a.pid, now() - a.query_start, left(a.query, 160), pg_blocking_pids(a.pid),"
                + " (SELECT string_agg(b.pid || ' ' || b.state || ' ' || coalesce(b.application_name, '') || ': '"
                + "   || left(b.query, 160), ' | ') FROM pg_stat_activity b WHERE b.pid = ANY(pg_blocking_pids(a.pid)))"
                + " FROM pg_stat_activity a WHERE a.wait_event_type = 'Lock' AND a.query_start < now() - interval '1 second'"
                + " AND a.query LIKE '%' || ? || '%'";
        while (!stopWatchdog) {
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, db.schema());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        lockWaits.incrementAndGet();
                        note(System.out, "LOCK WAIT pid " + rs.getInt(1) + " waiting " + rs.getString(2) + ": "
                                + rs.getString(3) + " -- blocked by " + rs.getString(4) + ": " + rs.getString(5));
                    }
                }
            } catch (SQLException e) {
                note(System.out, "lock watchdog: " + e.getMessage());
            }
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ------------------------------------------------------------------ workers and faults

    private WorkerHandle startWorker() throws IOException {
        String id = "soak-w" + generation.incrementAndGet();
        String url = db.server().urlVia("127.0.0.1", proxy.port());
        List<String> args = List.of("schema=" + db.schema(), "worker=" + id, "url=" + url,
                "concurrency=" + cfg.concurrency(), "leaseMs=" + cfg.lease().toMillis(),
                "heartbeatMs=" + cfg.heartbeat().toMillis(), "staleMs=" + cfg.staleCheck().toMillis(),
                "timeoutMs=" + cfg.jobTimeout().toMillis(), "pollMs=1000", "graceMs=2000", "seed=" + cfg.seed());
        List<String> jvm = List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.log.dev.docket.queue.StaleJobMonitor=info",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
        java.util.concurrent.atomic.AtomicReference<WorkerHandle> handle = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CountDownLatch created = new java.util.concurrent.CountDownLatch(1);
        ChildJvm child = ChildJvm.start(id, SoakWorker.class, jvm, args, db.server().asEnvironment(), log, line -> {
            if (line.startsWith("STARTED")) {
                try {
                    created.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                WorkerHandle h = handle.get();
                if (h != null) {
                    h.startedAt = Instant.now();
                }
            }
        });
        WorkerHandle w = new WorkerHandle(id, child);
        handle.set(w);
        created.countDown();
        workers.add(w);
        return w;
    }

    private void sigkill(PrintStream progress) throws Exception {
        List<WorkerHandle> candidates = live(true);
        if (candidates.isEmpty()) {
            return;
        }
        WorkerHandle victim = candidates.get(random.nextInt(candidates.size()));
        victim.expected = Expected.KILL;
        victim.jvm.process().destroyForcibly();
        if (!victim.jvm.process().waitFor(30, TimeUnit.SECONDS)) {
            failures.add("worker " + victim.workerId + " did not die within 30 s of SIGKILL");
            return;
        }
        handleExits(progress);
    }

    private void sigterm(PrintStream progress) {
        List<WorkerHandle> candidates = live(true);
        if (candidates.isEmpty()) {
            return;
        }
        WorkerHandle w = candidates.get(random.nextInt(candidates.size()));
        w.startedBeforeTerm = w.started();
        w.expected = Expected.TERM;
        note(progress, "SIGTERM " + w.workerId + " (graceful restart)");
        // SIGTERM on Linux. Through the ProcessHandle: Process.destroy() would also close our end of the
        // child's output pipe, losing what its shutdown hook prints. Its exit is handled by handleExits.
        w.jvm.process().toHandle().destroy();
    }

    private void handleExits(PrintStream progress) throws IOException {
        WorkerHandle next;
        while ((next = exits.poll()) != null) {
            WorkerHandle w = next;
            if (w.handled) {
                continue;
            }
            w.handled = true;
            int code = w.jvm.process().exitValue();
            switch (w.expected) {
                case KILL -> {
                    if (code == Behaviour.HALT_EXIT_CODE) {
                        // it halted itself (a HALT job) just before the SIGKILL landed: a death all the same
                        faults.halts++;
                        death(w, "HALT", progress);
                        startWorker();
                        continue;
                    }
                    if (code != ChildJvm.SIGKILL_EXIT) {
                        failures.add("SIGKILLed worker " + w.workerId + " exited with " + code + ", expected 137");
                    }
                    String state = workerState(w.workerId);
                    if ("STOPPING".equals(state) || "STOPPED".equals(state)) {
                        failures.add("SIGKILLed worker " + w.workerId + " is " + state + ": its shutdown hook ran, so it"
                                + " was not a SIGKILL");
                    }
                    faults.sigkills++;
                    death(w, "SIGKILL", progress);
                    startWorker();
                }
                case TERM, FINAL_TERM -> {
                    if (code == Behaviour.HALT_EXIT_CODE) {
                        faults.halts++;
                        death(w, "HALT", progress);
                    } else {
                        awaitQuietly(() -> w.jvm.printed("CLOSED"), Duration.ofSeconds(2));
                        String state = workerState(w.workerId);
                        if (code != ChildJvm.SIGTERM_EXIT) {
                            failures.add("worker " + w.workerId + " stopped with SIGTERM exited with " + code);
                        } else if (w.startedBeforeTerm && (!w.jvm.printed("CLOSED") || !"STOPPED".equals(state))) {
                            // (only started workers are checked: one still booting has no runtime to close)
                            failures.add("worker " + w.workerId + " stopped with SIGTERM exited with " + code + ", its"
                                    + " worker row is " + state + (w.jvm.printed("CLOSED") ? ""
                                    : ", and it did not report closing its runtime"));
                        }
                        if (w.expected == Expected.TERM) {
                            faults.sigterms++;
                            note(progress, "worker " + w.workerId + " closed gracefully (exit " + code + ")");
                        }
                    }
                    if (w.expected == Expected.TERM) {
                        startWorker();
                    }
                }
                default -> {
                    if (code == Behaviour.HALT_EXIT_CODE) {
                        faults.halts++;
                        death(w, "HALT", progress);
                    } else {
                        faults.unexpectedExits++;
                        failures.add("worker " + w.workerId + " died unexpectedly with exit " + code + "; last output: "
                                + tail(w.jvm.lines(), 10));
                        death(w, "CRASH", progress);
                    }
                    startWorker();
                }
            }
        }
    }

    /** Records a non-graceful death and the jobs it orphaned (PROCESSING under its id right now). */
    private void death(WorkerHandle w, String kind, PrintStream progress) {
        Instant at = w.exitedAt != null ? w.exitedAt : Instant.now();
        List<SoakChecks.Orphan> orphans = new ArrayList<>();
        String sql = "SELECT id, lease_token FROM " + db.quotedSchema() + ".extraction_queue WHERE status_id = 2"
                + " AND worker_id = ?";
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, w.workerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    orphans.add(new SoakChecks.Orphan(rs.getLong(1), (UUID) rs.getObject(2), w.workerId, kind, at));
                }
            }
        } catch (SQLException e) {
            failures.add("could not list the jobs orphaned by " + w.workerId + ": " + e.getMessage());
        }
        faults.orphans.addAll(orphans);
        note(progress, kind + " " + w.workerId + ": " + orphans.size() + " job(s) orphaned");
    }

    private void stopAll(PrintStream progress) throws Exception {
        List<WorkerHandle> alive = live(false);
        for (WorkerHandle w : alive) {
            w.startedBeforeTerm = w.started();
            w.expected = Expected.FINAL_TERM;
            w.jvm.process().toHandle().destroy();
        }
        for (WorkerHandle w : alive) {
            if (!w.jvm.process().waitFor(60, TimeUnit.SECONDS)) {
                failures.add("worker " + w.workerId + " did not stop within 60 s of SIGTERM; killing it");
                w.jvm.process().destroyForcibly();
                w.jvm.process().waitFor(30, TimeUnit.SECONDS);
            }
        }
        await(() -> exits.isEmpty() || alive.stream().allMatch(x -> x.exitedAt != null), Duration.ofSeconds(10),
                "exit notifications");
        handleExits(progress);
    }

    private List<WorkerHandle> live(boolean startedOnly) {
        List<WorkerHandle> out = new ArrayList<>();
        for (WorkerHandle w : workers) {
            if (w.alive() && w.expected == Expected.NONE && (!startedOnly || w.started())) {
                out.add(w);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    /** The worker's row status (RUNNING, STOPPED, ...), or null. */
    private String workerState(String workerId) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT status FROM " + db.quotedSchema() + ".worker_status WHERE worker_id = ?")) {
            ps.setString(1, workerId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private long open() {
        return db.queryLong("SELECT count(*) FROM %s.extraction_queue WHERE status_id IN (1, 2)");
    }

    private String progressLine() {
        Map<Integer, Long> counts = new ConcurrentHashMap<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT status_id, count(*) FROM " + db.quotedSchema() + ".extraction_queue GROUP BY status_id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getInt(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            return "(counts unavailable: " + e.getMessage() + ")";
        }
        return String.format("enqueued %d; pending %d, processing %d, completed %d, failed %d; workers alive %d;"
                + " load %s", enqueuedIds.size(), counts.getOrDefault(1, 0L), counts.getOrDefault(2, 0L),
                counts.getOrDefault(3, 0L), counts.getOrDefault(4, 0L), live(false).size(), Machine.loadAverages());
    }

    private long between(Duration min, Duration max) {
        return min.toNanos() + (long) (random.nextDouble() * (max.toNanos() - min.toNanos()));
    }

    private static long now() {
        return System.nanoTime();
    }

    private void note(PrintStream progress, String s) {
        String line = String.format("[soak %6.1fs] %s", (System.nanoTime() - t0) / 1e9, s);
        progress.println(line);
        progress.flush();
        try {
            Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            progress.println("[soak] (could not write the log: " + e.getMessage() + ")");
        }
    }

    private static List<String> tail(List<String> lines, int n) {
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    private static void await(java.util.function.BooleanSupplier c, Duration max, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + max.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static void awaitQuietly(java.util.function.BooleanSupplier c, Duration max) {
        try {
            long deadline = System.nanoTime() + max.toNanos();
            while (!c.getAsBoolean() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
