package dev.docket.extractor.playwright.internal;

import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.impl.driver.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Creates Playwright connections (one driver process each) with the extractor's environment, and knows the
 * pid of each connection's driver process so it can be killed by its own pid when it hangs. Thread-safe.
 */
public final class PlaywrightFactory {
    private static final Logger log = LoggerFactory.getLogger(PlaywrightFactory.class);
    private static final Object RELEASE_LOCK = new Object();
    private static final long INSTALL_TIMEOUT_MINUTES = 10;

    /**
     * The TMPDIR of this JVM's drivers: {@code <java.io.tmpdir>/docket-playwright-tmp-<pid>}, swept by later
     * processes when this one dies. Per JVM because Playwright captures the driver's environment once per JVM.
     */
    public static Path driverTempDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath()
                .resolve(TempDirectories.DRIVER_TMP_PREFIX + ProcessHandle.current().pid());
    }

    /** Factories of this JVM not yet released; the last release removes the driver temp directory. */
    private static final java.util.concurrent.atomic.AtomicInteger IN_USE = new java.util.concurrent.atomic.AtomicInteger();

    private final Map<String, String> env;
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param skipBrowserDownload true when an executable is configured (Playwright must not download one)
     * @param nodePath            Node.js for the driver, or null for the bundled one
     */
    public PlaywrightFactory(boolean skipBrowserDownload, Path nodePath) {
        Map<String, String> e = new HashMap<>();
        if (skipBrowserDownload) {
            e.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        }
        if (nodePath != null) {
            e.put(Driver.PLAYWRIGHT_NODEJS_PATH, nodePath.toString());
        }
        e.put("TMPDIR", driverTempDirectory().toString());
        this.env = Map.copyOf(e);
        IN_USE.incrementAndGet();
    }

    /**
     * Called once every connection of this factory is closed. The driver leaves its per-connection artifact
     * directories behind, so the last factory of the JVM removes the whole driver temp directory.
     */
    public void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        synchronized (RELEASE_LOCK) {
            if (IN_USE.decrementAndGet() == 0) {
                TempDirectories.deleteRecursively(driverTempDirectory());
            }
        }
    }

    /** A Playwright connection and the pid of its driver process (null when it could not be told apart). */
    public static final class Connection {
        public final Playwright playwright;
        public final Long driverPid;

        Connection(Playwright playwright, Long driverPid) {
            this.playwright = playwright;
            this.driverPid = driverPid;
        }

        /** Closes the connection; kills the driver by its pid if it does not exit. Never throws. */
        public void close() {
            try {
                playwright.close();
            } catch (RuntimeException e) {
                log.debug("closing a Playwright connection failed: {}", e.toString());
            }
            killDriver();
        }

        /** Kills the driver process by its own pid (its pending calls then fail at once). */
        public void killDriver() {
            if (driverPid != null) {
                ProcessHandle.of(driverPid).filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** Starts a driver process and connects to it. Thread-safe; creates may run concurrently. */
    public Connection create() {
        Path tmp = driverTempDirectory();
        try {
            TempDirectories.driverTempDirectoryAt(tmp);
        } catch (IOException e) {
            throw new com.microsoft.playwright.PlaywrightException("cannot create the driver's temp directory " + tmp, e);
        }
        long t0 = System.nanoTime();
        Playwright pw = Playwright.create(new Playwright.CreateOptions().setEnv(env));
        Long pid = driverPid(pw);
        log.debug("Playwright connection created in {} ms (driver pid {})", (System.nanoTime() - t0) / 1_000_000, pid);
        return new Connection(pw, pid);
    }

    /**
     * The pid of the connection's driver process, read from Playwright's implementation (the process is not
     * exposed by its API); null when that is not possible, and then only the kill-by-pid fallback is lost.
     */
    private static Long driverPid(Playwright pw) {
        try {
            java.lang.reflect.Field f = pw.getClass().getDeclaredField("driverProcess");
            f.setAccessible(true);
            Object p = f.get(pw);
            return p instanceof Process ? ((Process) p).pid() : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("cannot read the Playwright driver's pid: {}", e.toString());
            return null;
        }
    }

    /**
     * The path of Playwright's own chromium, installing it first (a download) unless
     * {@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD} is set.
     */
    public Path playwrightChromium() throws IOException {
        String skip = System.getenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD");
        if (skip == null || skip.equals("0") || skip.equals("false")) {
            installChromium();
        }
        Connection c = create();
        try {
            return Path.of(c.playwright.chromium().executablePath());
        } finally {
            c.close();
        }
    }

    private void installChromium() throws IOException {
        ProcessBuilder pb = Driver.ensureDriverInstalled(env, false).createProcessBuilder();
        pb.command().add("install");
        pb.command().add("chromium");
        pb.redirectErrorStream(true);
        log.info("installing Playwright's chromium (no executablePath configured and {} is missing)", "/usr/bin/chromium");
        Process p = pb.start();
        try (InputStream in = p.getInputStream()) {
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("installing Playwright's chromium took longer than " + INSTALL_TIMEOUT_MINUTES + " minutes");
            }
            if (p.exitValue() != 0) {
                throw new IOException("installing Playwright's chromium failed with exit code " + p.exitValue() + ": " + out.trim());
            }
            log.debug("playwright install chromium: {}", out.trim());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while installing Playwright's chromium", e);
        }
    }

}
