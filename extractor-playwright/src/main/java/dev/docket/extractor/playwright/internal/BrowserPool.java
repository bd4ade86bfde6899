package dev.docket.extractor.playwright.internal;

import dev.docket.extractor.playwright.FleetConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The browsers (chromium and its browser server) of one extractor, by index (slot {@code s} uses browser {@code s / slotsPerBrowser}).
 * Launches a browser on first use, supervises it (its process, and a real DevTools call, {@link BrowserProcess#answers}),
 * relaunches it with back-off when it dies, and kills it by its own pid when it stops answering.
 *
 * <p>Recycling ({@link FleetConfig}): a browser is retired after {@code browserMaxJobs} jobs or when its process
 * tree passes {@code browserMaxMemory}: the next job asks the supervisor to launch a fresh browser for its index
 * (the old one goes on serving jobs meanwhile, so no job waits for the launch), which then takes every new job;
 * the jobs still running on the old one finish on it, and the old one is closed when the last of them returns
 * ({@link #release}). If the fresh browser cannot be launched, the old one stays in service (retried after
 * {@link #BACKOFF_MAX}). A browser idle for
 * {@code browserIdleTimeout} is stopped and relaunched by the next job. Every {@link #MEMORY_INTERVAL} the
 * {@link FleetMemory} samples the browsers' memory.
 *
 * <p>Thread-safe. Supervision runs on the extractor's {@code docket-playwright-supervisor} thread.
 */
public final class BrowserPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrowserPool.class);
    /** How often each browser is checked. */
    public static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);
    /** Time a DevTools ping may take. */
    static final Duration PING_TIMEOUT = Duration.ofSeconds(3);
    /** Consecutive unanswered pings after which a live browser is killed. */
    static final int MAX_MISSED_PINGS = 3;
    static final Duration BACKOFF_BASE = Duration.ofMillis(250);
    static final Duration BACKOFF_MAX = Duration.ofSeconds(30);
    /** How often the fleet's memory is sampled. */
    public static final Duration MEMORY_INTERVAL = Duration.ofSeconds(5);

    private final BrowserLauncher launcher;
    private final ScheduledExecutorService supervisor;
    private final Map<Integer, BrowserHandle> handles = new ConcurrentHashMap<>();
    private final FleetConfig fleet;
    private final long browserMaxMemory;
    private final FleetMemory memory;
    /** Retired browsers whose last jobs still run. */
    private final Set<BrowserProcess> retiring = ConcurrentHashMap.newKeySet();
    private final AtomicLong recycled = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param node       Node.js for the browser servers
     * @param packageDir the driver's {@code package} directory
     * @param executable chromium, or null for Playwright's own
     * @param sandbox    whether chromium runs with its sandbox (decided once per extractor start)
     */
    public BrowserPool(Path node, Path packageDir, Path executable, boolean headless, ChromiumSandbox sandbox,
                       List<String> extraArgs, Path tempRoot, Duration launchTimeout, ScheduledExecutorService supervisor,
                       FleetConfig fleet, int slotsPerBrowser, FleetMemory memory) {
        this.launcher = new BrowserLauncher(node, packageDir, executable, headless, sandbox, extraArgs, tempRoot,
                launchTimeout);
        this.supervisor = supervisor;
        this.fleet = fleet;
        this.browserMaxMemory = fleet.browserMaxMemoryBytes(slotsPerBrowser);
        this.memory = memory;
        supervisor.scheduleWithFixedDelay(this::superviseSafely, CHECK_INTERVAL.toMillis(), CHECK_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        supervisor.scheduleWithFixedDelay(this::sampleMemory, MEMORY_INTERVAL.toMillis(), MEMORY_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The configured chromium, or null for Playwright's own. */
    public Path executable() {
        return launcher.executable();
    }

    /**
     * The running browser for {@code index}, launching it (now, on the calling thread) when it is not running
     * and its back-off allows.
     *
     * @throws BrowserLaunchException when it cannot be launched (now, or during the back-off after a failure)
     */
    public BrowserProcess acquire(int index) throws BrowserLaunchException {
        if (closed) {
            throw new BrowserLaunchException("the extractor is closed");
        }
        BrowserHandle h = handles.computeIfAbsent(index, BrowserHandle::new);
        synchronized (h) {
            h.idle = false;
            if (h.current != null && h.current.isAlive()) {
                return h.current;
            }
            return h.relaunch(launcher, true, this::onBrowserExit);
        }
    }

    /**
     * The browser for a job on {@code slot} of browser {@code index}, counted as in use until {@link #release}:
     * like {@link #acquire}, but first retires the current browser when it is due (jobs or memory) and a fresh one
     * can be launched.
     *
     * @throws BrowserLaunchException when no browser can be launched
     */
    public BrowserProcess lease(int index, int slot) throws BrowserLaunchException {
        if (closed) {
            throw new BrowserLaunchException("the extractor is closed");
        }
        BrowserHandle h = handles.computeIfAbsent(index, BrowserHandle::new);
        synchronized (h) {
            h.idle = false;
            BrowserProcess p = h.current;
            if (p != null && p.isAlive()) {
                String why = retirementDue(p);
                if (why != null) {
                    replaceLater(h, p, why);
                }
            } else {
                p = h.relaunch(launcher, true, this::onBrowserExit);
            }
            p.usage.start(slot);
            return p;
        }
    }

    /** A job that {@link #lease leased} {@code p} ended; a retired browser is closed after its last job. */
    public void release(BrowserProcess p) {
        if (p.usage.end() <= 0 && p.usage.retired() != null) {
            closeRetiredLater(p);
        }
    }

    private String retirementDue(BrowserProcess p) {
        int max = fleet.browserMaxJobs();
        if (max > 0 && p.usage.started() >= max) {
            return "it ran " + p.usage.started() + " jobs (browserMaxJobs " + max + ")";
        }
        return p.usage.retirementWanted();
    }

    /**
     * Called with the monitor held: has the supervisor launch a fresh browser for {@code h} (off the jobs' threads:
     * {@code old} keeps serving meanwhile), then swap it in and retire {@code old}.
     */
    private void replaceLater(BrowserHandle h, BrowserProcess old, String why) {
        if (h.replacing || System.nanoTime() - h.replaceNotBefore < 0) {
            return;
        }
        h.replacing = true;
        try {
            supervisor.execute(() -> replace(h, old, why));
        } catch (RejectedExecutionException e) {
            h.replacing = false; // closing
        }
    }

    private void replace(BrowserHandle h, BrowserProcess old, String why) {
        BrowserProcess fresh;
        try {
            fresh = closed ? null : launcher.launch(h.index);
        } catch (BrowserLaunchException e) {
            log.warn("{} is due for retirement ({}) but no fresh browser could be launched; it stays in service, next try"
                    + " in {}: {}", old, why, BACKOFF_MAX, e.getMessage());
            synchronized (h) {
                h.replacing = false;
                h.replaceNotBefore = System.nanoTime() + BACKOFF_MAX.toNanos();
            }
            return;
        }
        if (fresh == null) {
            return;
        }
        synchronized (h) {
            h.replacing = false;
            if (closed || (h.current != old && h.current != null && h.current.isAlive())) {
                fresh.close(); // closed meanwhile, or old was already replaced (it died and was relaunched)
                return;
            }
            h.install(fresh, System.nanoTime(), this::onBrowserExit);
            h.idle = false;
        }
        if (old.isAlive()) {
            log.info("retiring {}: {}; its {} running job(s) finish on it, new jobs go to {}", old, why,
                    old.usage.active(), fresh);
        }
        old.usage.retire(why);
        retiring.add(old);
        if (old.usage.active() == 0) {
            closeRetired(old);
        }
    }

    private void closeRetiredLater(BrowserProcess p) {
        try {
            supervisor.execute(() -> closeRetired(p));
        } catch (RejectedExecutionException e) {
            closeRetired(p);
        }
    }

    private void closeRetired(BrowserProcess p) {
        if (retiring.remove(p)) {
            log.debug("closing retired {} ({})", p, p.usage.retired());
            p.close();
            recycled.incrementAndGet();
        }
    }

    /** Browsers retired so far (closed after their last job). */
    public long recycledCount() {
        return recycled.get();
    }

    private void onBrowserExit(BrowserProcess p) {
        if (closed || p.usage.retired() != null) {
            return;
        }
        int index = p.index();
        BrowserHandle h = handles.get(index);
        if (h != null && h.current != p) {
            return; // stopped while idle or replaced
        }
        log.warn("{} exited with code {}; it will be relaunched", p, p.exitCode());
        try {
            supervisor.execute(() -> superviseOne(index));
        } catch (RejectedExecutionException e) {
            log.debug("supervisor stopped; {} is not relaunched", p);
        }
    }

    private void superviseSafely() {
        for (Integer index : new ArrayList<>(handles.keySet())) {
            superviseOne(index);
        }
    }

    private void superviseOne(int index) {
        if (closed) {
            return;
        }
        BrowserHandle h = handles.get(index);
        if (h == null) {
            return;
        }
        try {
            BrowserProcess p;
            synchronized (h) {
                p = h.current;
                if (h.idle) {
                    return;
                }
                if (p == null || !p.isAlive()) {
                    h.relaunch(launcher, false, this::onBrowserExit);
                    return;
                }
                if (stopIfIdle(h, p)) {
                    return;
                }
            }
            // the ping is a real call, made without holding the monitor
            if (p.answers(PING_TIMEOUT)) {
                synchronized (h) {
                    h.missedPings = 0;
                }
                return;
            }
            boolean kill;
            synchronized (h) {
                kill = h.current == p && ++h.missedPings >= MAX_MISSED_PINGS;
            }
            if (kill) {
                log.warn("{} did not answer {} health checks in a row; killing it by its process id", p, MAX_MISSED_PINGS);
                p.kill();
            }
        } catch (BrowserLaunchException e) {
            // logged in relaunch; retried at the next check
        } catch (RuntimeException e) {
            log.error("supervising chromium #{} failed", index, e);
        }
    }

    /** Called with the monitor held: stops {@code p} when it had no job for {@code browserIdleTimeout}. */
    private boolean stopIfIdle(BrowserHandle h, BrowserProcess p) {
        Duration idle = fleet.browserIdleTimeout();
        if (idle.isZero() || p.usage.idleNanos() < idle.toNanos()) {
            return false;
        }
        h.current = null;
        h.idle = true;
        h.lastError = "stopped after " + idle + " without a job";
        log.info("stopping {}: no job for {}; the next job launches a fresh one", p, idle);
        p.usage.retire("idle");
        retiring.add(p);
        closeRetiredLater(p);
        return true;
    }

    /** Samples the fleet's memory and asks for the retirement of browsers above {@code browserMaxMemory}. */
    public FleetMemory.Snapshot sampleMemory() {
        try {
            List<FleetMemory.Browser> browsers = new ArrayList<>();
            List<BrowserProcess> all = new ArrayList<>();
            for (BrowserHandle h : handles.values()) {
                BrowserProcess p = current(h.index);
                if (p != null) {
                    all.add(p);
                }
            }
            all.addAll(retiring);
            for (BrowserProcess p : all) {
                browsers.add(new FleetMemory.Browser(p.index(), p.serverPid(), p.usage.slotsSeen(), p.usage.retired() != null));
            }
            FleetMemory.Snapshot s = memory.sample(browsers, recycled.get());
            if (browserMaxMemory > 0) {
                for (BrowserProcess p : all) {
                    Long pss = s.browserPss().get(p.serverPid());
                    if (pss != null && pss > browserMaxMemory && p.usage.retired() == null) {
                        p.usage.wantRetirement("its process tree uses " + FleetMemory.mib(pss) + " (browserMaxMemory "
                                + FleetMemory.mib(browserMaxMemory) + ")");
                    }
                }
            }
            return s;
        } catch (RuntimeException e) {
            log.error("sampling the browsers' memory failed", e);
            return memory.last();
        }
    }

    /** Kills {@code p} by its own pid, e.g. when it did not release a cancelled job; it is then relaunched. */
    public void kill(BrowserProcess p, String why) {
        log.warn("killing {} by its process id: {}", p, why);
        p.kill();
    }

    /**
     * Null when every browser launched so far is running; else what is wrong. A browser is checked by its
     * process, not by a CDP connection's {@code isConnected()}, which stays true for seconds after a crash.
     */
    public String problem() {
        if (closed) {
            return "the extractor is closed";
        }
        StringBuilder sb = new StringBuilder();
        for (BrowserHandle h : handles.values()) {
            String problem;
            synchronized (h) {
                problem = h.problem();
            }
            if (problem != null) {
                if (sb.length() > 0) {
                    sb.append("; ");
                }
                sb.append(problem);
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** The running browser of {@code index}, or null (for tests and diagnostics). */
    public BrowserProcess current(int index) {
        BrowserHandle h = handles.get(index);
        if (h == null) {
            return null;
        }
        synchronized (h) {
            return h.current;
        }
    }

    /** Stops every browser and removes its profile. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (BrowserHandle h : handles.values()) {
            BrowserProcess p;
            synchronized (h) {
                p = h.current;
                h.current = null;
                h.lastError = "the extractor is closed";
            }
            if (p != null) {
                p.close();
            }
        }
        for (BrowserProcess p : retiring) {
            retiring.remove(p);
            p.close();
        }
    }
}
