package dev.docket.extractor.playwright.internal;

import com.microsoft.playwright.impl.driver.jar.DriverJar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Puts the Playwright driver into one fixed directory, once, and points Playwright at it, so that no
 * process extracts its own 133 MiB copy into the temp directory (copies that a killed process never
 * removes). Concurrent installs from several processes are safe: each extracts into a private sibling
 * directory and atomically renames it into place; the loser discards its copy.
 */
public final class DriverInstaller {
    private static final Logger log = LoggerFactory.getLogger(DriverInstaller.class);
    /** Playwright's own switch for a preinstalled driver. */
    public static final String CLI_DIR_PROPERTY = "playwright.cli.dir";
    private static final String PARTIAL_PREFIX = ".partial-";
    private static final Object LOCK = new Object();

    private DriverInstaller() {
    }

    /**
     * {@code $XDG_CACHE_HOME/docket/playwright-driver-<version>}, else {@code ~/.cache/docket/...}; without a usable
     * home, {@code <java.io.tmpdir>/docket-<uid>/playwright-driver-<version>}, where {@code docket-<uid>} is a
     * directory private to this user (created with mode 700, refused when someone else owns it).
     */
    public static Path defaultDriverDirectory() {
        return defaultDriverDirectory(System.getenv("XDG_CACHE_HOME"), System.getProperty("user.home"),
                Path.of(System.getProperty("java.io.tmpdir")));
    }

