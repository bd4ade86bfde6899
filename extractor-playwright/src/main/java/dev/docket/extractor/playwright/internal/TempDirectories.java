package dev.docket.extractor.playwright.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The temporary directories the extractor creates (browser profiles, Playwright's own temp files), each
 * stamped with its owner process, and the sweep that removes those of dead owners. A process killed with
 * SIGKILL cannot clean up after itself; the next extractor started on the machine does it instead.
 */
public final class TempDirectories {
    private static final Logger log = LoggerFactory.getLogger(TempDirectories.class);
    /** Prefix of one browser's directory (profile, log, owner stamp). */
    public static final String BROWSER_PREFIX = "docket-chromium-";
    /** Per-JVM driver temp directories of earlier Docket versions; still swept. */
    public static final String DRIVER_TMP_PREFIX = "docket-playwright-tmp-";
    static final String OWNER_FILE = "docket-owner";
    static final String BROWSER_PID_FILE = "browser-pid";
    /** A directory without an owner stamp is only removed when older than this (it may be being created). */
    private static final Duration UNSTAMPED_GRACE = Duration.ofMinutes(10);

    private TempDirectories() {
    }

    /** Creates {@code root/docket-chromium-XXXX}, stamped with this process as owner. */
    public static Path createBrowserDirectory(Path root) throws IOException {
        Files.createDirectories(root);
        Path dir = Files.createTempDirectory(root, BROWSER_PREFIX);
        stamp(dir);
        return dir;
    }

    /** Records the browser's pid so a later sweep can kill an orphan by its own process id. */
    static void recordBrowserPid(Path dir, long pid) throws IOException {
        Files.writeString(dir.resolve(BROWSER_PID_FILE), Long.toString(pid), StandardCharsets.US_ASCII);
    }

    private static void stamp(Path dir) throws IOException {
        ProcessHandle me = ProcessHandle.current();
        long start = me.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        Files.writeString(dir.resolve(OWNER_FILE), me.pid() + " " + start, StandardCharsets.US_ASCII);
    }

    /**
     * Removes the directories under {@code root} whose owner process is gone, first killing (by its recorded
     * process id, after checking that its command line names the directory) a browser that outlived its
     * owner. Never throws; returns how many directories were removed.
     */
    public static int sweep(Path root) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        List<Path> candidates;
        try (Stream<Path> children = Files.list(root)) {
            candidates = children.filter(p -> {
                String n = p.getFileName().toString();
                return (n.startsWith(BROWSER_PREFIX) || n.startsWith(DRIVER_TMP_PREFIX)) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
            }).collect(Collectors.toList());
        } catch (IOException | UncheckedIOException e) {
            log.warn("cannot list {} to remove browser profiles of dead processes: {}", root, e.toString());
            return 0;
        }
        int removed = 0;
        for (Path dir : candidates) {
            if (ownerAlive(dir)) {
                continue;
            }
            killOrphanBrowser(dir);
            deleteRecursively(dir);
            if (!Files.exists(dir)) {
                removed++;
                log.info("removed {} left by a process that no longer runs", dir);
            }
        }
        return removed;
    }

    private static boolean ownerAlive(Path dir) {
        Path owner = dir.resolve(OWNER_FILE);
        String content;
        try {
            content = Files.readString(owner, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            try {
                Instant modified = Files.getLastModifiedTime(dir).toInstant();
                return modified.isAfter(Instant.now().minus(UNSTAMPED_GRACE));
            } catch (IOException e2) {
                return true;
            }
        }
        String[] parts = content.split(" ");
        try {
            long pid = Long.parseLong(parts[0]);
            long start = parts.length > 1 ? Long.parseLong(parts[1]) : 0L;
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty() || !handle.get().isAlive()) {
                return false;
            }
            long actualStart = handle.get().info().startInstant().map(Instant::toEpochMilli).orElse(0L);
            // a different start time means the pid was reused by another process
            return start == 0L || actualStart == 0L || Math.abs(actualStart - start) < 1000;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void killOrphanBrowser(Path dir) {
        Path pidFile = dir.resolve(BROWSER_PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(p -> {
                String cmd = p.info().commandLine().orElse("");
                if (cmd.contains(dir.toString())) {
                    log.warn("killing orphaned chromium (pid {}) of a dead process, profile {}", pid, dir);
                    p.destroyForcibly();
                    p.onExit().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> null).join();
                }
            });
        } catch (IOException | NumberFormatException e) {
            log.debug("cannot read the browser pid in {}", dir, e);
        }
    }

    /** Deletes {@code path} and everything under it; logs (never throws) what cannot be deleted. */
    public static void deleteRecursively(Path path) {
        if (path == null || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Stream<Path> walk = Files.walk(path)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        log.debug("cannot delete {} yet: {}", p, e.toString());
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                log.debug("cannot walk {} yet: {}", path, e.toString());
            }
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            // a process that is exiting (chromium) may still be writing into the directory: walk again
        }
        log.warn("could not delete {} completely", path);
    }
}
