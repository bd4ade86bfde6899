package dev.docket.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-compatible server for tests: <a href="https://github.com/jamhall/s3rver">s3rver</a> 3.7.1 (npm) run by
 * node on 127.0.0.1, with its data in a temporary directory. Installed on first use with
 * {@code npm install --prefix <dir> s3rver@3.7.1} into {@code -Ddocket.s3rver.prefix} (or
 * {@code $DOCKET_S3RVER_PREFIX}, default {@code <tmp>/docket-s3rver-3.7.1}).
 *
 * <p>When node or s3rver cannot be had, {@link #available()} says why, and tests skip with that message, unless
 * {@code -Ddocket.s3rver.required=true} (or {@code DOCKET_S3RVER_REQUIRED=true}, as CI sets): then they fail.
 *
 * <p>Credentials: access key {@code S3RVER}, secret {@code S3RVER}; others are refused with 403.
 */
public final class S3rver implements AutoCloseable {
    public static final String VERSION = "3.7.1";
    public static final String ACCESS_KEY = "S3RVER";
    public static final String SECRET_KEY = "S3RVER";

    private static String unavailable;
    private static Path script;

    private final Path data;
    private final int port;
    private final List<String> buckets;
    private Process process;
    private Path log;

    private S3rver(Path data, int port, List<String> buckets) {
        this.data = data;
        this.port = port;
        this.buckets = buckets;
    }

    /** Null when s3rver can run here; otherwise why not. Installs it on first call when needed. */
    public static synchronized String available() {
        if (script != null) {
            return null;
        }
        if (unavailable != null) {
            return unavailable;
        }
        String prefix = System.getProperty("docket.s3rver.prefix", System.getenv("DOCKET_S3RVER_PREFIX"));
        Path dir = prefix != null && !prefix.isBlank() ? Path.of(prefix)
                : Path.of(System.getProperty("java.io.tmpdir"), "docket-s3rver-" + VERSION);
        Path js = dir.resolve("node_modules/s3rver/bin/s3rver.js");
        try {
            if (!run(List.of("node", "--version"), null)) {
                return unavailable = "node is not installed (s3rver needs it)";
            }
            if (!Files.isRegularFile(js)) {
                Files.createDirectories(dir);
                try (FileChannel ch = FileChannel.open(dir.resolve(".install.lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                    if (!Files.isRegularFile(js) && !run(List.of("npm", "install", "--prefix", dir.toString(),
                            "s3rver@" + VERSION, "--no-audit", "--no-fund", "--loglevel=error"), dir)) {
                        return unavailable = "could not install s3rver@" + VERSION + " with npm into " + dir;
                    }
                }
            }
        } catch (IOException e) {
            return unavailable = "s3rver unavailable: " + e;
        }
        script = js;
        return null;
    }

    /** True when tests must fail rather than skip without s3rver (CI). */
    public static boolean required() {
        return Boolean.parseBoolean(System.getProperty("docket.s3rver.required", System.getenv("DOCKET_S3RVER_REQUIRED")));
    }

    private static boolean run(List<String> cmd, Path dir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        try {
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false; // not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Starts a server on a free loopback port with these buckets. Call {@link #available()} first. */
    public static S3rver start(Path data, String... buckets) {
        String why = available();
        if (why != null) {
            throw new IllegalStateException(why);
        }
        S3rver s = new S3rver(data, freePort(), List.of(buckets));
        s.startProcess();
        return s;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized void startProcess() {
        List<String> cmd = new ArrayList<>(List.of("node", script.toString(), "-d", data.toString(), "-a", "127.0.0.1",
                "-p", Integer.toString(port), "--no-vhost-buckets"));
        for (String b : buckets) {
            cmd.add("--configure-bucket");
            cmd.add(b);
        }
        try {
            Files.createDirectories(data);
            log = Files.createTempFile("s3rver-", ".log");
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start s3rver", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("s3rver exited at start: " + tail());
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20); // polling for the port to open, not synchronisation
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
        throw new IllegalStateException("s3rver did not open port " + port + " within 30 s: " + tail());
    }

    private String tail() {
        try {
            String s = Files.readString(log);
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** The directory s3rver keeps objects in (for reading them by other means than S3). */
    public Path dataDirectory() {
        return data;
    }

    /** Kills the server (its data stays), as a crash or network loss would. */
    public synchronized void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Starts it again on the same port with the same data. */
    public synchronized void restart() {
        stop();
        startProcess();
    }

    @Override
    public void close() {
        stop();
        if (log != null) {
            new File(log.toString()).delete();
        }
    }
}