    static Path defaultDriverDirectory(String xdg, String home, Path tmp) {
        String name = "playwright-driver-" + bundledVersion().orElse("unknown");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "docket", name);
        }
        if (home != null && !home.isBlank() && !home.equals("?") && Path.of(home).isAbsolute() && Files.isDirectory(Path.of(home))
                && (Files.isWritable(Path.of(home)) || Files.isWritable(Path.of(home, ".cache")))) {
            return Path.of(home, ".cache", "docket", name);
        }
        return tmp.resolve(privateTempName()).resolve(name);
    }

    /** {@code docket-<uid>} (or {@code docket-<user name>}): the name of this user's private temp directory. */
    static String privateTempName() {
        OptionalInt uid = FileTrust.currentUid();
        if (uid.isPresent()) {
            return "docket-" + uid.getAsInt();
        }
        return "docket-" + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The version of the driver in the Playwright jars on the class path, if it can be read. */
    public static Optional<String> bundledVersion() {
        URL url = DriverInstaller.class.getClassLoader().getResource("driver/package/package.json");
        if (url == null) {
            return Optional.empty();
        }
        try (InputStream in = url.openStream()) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException e) {
            log.debug("cannot read the Playwright driver version from {}", url, e);
            return Optional.empty();
        }
    }

    /**
     * Makes sure {@code dir} holds a driver (installing it from the class path when it does not) and makes
     * Playwright use it: sets the {@value #CLI_DIR_PROPERTY} system property unless it or
     * {@code PLAYWRIGHT_DRIVER_DIR} is already set. Playwright picks its driver once per JVM, at the first
     * {@code Playwright.create()}; a process that created one before keeps that driver.
     *
     * @param nodePath a Node.js to run the driver with (the slim dependency), or {@code null} for the bundled one
     * @return the directory Playwright will use
     * @throws IOException when the driver can neither be found nor installed, with a message saying how to fix it
     */
    public static Path ensureInstalled(Path dir, Path nodePath) throws IOException {
        synchronized (LOCK) {
            String property = System.getProperty(CLI_DIR_PROPERTY);
            String env = System.getenv("PLAYWRIGHT_DRIVER_DIR");
            Path effective = property != null ? Path.of(property) : env != null ? Path.of(env) : dir;
            if (!effective.equals(dir)) {
                log.info("Playwright driver directory {} comes from {}; configured {} is not used", effective,
                        property != null ? "-D" + CLI_DIR_PROPERTY : "PLAYWRIGHT_DRIVER_DIR", dir);
            }
            Path parent = effective.toAbsolutePath().getParent();
            if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals(privateTempName())) {
                try {
                    FileTrust.ensurePrivateDirectory(parent);
                } catch (IOException e) {
                    throw new IOException("cannot use the Playwright driver directory " + effective + ": " + e.getMessage()
                            + ". Another user may have created it to run code as this user: remove it, or set "
                            + "PLAYWRIGHT_DRIVER_DIR (PlaywrightConfig.driverDirectory) to a directory of yours", e);
                }
            }
            checkTrusted(effective, nodePath);
            if (!isInstalled(effective, nodePath)) {
                install(effective, nodePath);
                checkTrusted(effective, nodePath);
            }
            if (property == null && env == null) {
                System.setProperty(CLI_DIR_PROPERTY, effective.toString());
            }
            return effective;
        }
    }

    /**
     * Refuses a driver directory whose code another user could have put there or could change: the directory,
     * {@code package}, {@code package/cli.js} and the driver's {@code node} must belong to this user or root and be
     * writable by nobody else. A missing directory is fine (it is installed by this process).
     */
    private static void checkTrusted(Path dir, Path nodePath) throws IOException {
        Path real;
        try {
            real = dir.toRealPath();
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        }
        List<Path> code = new ArrayList<>(List.of(real, real.resolve("package"), real.resolve("package").resolve("cli.js")));
        if (nodePath == null) {
            code.add(real.resolve(nodeFileName()));
        }
        for (Path p : code) {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            String why = FileTrust.whyUntrusted(p);
            if (why != null) {
                throw new IOException("the Playwright driver directory " + dir + " is not safe to run: " + why
                        + ". Docket runs the driver's Node.js and scripts as this user, so they must belong to this user or "
                        + "root and be writable by nobody else: delete the directory (it is installed again), or chmod go-w "
                        + "it if it is yours, or set PLAYWRIGHT_DRIVER_DIR (PlaywrightConfig.driverDirectory) to a directory of yours");
            }
        }
    }

    /** The Node.js that runs the driver in {@code dir}: {@code nodePath} when set, else the driver's own. */
    public static Path node(Path dir, Path nodePath) {
        return nodePath != null ? nodePath : dir.resolve(nodeFileName());
    }

    /**
     * Installs Playwright's own chromium with the driver in {@code dir} ({@code playwright install chromium}, a
     * download of ~170 MB, skipped when it is already there), for machines without a configured chromium. Gives
     * up when the download has not started within {@code ChromiumInstaller.DOWNLOAD_START_TIMEOUT} (15 s) (no internet access: Playwright
     * itself would try five times for 30 s each) or the install takes longer than {@code ChromiumInstaller.INSTALL_TIMEOUT} (10 minutes).
     *
     * @throws IOException with one line saying why (Playwright's own output is logged at DEBUG)
     */
    public static void installChromium(Path dir, Path nodePath) throws IOException {
        installChromium(dir, nodePath, Map.of());
    }

    /** {@link #installChromium(Path, Path)} with {@code env} added to the install's environment (for tests). */
    static void installChromium(Path dir, Path nodePath, Map<String, String> env) throws IOException {
        ChromiumInstaller.install(node(dir, nodePath), dir.resolve("package").resolve("cli.js"), env);
    }

    private static boolean isInstalled(Path dir, Path nodePath) {
        if (!Files.isRegularFile(dir.resolve("package").resolve("cli.js"))) {
            return false;
        }
        return nodePath != null || Files.isExecutable(dir.resolve(nodeFileName()));
    }

    private static String nodeFileName() {
        return System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("windows") ? "node.exe" : "node";
    }

    private static void install(Path dir, Path nodePath) throws IOException {
        if (DriverInstaller.class.getClassLoader().getResource("driver/package/cli.js") == null) {
            throw new IOException("no Playwright driver in " + dir + " and none on the class path to install: add the "
                    + "com.microsoft.playwright:driver dependency, or point PLAYWRIGHT_DRIVER_DIR at an installed driver");
        }
        boolean bundledNode = DriverInstaller.class.getClassLoader().getResource("driver/" + platformDir()) != null;
        if (nodePath == null && !bundledNode) {
            throw new IOException("the Playwright driver needs Node.js: the com.microsoft.playwright:driver-bundle "
                    + "dependency is excluded, so set PLAYWRIGHT_NODEJS_PATH (PlaywrightConfig.nodePath) to a Node.js 20 "
                    + "or newer, e.g. /usr/bin/node, or add driver-bundle back");
        }
        Path parent = dir.toAbsolutePath().getParent();
        createDirectories(parent);
        cleanStalePartials(parent, dir.getFileName().toString());
        Path partial = parent.resolve(PARTIAL_PREFIX + dir.getFileName() + "-" + ProcessHandle.current().pid());
        TempDirectories.deleteRecursively(partial);
        long t0 = System.nanoTime();
        try {
            if (nodePath == null) {
                DriverJar.installDriverTo(partial);
            } else {
                Files.createDirectories(partial);
                copyResourceTree("driver/package", partial.resolve("package"));
            }
            // only this user may change what it will run (whatever the umask made of the extracted files)
            FileTrust.removeWriteForOthers(partial);
            try {
                Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, dir);
            }
            log.info("installed the Playwright driver into {} in {} ms{}", dir, (System.nanoTime() - t0) / 1_000_000,
                    nodePath == null ? "" : " (without Node.js: using " + nodePath + ")");
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            log.debug("another process installed the driver into {} first", dir);
        } catch (IOException e) {
            throw new IOException("cannot install the Playwright driver into " + dir + ": " + e.getMessage()
                    + "; make the directory writable or set PLAYWRIGHT_DRIVER_DIR (PlaywrightConfig.driverDirectory)", e);
        } catch (Exception e) {
            throw new IOException("cannot install the Playwright driver into " + dir + ": " + e, e);
        } finally {
            TempDirectories.deleteRecursively(partial);
        }
        if (!isInstalled(dir, nodePath)) {
            throw new IOException("the Playwright driver directory " + dir + " exists but holds no complete driver "
                    + "(package/cli.js" + (nodePath == null ? " and node" : "") + "); delete it and retry");
        }
    }

    /** Creates the missing directories of {@code dir} with mode 755 (less, by the umask): writable by this user only. */
    private static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir) || FileTrust.currentUid().isEmpty()) {
            Files.createDirectories(dir);
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (FileAlreadyExistsException e) {
            // created meanwhile by another process
        }
    }

    /** Removes this user's partial installs left by processes that died while installing. */
    private static void cleanStalePartials(Path parent, String name) {
        String prefix = PARTIAL_PREFIX + name + "-";
        try (Stream<Path> children = Files.list(parent)) {
            children.filter(p -> p.getFileName().toString().startsWith(prefix) && FileTrust.ownedByMe(p)).forEach(p -> {
                String pid = p.getFileName().toString().substring(prefix.length());
                try {
                    if (ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)) {
                        return;
                    }
                } catch (NumberFormatException e) {
                    return;
                }
                log.info("removing the partial driver install {} left by dead process {}", p, pid);
                TempDirectories.deleteRecursively(p);
            });
        } catch (IOException e) {
            log.debug("cannot list {} for partial driver installs", parent, e);
        }
    }

    private static void copyResourceTree(String resource, Path target) throws Exception {
        URI uri = DriverInstaller.class.getClassLoader().getResource(resource).toURI();
        if (!"jar".equals(uri.getScheme())) {
            copyTree(Path.of(uri), target);
            return;
        }
        FileSystem fs = null;
        try {
            try {
                fs = FileSystems.newFileSystem(uri, Collections.emptyMap());
            } catch (FileSystemAlreadyExistsException e) {
                fs = null;
            }
            copyTree(Path.of(uri), target);
        } finally {
            if (fs != null) {
                fs.close();
            }
        }
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path from : (Iterable<Path>) walk::iterator) {
                String relative = source.relativize(from).toString();
                Path to = relative.isEmpty() ? target : target.resolve(relative);
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static String platformDir() {
        String name = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        boolean arm = System.getProperty("os.arch").toLowerCase(Locale.ROOT).equals("aarch64");
        if (name.contains("windows")) {
            return "win32_x64";
        }
        if (name.contains("mac")) {
            return arm ? "mac-arm64" : "mac";
        }
        return arm ? "linux-arm64" : "linux";
    }
}
