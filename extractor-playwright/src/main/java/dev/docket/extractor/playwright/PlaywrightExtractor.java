package dev.docket.extractor.playwright;

import dev.docket.extractor.playwright.internal.BlockingProxy;
import dev.docket.extractor.playwright.internal.BrowserLaunchException;
import dev.docket.extractor.playwright.internal.BrowserPool;
import dev.docket.extractor.playwright.internal.ChromiumDefaults;
import dev.docket.extractor.playwright.internal.ChromiumSandbox;
import dev.docket.extractor.playwright.internal.DriverInstaller;
import dev.docket.extractor.playwright.internal.FleetMemory;
import dev.docket.extractor.playwright.internal.MemoryReader;
import dev.docket.extractor.playwright.internal.ProcFs;
import dev.docket.extractor.playwright.internal.Reaping;
import dev.docket.extractor.playwright.internal.SystemMemory;
import dev.docket.extractor.playwright.internal.HostAllowList;
import dev.docket.extractor.playwright.internal.RemoteConnection;
import dev.docket.extractor.playwright.internal.SlotSession;
import dev.docket.extractor.playwright.internal.TempDirectories;
import dev.docket.queue.DocketException;
import dev.docket.queue.Document;
import dev.docket.queue.ExtractionContext;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.Extractor;
import dev.docket.queue.ExtractorHealth;
import dev.docket.queue.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link Extractor} that fetches documents with headless chromium driven by Playwright for Java, running
 * the {@link RegistryFlow} registered for each job's document source.
 *
 * <p>How it runs: the extractor launches and owns a few browsers (one per {@link PlaywrightConfig#slotsPerBrowser()}
 * slots), each a chromium launched by a Playwright browser server (one Node.js process, the driver's, however many
 * slots share the browser), supervises them (a crashed or unresponsive browser is killed by its own pid and
 * relaunched with back-off) and removes their profiles. Each slot has its own Playwright connection to its
 * browser's server (a loopback WebSocket: Playwright objects are not thread-safe, so slots never share one), and
 * reuses one browser session (context, cookies) for consecutive jobs until {@link PlaywrightConfig#sessionTimeout()}
 * has passed by the injected {@link Clock}, or at once after any error. The job's deadline bounds every
 * Playwright call; when the runtime cancels a job, the slot's connection is closed so a blocked call fails at
 * once (the server then closes the job's context), and if the job still does not return, its browser is killed
 * by its pid. The source's allow-list is enforced by chromium's network stack: each context gets a proxy that
 * blocks everything, bypassed for the allowed hosts.
 *
 * <p>Errors: a browser crash during a job is {@link ExtractionException.Kind#INFRASTRUCTURE}; a navigation to a
 * host outside the source's allow-list, a document over the size cap or of an unexpected type, a source with
 * no flow or no allowed hosts, and whatever the flow reports as not found are
 * {@link ExtractionException.Kind#PERMANENT}; timeouts and other failures are
 * {@link ExtractionException.Kind#TRANSIENT}. {@link #start()} throws {@link DocketException} saying what was
 * tried and how to fix it when chromium or the Playwright driver cannot start.
 *
 * <p>Threading: {@link #extract} may be called concurrently from any number of slots (calls for one slot do
 * not overlap, as the {@link Extractor} contract says); {@link #start()}, {@link #health()} and
 * {@link #close()} are thread-safe. {@code start()} after {@code close()} starts afresh. Threads:
 * {@code docket-playwright-supervisor}, {@code docket-playwright-cancel-N}, {@code docket-playwright-blocker} and
 * {@code docket-playwright-blocker-N} (the blocking proxy), stopped by {@code close()}. The slots' and health
 * checks' WebSocket connections to the browser servers are read by one {@link java.net.http.HttpClient} shared by
 * every extractor of the JVM: daemon threads {@code docket-playwright-ws-N} (idle ones end after a minute) and the
 * JDK's own selector thread ({@code HttpClient-N-SelectorManager}).
 *
 * <p>JVM-wide effect: Playwright reads its driver location once per JVM, so {@code start()} sets the system
 * property {@code playwright.cli.dir} to the driver directory ({@link PlaywrightConfig#driverDirectory()}) unless it (or
 * {@code PLAYWRIGHT_DRIVER_DIR}) is already set.
 */
public final class PlaywrightExtractor implements Extractor {
    private static final Logger log = LoggerFactory.getLogger(PlaywrightExtractor.class);
    private static final long EXECUTOR_STOP_SECONDS = 5;

    private final PlaywrightConfig config;
    private final Map<String, RegistryFlow> flows;
    private final RegistryFlow defaultFlow;
    private final Clock clock;
    private final MemoryReader memoryReader;
    /** Failure snapshots, shared by every slot (their policy and budget are per extractor). */
    private final dev.docket.extractor.playwright.internal.snapshot.Snapshotter snapshots;

    private final Object lifecycle = new Object();
    private volatile Running running;
    private volatile String lastStartError = "not started";

    private PlaywrightExtractor(Builder b) {
        this.config = b.config;
        this.flows = Map.copyOf(b.flows);
        this.defaultFlow = b.defaultFlow;
        this.clock = b.clock;
        this.memoryReader = b.memoryReader;
        this.snapshots = new dev.docket.extractor.playwright.internal.snapshot.Snapshotter(config.failureSnapshots(), b.clock);
    }

    /** A builder for an extractor with {@code config}. */
    public static Builder builder(PlaywrightConfig config) {
        return new Builder(config);
    }

    /** Everything one start() created; replaced as a whole on restart. */
    private static final class Running {
        final ScheduledExecutorService supervisor;
        final ScheduledExecutorService canceller;
        final BrowserPool pool;
        final BlockingProxy blocker;
        final FleetMemory memory;
        final Map<Integer, SlotSession> slots = new ConcurrentHashMap<>();
        final Set<SlotSession> retired = ConcurrentHashMap.newKeySet();

        Running(ScheduledExecutorService supervisor, ScheduledExecutorService canceller, BrowserPool pool,
                BlockingProxy blocker, FleetMemory memory) {
            this.supervisor = supervisor;
            this.canceller = canceller;
            this.pool = pool;
            this.blocker = blocker;
            this.memory = memory;
        }
    }

    /**
     * Installs the driver if needed, removes profiles left by dead processes, launches the first chromium and
     * connects to it. Idempotent while running.
     *
     * @throws DocketException saying what was tried and how to fix it
     */
    @Override
    public void start() {
        synchronized (lifecycle) {
            if (running != null) {
                return;
            }
            ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(threads("docket-playwright-supervisor", false));
            ScheduledThreadPoolExecutor canceller = new ScheduledThreadPoolExecutor(1, threads("docket-playwright-cancel-", true));
            canceller.setRemoveOnCancelPolicy(true);
            BrowserPool pool = null;
            BlockingProxy blocker = null;
            ChromiumDefaults.Resolved paths = ChromiumDefaults.resolve(config);
            Path executable = paths.executable();
            try {
                Path driverDir;
                try {
                    driverDir = DriverInstaller.ensureInstalled(paths.driverDirectory(), config.nodePath().orElse(null));
                } catch (IOException e) {
                    throw new DocketException("cannot start the Playwright driver: " + e.getMessage(), e);
                }
                if (executable == null && !ChromiumDefaults.skipBrowserDownload()) {
                    try {
                        DriverInstaller.installChromium(driverDir, config.nodePath().orElse(null));
                    } catch (IOException e) {
                        throw new DocketException(ChromiumDefaults.launchFailure(null, e.getMessage()), e);
                    }
                }
                TempDirectories.sweep(paths.tempDirectory());
                Reaping.checkAtStart(ProcFs.system());
                blocker = new BlockingProxy();
                FleetMemory memory = new FleetMemory(memoryReader, config.fleet(), config.slotsPerBrowser(),
                        ProcessHandle.current().pid());
                pool = new BrowserPool(DriverInstaller.node(driverDir, config.nodePath().orElse(null)), driverDir.resolve("package"),
                        executable, config.headless(), ChromiumSandbox.decideAndLog(config.sandbox(), executable),
                        config.extraArgs(), paths.tempDirectory(), config.launchTimeout(), supervisor, config.fleet(),
                        config.slotsPerBrowser(), memory);
                try {
                    pool.acquire(0);
                } catch (BrowserLaunchException e) {
                    throw new DocketException(ChromiumDefaults.launchFailure(executable, e.getMessage()), e);
                }
                try (RemoteConnection probe = RemoteConnection.open(pool.current(0).wsEndpoint(), config.launchTimeout(),
                        "docket-playwright-probe")) {
                    probe.browser().version();
                } catch (RuntimeException e) {
                    throw new DocketException("chromium started but Docket cannot connect to its browser server (driver in "
                            + driverDir + "): " + e.getMessage() + ". Check that the driver directory holds Playwright "
                            + DriverInstaller.bundledVersion().orElse("") + " and that Node.js 20+ is used", e);
                }
                FleetMemory.Snapshot first = pool.sampleMemory();
                running = new Running(supervisor, canceller, pool, blocker, memory);
                lastStartError = null;
                log.info("Playwright extractor started: {} ({} slots per browser, session timeout {}), driver in {}; {}",
                        executable != null ? executable : "Playwright's chromium", config.slotsPerBrowser(),
                        config.sessionTimeout(), driverDir, first == null ? "memory not sampled" : first.detail());
            } catch (RuntimeException | IOException e) {
                if (pool != null) {
                    pool.close();
                }
                if (blocker != null) {
                    blocker.close();
                }
                stop(supervisor);
                stop(canceller);
                lastStartError = e.getMessage();
                if (e instanceof DocketException) {
                    throw (DocketException) e;
                }
                if (e instanceof IOException) {
                    throw new DocketException("cannot start the Playwright extractor: the blocking proxy cannot listen on "
                            + "127.0.0.1: " + e, e);
                }
                throw new DocketException("cannot start the Playwright extractor (chromium " + executable + "): " + e, e);
            }
        }
    }

    /**
     * Runs the flow of {@code job.documentSource()} (or the default flow) on the slot's browser session.
     *
     * @throws ExtractionException classified as described on the class
     */
    @Override
    public Document extract(Job job, ExtractionContext context) throws ExtractionException {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(context, "context");
        Running r = running;
        if (r == null) {
            throw ExtractionException.infrastructure("the Playwright extractor is not started (" + lastStartError + ")", null);
        }
        RegistryFlow flow = flows.getOrDefault(job.documentSource(), defaultFlow);
        if (flow == null) {
            throw ExtractionException.permanent("job " + job.id() + ": no RegistryFlow for document source '"
                    + job.documentSource() + "' (known: " + flows.keySet() + ") and no default flow");
        }
        Set<String> hosts = config.allowedHosts(job.documentSource());
        if (hosts.isEmpty()) {
            throw ExtractionException.permanent("job " + job.id() + ": no allowed hosts for document source '"
                    + job.documentSource() + "'; configure PlaywrightConfig.Builder.allowHosts(\"" + job.documentSource()
                    + "\", ...)");
        }
        if (context.slot() < 0) {
            throw new IllegalArgumentException("slot must not be negative but was " + context.slot());
        }
        SlotSession slot = r.slots.compute(context.slot(), (s, old) -> {
            if (old != null && !old.inUse()) {
                return old;
            }
            if (old != null) {
                // the runtime gave up on a call that is still running here (blocked, or cleaning up after its
                // cancellation) and reuses the slot number
                if (old.isCleaningUpAfterCancel()) {
                    log.debug("slot {} is reused while its cancelled job cleans up; the slot gets a new browser session", s);
                } else {
                    log.warn("slot {} is reused while an abandoned job still runs in it; the slot gets a new browser session", s);
                }
                old.retire();
                r.retired.add(old);
            }
            return new SlotSession(s, config, r.pool, clock, r.canceller, r.blocker, snapshots);
        });
        return slot.run(job, context, flow, HostAllowList.of(hosts));
    }

    /**
     * Ready when started, the blocking proxy of the allow-lists runs (restarted here if it had stopped) and every
     * browser launched so far is running (checked by its process); holding (no new job, no restart) while the
     * memory in use is above {@link FleetConfig#memoryHighWater()} until it is below
     * {@link FleetConfig#memoryLowWater()}. Its detail, {@link ExtractorHealth#slots() slots} and
     * {@link ExtractorHealth#figures() figures} (sampled every few seconds) give the memory limit in force and where
     * it comes from, the memory in use, each browser's process tree, the memory per slot, the slots that fit, the
     * browsers recycled and the defunct child processes.
     */
    @Override
    public ExtractorHealth health() {
        Running r = running;
        if (r == null) {
            return ExtractorHealth.down("the Playwright extractor is not started (" + lastStartError + ")");
        }
        String problem = r.blocker.ensureRunning();
        if (problem == null) {
            problem = r.pool.problem();
        }
        if (problem != null) {
            return ExtractorHealth.down(problem);
        }
        FleetMemory.Snapshot m = r.memory.last();
        if (m == null) {
            return ExtractorHealth.healthy();
        }
        return m.holding() ? ExtractorHealth.holding(m.detail(), m.capacity(), m.figures())
                : ExtractorHealth.ready(m.detail(), m.capacity(), m.figures());
    }

    /**
     * Closes every slot's Playwright connection, stops the browsers, removes their profiles and stops the
     * extractor's threads. Idempotent; never throws.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            Running r = running;
            running = null;
            lastStartError = "closed";
            if (r == null) {
                return;
            }
            r.slots.values().forEach(SlotSession::closeFromOutside);
            r.retired.forEach(SlotSession::closeFromOutside);
            r.pool.close();
            r.blocker.close();
            stop(r.supervisor);
            stop(r.canceller);
            log.info("Playwright extractor closed");
        }
    }

    private static void stop(ScheduledExecutorService executor) {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(EXECUTOR_STOP_SECONDS, TimeUnit.SECONDS)) {
                log.warn("a Playwright extractor thread did not stop within {} s", EXECUTOR_STOP_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory threads(String name, boolean numbered) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, numbered ? name + n.incrementAndGet() : name);
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((thread, e) -> log.error("uncaught exception in {}", thread.getName(), e));
            return t;
        };
    }

    /** The configuration. */
    public PlaywrightConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "PlaywrightExtractor{flows=" + flows.keySet() + (defaultFlow != null ? " + default" : "") + ", "
                + (running != null ? "running" : "stopped") + "}";
    }

    /**
     * Builds a {@link PlaywrightExtractor}. Not thread-safe. At least one flow (per source or default) is
     * required.
     */
    public static final class Builder {
        private final PlaywrightConfig config;
        private final Map<String, RegistryFlow> flows = new LinkedHashMap<>();
        private RegistryFlow defaultFlow;
        private Clock clock = Clock.systemUTC();
        private MemoryReader memoryReader = SystemMemory.ofThisProcess();

        private Builder(PlaywrightConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Runs {@code flow} for jobs whose {@code documentSource} is {@code source}. */
        public Builder flow(String source, RegistryFlow flow) {
            if (source == null || source.isBlank()) {
                throw new IllegalArgumentException("flow: source must not be blank but was '" + source + "'");
            }
            flows.put(source, Objects.requireNonNull(flow, "flow"));
            return this;
        }

        /** Runs {@code flow} for sources without a flow of their own. */
        public Builder defaultFlow(RegistryFlow flow) {
            this.defaultFlow = Objects.requireNonNull(flow, "defaultFlow");
            return this;
        }

        /** The clock that measures session age against {@link PlaywrightConfig#sessionTimeout()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where memory figures are read (tests: a fake; default: this machine's cgroup and /proc). */
        Builder memoryReader(MemoryReader reader) {
            this.memoryReader = Objects.requireNonNull(reader, "memoryReader");
            return this;
        }

        /**
         * @throws IllegalArgumentException when no flow is registered
         */
        public PlaywrightExtractor build() {
            if (flows.isEmpty() && defaultFlow == null) {
                throw new IllegalArgumentException("flows must not be empty: register a flow(source, flow) or a defaultFlow(flow)");
            }
            return new PlaywrightExtractor(this);
        }
    }
}
