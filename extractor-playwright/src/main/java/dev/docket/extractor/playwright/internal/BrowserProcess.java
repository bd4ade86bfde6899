package dev.docket.extractor.playwright.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One chromium process launched and owned by the extractor, reachable over CDP at {@link #wsEndpoint()}.
 *
 * <p>Chromium is started with {@code --remote-debugging-port=0} (its DevTools port is read from the
 * {@code DevToolsActivePort} file in its profile) and, where {@code /bin/sh} exists, also with
 * {@code --remote-debugging-pipe} on a pipe from this JVM that is never written to: the <em>lifeline</em>.
 * When this JVM dies, even by SIGKILL, the pipe closes and chromium exits by itself instead of lingering
 * as an orphan. The process is only ever killed through its own {@link Process} handle (its pid), never by name.
 *
 * <p>Thread-safe.
 */
public final class BrowserProcess {
    private static final Logger log = LoggerFactory.getLogger(BrowserProcess.class);
    private static final Path SHELL = Path.of("/bin/sh");
    private static final String LOG_FILE = "chromium.log";
    private static final int LOG_TAIL_BYTES = 2000;
    private static final Duration POLL = Duration.ofMillis(25);
    private static final Duration GRACEFUL_EXIT = Duration.ofSeconds(2);

    /** Arguments every browser gets (those Playwright itself passes to chromium, plus a few harmless extras). */
    static final List<String> BASE_ARGS = List.of(
            "--no-sandbox",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--disable-quic",
            "--disable-extensions",
            "--disable-default-apps",
            "--disable-breakpad",
            "--disable-client-side-phishing-detection",
            "--disable-background-timer-throttling",
            "--disable-backgrounding-occluded-windows",
            "--disable-renderer-backgrounding",
            "--disable-hang-monitor",
            "--disable-popup-blocking",
            "--disable-prompt-on-repost",
            "--metrics-recording-only",
            "--password-store=basic",
            "--use-mock-keychain",
            "--mute-audio",
            "--hide-scrollbars");

    private final int index;
    private final Process process;
    private final Path directory;
    private final String wsEndpoint;
    private final int port;

    private BrowserProcess(int index, Process process, Path directory, String wsEndpoint, int port) {
        this.index = index;
        this.process = process;
        this.directory = directory;
        this.wsEndpoint = wsEndpoint;
        this.port = port;
    }

    /**
     * Launches chromium and waits until its DevTools endpoint is up.
     *
     * @throws BrowserLaunchException saying what was tried and what went wrong; nothing is left behind
     */
    public static BrowserProcess launch(int index, Path executable, boolean headless, List<String> extraArgs,
                                        Path tempRoot, Duration timeout) throws BrowserLaunchException {
        if (!Files.exists(executable)) {
            throw new BrowserLaunchException("executable doesn't exist at " + executable);
        }
        if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
            throw new BrowserLaunchException(executable + " is not an executable file");
        }
        Path dir;
        try {
            dir = TempDirectories.createBrowserDirectory(tempRoot);
        } catch (IOException e) {
            throw new BrowserLaunchException("cannot create a browser profile directory under " + tempRoot + ": " + e, e);
        }
        Path profile = dir.resolve("profile");
        boolean lifeline = Files.isExecutable(SHELL);
        List<String> command = new ArrayList<>();
        if (lifeline) {
            // exec keeps the pid; fd 3 (chromium's pipe input) is our stdin, which closes when this JVM dies
            command.add(SHELL.toString());
            command.add("-c");
            command.add("exec \"$0\" \"$@\" 3<&0 4>/dev/null");
        }
        command.add(executable.toString());
        if (headless) {
            command.add("--headless");
        }
        command.addAll(BASE_ARGS);
        command.add("--remote-debugging-port=0");
        if (lifeline) {
            command.add("--remote-debugging-pipe");
        }
        command.add("--user-data-dir=" + profile);
        command.addAll(extraArgs);
        command.add("about:blank");

        Process process = null;
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(profile);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve(LOG_FILE).toFile());
            if (!lifeline) {
                pb.redirectInput(ProcessBuilder.Redirect.PIPE);
            }
            process = pb.start();
            TempDirectories.recordBrowserPid(dir, process.pid());
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                if (Files.exists(portFile)) {
                    List<String> lines = Files.readAllLines(portFile, StandardCharsets.US_ASCII);
                    if (lines.size() >= 2 && !lines.get(0).isBlank() && lines.get(1).startsWith("/devtools/browser/")) {
                        int port = Integer.parseInt(lines.get(0).trim());
                        String ws = "ws://127.0.0.1:" + port + lines.get(1).trim();
                        log.info("chromium #{} started (pid {}, DevTools port {}) in {} ms", index, process.pid(), port,
                                (System.nanoTime() - t0) / 1_000_000);
                        return new BrowserProcess(index, process, dir, ws, port);
                    }
                }
                if (!process.isAlive()) {
                    throw new BrowserLaunchException(executable + " exited with code " + process.exitValue()
                            + " before opening its DevTools port; its output: " + tail(dir.resolve(LOG_FILE)));
                }
                if (System.nanoTime() > deadline) {
                    throw new BrowserLaunchException(executable + " did not open its DevTools port within " + timeout
                            + "; its output: " + tail(dir.resolve(LOG_FILE)));
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (BrowserLaunchException e) {
            destroy(process, dir);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroy(process, dir);
            throw new BrowserLaunchException("interrupted while starting " + executable, e);
        } catch (IOException | RuntimeException e) {
            destroy(process, dir);
            throw new BrowserLaunchException("cannot start " + executable + ": " + e, e);
        }
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

    public long pid() {
        return process.pid();
    }

    public String wsEndpoint() {
        return wsEndpoint;
    }

    public Path directory() {
        return directory;
    }

    /** The process check: true while chromium runs (unlike {@code Browser.isConnected()}, which lags). */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or -1 while running. */
    public int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Completes when the process has exited. */
    public java.util.concurrent.CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** A real call: asks the DevTools HTTP endpoint for its version, bounded by {@code timeout}. */
    public boolean answers(Duration timeout) {
        if (!process.isAlive()) {
            return false;
        }
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/json/version").openConnection();
            c.setConnectTimeout((int) timeout.toMillis());
            c.setReadTimeout((int) timeout.toMillis());
            c.setUseCaches(false);
            int code = c.getResponseCode();
            c.getInputStream().readAllBytes();
            return code == 200;
        } catch (IOException e) {
            log.debug("chromium #{} (pid {}) did not answer its DevTools endpoint: {}", index, pid(), e.toString());
            return false;
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    /** Kills chromium by its own process id (SIGKILL) at once. */
    public void kill() {
        process.destroyForcibly();
    }

    /**
     * Stops chromium (closes the lifeline, then SIGTERM, then SIGKILL, each with a short grace period) and
     * removes its profile directory. Idempotent; never throws.
     */
    public void close() {
        List<ProcessHandle> helpers = process.descendants().collect(java.util.stream.Collectors.toList());
        try {
            if (process.isAlive()) {
                try (OutputStream lifeline = process.getOutputStream()) {
                    lifeline.flush();
                } catch (IOException e) {
                    log.debug("closing the lifeline of chromium #{} failed", index, e);
                }
                if (!process.waitFor(GRACEFUL_EXIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroy();
                    if (!process.waitFor(GRACEFUL_EXIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(5, TimeUnit.SECONDS);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
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
        return "chromium #" + index + " (pid " + process.pid() + ")";
    }
}
