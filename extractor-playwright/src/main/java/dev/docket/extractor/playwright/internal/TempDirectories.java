package dev.docket.extractor.playwright.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
    /** The stamp files hold a number or two. */
    private static final int MAX_STAMP_BYTES = 64;

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
     * Removes this user's directories under {@code root} whose owner process is gone (directories of other users
     * are left alone), first killing (by its recorded process id, after checking that it runs as this user and
     * that one of its arguments is a path in the directory) a browser that outlived its owner. Never follows a
     * link. Never throws; returns how many directories were removed.
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
            }).filter(p -> {
                if (FileTrust.ownedByMe(p)) {
                    return true;
                }
                log.debug("not sweeping {}: it belongs to another user (uid {})", p, FileTrust.owner(p).orElse(-1));
                return false;
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

    /** The content of a small stamp file in {@code dir}; never through a link, never more than a few bytes. */
    private static String readStamp(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile() || a.size() > MAX_STAMP_BYTES) {
            throw new IOException(file + " is not a stamp file");
        }
        try (SeekableByteChannel in = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buf = ByteBuffer.allocate(MAX_STAMP_BYTES);
            while (buf.hasRemaining() && in.read(buf) > 0) {
                // small: read it all
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
        }
    }

    private static boolean ownerAlive(Path dir) {
        Path owner = dir.resolve(OWNER_FILE);
        String content;
        try {
            content = readStamp(owner);
        } catch (IOException e) {
            try {
                Instant modified = Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS).toInstant();
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
        if (!Files.exists(pidFile, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            long pid = Long.parseLong(readStamp(pidFile));
            Optional<String> me = ProcessHandle.current().info().user();
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(p -> {
                if (me.isEmpty() || !me.equals(p.info().user())) {
                    log.debug("not killing pid {} recorded in {}: it runs as {}, not as this user", pid, dir, p.info().user().orElse("?"));
                    return;
                }
                if (namesDirectory(p.info(), dir)) {
                    log.warn("killing orphaned chromium (pid {}) of a dead process, profile {}", pid, dir);
                    p.destroyForcibly();
                    p.onExit().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> null).join();
                } else {
                    log.debug("not killing pid {} recorded in {}: none of its arguments is in that directory", pid, dir);
                }
            });
        } catch (IOException | NumberFormatException e) {
            log.debug("cannot read the browser pid in {}", dir, e);
        }
    }

    /**
     * True when an argument of the process is {@code dir} or a path inside it, whole path components compared
     * ({@code --user-data-dir=/tmp/docket-chromium-ab/profile} names {@code /tmp/docket-chromium-ab}, not
     * {@code /tmp/docket-chromium-a}).
     */
    static boolean namesDirectory(ProcessHandle.Info info, Path dir) {
        List<String> args = new ArrayList<>();
        info.arguments().ifPresent(a -> args.addAll(Arrays.asList(a)));
        // a process that rewrote its command line (chromium does, for its helpers) may show it as one string
        info.commandLine().ifPresent(c -> args.addAll(Arrays.asList(c.split(" "))));
        Path target = dir.toAbsolutePath().normalize();
        for (String arg : args) {
            String value = arg;
            int eq = arg.indexOf('=');
            if (arg.startsWith("-") && eq > 0) {
                value = arg.substring(eq + 1);
            }
            if (!value.startsWith("/") && !value.matches("^[A-Za-z]:\\\\.*")) {
                continue;
            }
            try {
                if (Path.of(value).normalize().startsWith(target)) {
                    return true;
                }
            } catch (InvalidPathException e) {
                // not a path
            }
        }
        return false;
    }

    /**
     * Deletes {@code path} and everything under it, never following a link: a link is removed, not what it points
     * to, also when a directory is replaced by a link while this runs (where the platform allows, directories are
     * opened relative to their parent and without following links). Logs (never throws) what cannot be deleted.
     */
    public static void deleteRecursively(Path path) {
        if (path == null || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                deleteOnce(path.toAbsolutePath());
            } catch (IOException | UncheckedIOException e) {
                log.debug("cannot delete {} yet: {}", path, e.toString());
            }
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            // a process that is exiting (chromium) may still be writing into the directory: walk again
        }
        log.warn("could not delete {} completely", path);
    }

    private static void deleteOnce(Path path) throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory() || path.getParent() == null) {
            Files.deleteIfExists(path); // a file, or a link (only the link goes)
            return;
        }
        try (DirectoryStream<Path> parent = Files.newDirectoryStream(path.getParent())) {
            if (parent instanceof SecureDirectoryStream) {
                deleteEntry((SecureDirectoryStream<Path>) parent, path.getFileName());
                return;
            }
        }
        // no openat() here: walk, without following links
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.debug("cannot delete {} yet: {}", p, e.toString());
                }
            });
        }
    }

    /** Deletes {@code name} in the open directory {@code dir}; a subdirectory is opened without following links. */
    private static void deleteEntry(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        BasicFileAttributes a = dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes();
        if (!a.isDirectory()) {
            dir.deleteFile(name);
            return;
        }
        try (SecureDirectoryStream<Path> child = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
            List<Path> entries = new ArrayList<>();
            child.forEach(e -> entries.add(e.getFileName()));
            for (Path entry : entries) {
                try {
                    deleteEntry(child, entry);
                } catch (NoSuchFileException e) {
                    // gone meanwhile
                } catch (IOException e) {
                    log.debug("cannot delete {} yet: {}", entry, e.toString());
                }
            }
        }
        dir.deleteDirectory(name);
    }
}
