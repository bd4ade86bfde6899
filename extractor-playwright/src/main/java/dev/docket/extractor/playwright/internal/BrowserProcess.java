package dev.docket.extractor.playwright.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.playwright.CDPSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One chromium and the Node.js browser server that launched it (Playwright's {@code launchServer}, run by
 * {@code browser-server.js} with the driver's Node.js): the server owns chromium over a pipe and serves every slot
 * of this browser on its own WebSocket ({@link RemoteConnection}), so one browser costs one Node.js process however
 * many slots share it.
 *
 * <p>Lifelines: the server's stdin is a pipe from this JVM that is never written to; when this JVM dies, even by
 * SIGKILL, it ends, and the server closes chromium (removing its profile) and exits. Chromium exits by itself
 * when the server dies (its pipe closes), and the server exits when chromium dies. Chromium listens on no port:
 * Playwright drives it over a pipe, and the health check ({@link #answers}) is a DevTools call made through the
 * browser server's WebSocket (whose path is an unguessable token), so no other local process can reach chromium's
 * DevTools. WebRTC may not send UDP (it could reach any host and port around the blocking proxy). Processes are
 * only ever killed through their own pids, never by name. Everything lives in one directory under the
 * extractor's temp directory (Node's {@code TMPDIR}), removed by {@link #close()}, or swept by a later start when
 * this JVM died.
 *
 * <p>Thread-safe.
 */
public final class BrowserProcess {
    private static final Logger log = LoggerFactory.getLogger(BrowserProcess.class);
    private static final String SCRIPT = "browser-server.js";
    private static final String LOG_FILE = "browser-server.log";
    private static final String ENDPOINT_FILE = "endpoint.json";
    private static final String OPTIONS_FILE = "options.json";
    private static final int LOG_TAIL_BYTES = 2000;
    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration GRACEFUL_EXIT = Duration.ofSeconds(3);

    /**
     * Arguments every browser gets besides Playwright's own: harmless extras; WebRTC without UDP that does not go
     * through the proxy (so none at all: the context's proxy is the blocking proxy or a bypassed allowed host; TCP
     * relays go through the proxy), as {@code --force-webrtc-ip-handling-policy} is ignored by chromium 156; no
     * WebUI omnibox popup (headless chromium would otherwise start one more renderer, ~90 MiB, per context), no spare
     * renderer (with several contexts in one browser, chromium kept forking a spare for one context and throwing
     * it away for another: ~10 % of the CPU of a job), and V8 favouring memory over speed (a session's renderer
     * otherwise keeps ~50 MiB of garbage from earlier jobs' pages). {@code browser-server.js} merges
     * {@code --disable-features} switches with Playwright's; a later {@code --js-flags} in {@code extraArgs}
     * replaces this one.
     */
    static final List<String> BASE_ARGS = List.of("--disable-gpu", "--disable-quic",
            "--webrtc-ip-handling-policy=disable_non_proxied_udp",
            "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,SpareRendererForSitePerProcess",
            "--js-flags=--optimize-for-size");

    private final int index;
    private final Process server;
    private final ProcessHandle chromium;
    private final Path directory;
    private final String wsEndpoint;
    /** The health check's own connection and DevTools session (guarded by {@code this}). */
    private volatile RemoteConnection health;
    private CDPSession healthSession;
    private volatile boolean closing;
    /** Jobs and slots on this browser, for its recycling ({@link BrowserPool}). */
    final BrowserUsage usage = new BrowserUsage();

    private BrowserProcess(int index, Process server, ProcessHandle chromium, Path directory, String wsEndpoint) {
        this.index = index;
        this.server = server;
        this.chromium = chromium;
        this.directory = directory;
        this.wsEndpoint = wsEndpoint;
    }

    /**
     * Launches a browser server and its chromium and waits until it accepts connections.
     *
     * @param node        Node.js 20+ (the driver's own, or {@code PlaywrightConfig.nodePath})
     * @param packageDir  the driver's {@code package} directory (playwright-core)
     * @param executable  chromium, or null for Playwright's own chromium
     * @param sandbox     whether chromium runs with its sandbox ({@link ChromiumSandbox})
     * @throws BrowserLaunchException saying what was tried and what went wrong; nothing is left behind
     */
    public static BrowserProcess launch(int index, Path node, Path packageDir, Path executable, boolean headless,
                                        boolean sandbox, List<String> extraArgs, Path tempRoot, Duration timeout)
            throws BrowserLaunchException {
        if (executable != null) {
            if (!Files.exists(executable)) {
                throw new BrowserLaunchException("executable doesn't exist at " + executable);
            }
            if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
                throw new BrowserLaunchException(executable + " is not an executable file");
            }
        }
        Path dir;
        try {
            dir = TempDirectories.createBrowserDirectory(tempRoot);
        } catch (IOException e) {
            throw new BrowserLaunchException("cannot create a browser directory under " + tempRoot + ": " + e, e);
        }
        Process process = null;
        long t0 = System.nanoTime();
        String what = executable != null ? executable.toString() : "Playwright's chromium";
        try {
            Path script = dir.resolve(SCRIPT);
            try (InputStream in = BrowserProcess.class.getResourceAsStream(SCRIPT)) {
                if (in == null) {
                    throw new BrowserLaunchException(SCRIPT + " is missing from the extractor's jar");
                }
                Files.copy(in, script);
            }
            Files.writeString(dir.resolve(OPTIONS_FILE), options(executable, headless, sandbox, extraArgs, timeout), StandardCharsets.UTF_8);
            Path endpoint = dir.resolve(ENDPOINT_FILE);
            ProcessBuilder pb = new ProcessBuilder(node.toString(), script.toString(), packageDir.toString(),
                    dir.resolve(OPTIONS_FILE).toString(), endpoint.toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve(LOG_FILE).toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            String jvmTmp = pb.environment().get("TMPDIR");
            if (jvmTmp != null) {
                pb.environment().put("DOCKET_BROWSER_TMPDIR", jvmTmp);
            }
            pb.environment().put("TMPDIR", dir.toString());
            if (executable != null) {
                pb.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
            }
            process = pb.start();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                if (Files.exists(endpoint)) {
                    JsonObject json = JsonParser.parseString(Files.readString(endpoint, StandardCharsets.UTF_8)).getAsJsonObject();
                    String ws = json.get("wsEndpoint").getAsString();
                    long pid = json.get("pid").getAsLong();
                    ProcessHandle chromium = ProcessHandle.of(pid).orElseThrow(() ->
                            new BrowserLaunchException(what + " exited right after it started; its output: " + tail(dir.resolve(LOG_FILE))));
                    TempDirectories.recordBrowserPid(dir, pid);
                    log.info("chromium #{} started (pid {}, browser server pid {}) in {} ms", index, pid, process.pid(),
                            (System.nanoTime() - t0) / 1_000_000);
                    return new BrowserProcess(index, process, chromium, dir, ws);
                }
                if (!process.isAlive()) {
                    String output = tail(dir.resolve(LOG_FILE));
                    throw new BrowserLaunchException(what + " could not be launched (browser server exited with code "
                            + process.exitValue() + "); its output: " + output
                            + (sandbox && ChromiumSandbox.isSandboxFailure(output) ? ". Chromium's sandbox cannot run here "
                            + "(as root, or without user namespaces): set " + ChromiumSandbox.HOW_TO_TURN_OFF : ""));
                }
                if (System.nanoTime() > deadline) {
                    throw new BrowserLaunchException(what + " did not start within " + timeout + "; its output: "
                            + tail(dir.resolve(LOG_FILE)));
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (BrowserLaunchException e) {
            destroy(process, dir);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroy(process, dir);
            throw new BrowserLaunchException("interrupted while starting " + what, e);
        } catch (IOException | RuntimeException e) {
            destroy(process, dir);
            throw new BrowserLaunchException("cannot start " + what + " with " + node + ": " + e, e);
        }
    }

    /** The launchServer options: loopback only, no signal handlers (the lifeline and the JVM decide). */
    static String options(Path executable, boolean headless, boolean sandbox, List<String> extraArgs, Duration timeout) {
        JsonObject o = new JsonObject();
        if (executable != null) {
            o.addProperty("executablePath", executable.toString());
        }
        o.addProperty("headless", headless);
        o.addProperty("chromiumSandbox", sandbox); // false: Playwright adds --no-sandbox
        JsonArray args = new JsonArray();
        BASE_ARGS.forEach(args::add);
        extraArgs.forEach(args::add);
        o.add("args", args);
        o.addProperty("host", "127.0.0.1");
        o.addProperty("port", 0);
        o.addProperty("timeout", timeout.toMillis());
        o.addProperty("handleSIGINT", false);
        o.addProperty("handleSIGTERM", false);
        o.addProperty("handleSIGHUP", false);
        return o.toString();
    }

    private static void destroy(Process process, Path dir) {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        TempDirectories.deleteRecursively(dir);
    }

    private static String tail(Path logFile) {
        try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(0, len - LOG_TAIL_BYTES);
            byte[] buf = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(buf);
            String s = new String(buf, StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? "(none)" : (from > 0 ? "..." : "") + s;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    public int index() {
        return index;
    }

    /** The browser server's pid: the root of this browser's process tree (server, chromium, helpers). */
    public long serverPid() {
        return server.pid();
    }

    /** Chromium's pid. */
    public long pid() {
        return chromium.pid();
    }

    /** The browser server's WebSocket endpoint, for {@link RemoteConnection#open}. */
    public String wsEndpoint() {
        return wsEndpoint;
    }

    public Path directory() {
        return directory;
    }

    /** The process check: true while chromium and its server run (unlike {@code Browser.isConnected()}, which lags). */
    public boolean isAlive() {
        return chromium.isAlive() && server.isAlive();
    }

    /** The browser server's exit code (3: chromium exited), or -1 while it runs. */
    public int exitCode() {
        return server.isAlive() ? (chromium.isAlive() ? -1 : 3) : server.exitValue();
    }

    /** Completes when chromium or its server has exited. */
    public CompletableFuture<?> onExit() {
        return CompletableFuture.anyOf(server.onExit(), chromium.onExit());
    }

    /**
     * A real call to chromium, bounded by {@code timeout}: {@code Browser.getVersion} over a DevTools session of
     * this browser's own health connection to the browser server (opened on first use, reopened after a failure).
     */
    public synchronized boolean answers(Duration timeout) {
        if (!isAlive() || closing) {
            return false;
        }
        try {
            if (health == null || !health.isOpen()) {
                healthSession = null;
                health = RemoteConnection.open(wsEndpoint, timeout, "docket-playwright-health-" + index);
            }
            RemoteConnection c = health;
            return c.within(timeout, () -> {
                if (healthSession == null) {
                    healthSession = c.browser().newBrowserCDPSession();
                }
                return healthSession.send("Browser.getVersion").has("product");
            });
        } catch (RuntimeException e) {
            log.debug("chromium #{} (pid {}) did not answer its health check: {}", index, pid(), e.toString());
            closeHealthConnection();
            return false;
        }
    }

    private synchronized void closeHealthConnection() {
        healthSession = null;
        if (health != null) {
            health.close();
            health = null;
        }
    }

    /** Kills chromium and its server by their own pids (SIGKILL) at once. */
    public void kill() {
        chromium.destroyForcibly();
        server.destroyForcibly();
        abortHealthConnection();
    }

    /** Closes the health connection without waiting for a health check in progress (which then fails at once). */
    private void abortHealthConnection() {
        closing = true;
        RemoteConnection c = health;
        if (c != null) {
            c.close();
        }
    }

    /**
     * Stops chromium (closes the lifeline, so the server closes it; then SIGTERM, then SIGKILL, each with a short
     * grace period) and removes the browser's directory. Idempotent; never throws.
     */
    public void close() {
        List<ProcessHandle> helpers = chromium.descendants().collect(Collectors.toList());
        abortHealthConnection();
        try {
            if (server.isAlive()) {
                try (OutputStream lifeline = server.getOutputStream()) {
                    lifeline.flush();
                } catch (IOException e) {
                    log.debug("closing the lifeline of chromium #{} failed", index, e);
                }
                if (!server.waitFor(GRACEFUL_EXIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    server.destroy();
                    if (!server.waitFor(GRACEFUL_EXIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        server.destroyForcibly();
                        server.waitFor(5, TimeUnit.SECONDS);
                    }
                }
            }
            if (chromium.isAlive() && !chromium.onExit().completeOnTimeout(null, GRACEFUL_EXIT.toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(p -> p != null).join()) {
                chromium.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.destroyForcibly();
            chromium.destroyForcibly();
        }
        // chromium's helpers (renderers, zygotes) exit with it; make sure, so that the profile is free
        for (ProcessHandle helper : helpers) {
            if (helper.isAlive() && helper.info().commandLine().map(c -> c.contains(directory.toString())).orElse(false)) {
                helper.destroyForcibly();
            }
        }
        TempDirectories.deleteRecursively(directory);
    }

    @Override
    public String toString() {
        return "chromium #" + index + " (pid " + chromium.pid() + ")";
    }
}
