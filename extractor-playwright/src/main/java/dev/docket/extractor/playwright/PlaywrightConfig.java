package dev.docket.extractor.playwright;

import dev.docket.extractor.playwright.internal.BuildChecks;
import dev.docket.extractor.playwright.internal.ConfigRules;
import dev.docket.extractor.playwright.internal.SourceHosts;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Settings of a {@link PlaywrightExtractor}. Immutable and thread-safe; built by {@link #builder()} or
 * {@link #fromEnvironment()}, validated at {@link Builder#build()}, which throws
 * {@link IllegalArgumentException} naming the field and the bad value.
 *
 * <p>Defaults (named constants below): chromium at {@value #DEFAULT_CHROMIUM_PATH_STRING} when present,
 * else Playwright's own chromium (downloaded by Playwright on first use, so a laptop with internet works);
 * headless; {@value #DEFAULT_SLOTS_PER_BROWSER} slots per browser; a browser session is reused for
 * {@link #DEFAULT_SESSION_TIMEOUT} (the old system's {@code SESSION_TIMEOUT}); navigation timeout
 * {@link #DEFAULT_NAVIGATION_TIMEOUT}, action timeout {@link #DEFAULT_ACTION_TIMEOUT}; downloads capped at
 * {@value #DEFAULT_MAX_DOWNLOAD_BYTES} bytes; chromium's sandbox on where it can run (see {@link #sandbox()}). No
 * host is allowed until you allow it: a job whose source has no allowed hosts fails as permanent.
 */
public final class PlaywrightConfig {

    /** Where Debian's {@code chromium} package puts the browser. */
    public static final String DEFAULT_CHROMIUM_PATH_STRING = "/usr/bin/chromium";
    /** {@link #DEFAULT_CHROMIUM_PATH_STRING} as a path. */
    public static final Path DEFAULT_CHROMIUM_PATH = Path.of(DEFAULT_CHROMIUM_PATH_STRING);
    /** Slots (worker threads) that share one chromium process. */
    public static final int DEFAULT_SLOTS_PER_BROWSER = 4;
    /** Largest accepted {@code slotsPerBrowser}. */
    public static final int MAX_SLOTS_PER_BROWSER = 64;
    /** How long one browser session (context, with its cookies) is reused: 4 minutes. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofMinutes(4);
    /** Upper bound of one navigation (and of one document fetch). */
    public static final Duration DEFAULT_NAVIGATION_TIMEOUT = Duration.ofSeconds(30);
    /** Upper bound of one page action (click, fill, wait for a selector). */
    public static final Duration DEFAULT_ACTION_TIMEOUT = Duration.ofSeconds(10);
    /** How long a chromium launch may take before it counts as failed. */
    public static final Duration DEFAULT_LAUNCH_TIMEOUT = Duration.ofSeconds(30);
    /** Largest document accepted: 50 MiB. */
    public static final long DEFAULT_MAX_DOWNLOAD_BYTES = 50L * 1024 * 1024;
    /** Largest accepted {@code maxDownloadBytes}: 1 GiB ({@link dev.docket.queue.Document} holds bytes in memory). */
    public static final long MAX_MAX_DOWNLOAD_BYTES = 1024L * 1024 * 1024;

    /** Environment variable: chromium executable. */
    public static final String ENV_CHROMIUM_PATH = "DOCKET_CHROMIUM_PATH";
    /** Environment variable (the old system's name): session timeout in milliseconds. */
    public static final String ENV_SESSION_TIMEOUT = "SESSION_TIMEOUT";
    /** Environment variable (Playwright's own name): the directory holding the extracted driver. */
    public static final String ENV_DRIVER_DIR = "PLAYWRIGHT_DRIVER_DIR";
    /** Environment variable (Playwright's own name): a Node.js 20+ executable, for the slim dependency. */
    public static final String ENV_NODEJS_PATH = "PLAYWRIGHT_NODEJS_PATH";
    /** Environment variable: slots per browser. */
    public static final String ENV_SLOTS_PER_BROWSER = "DOCKET_BROWSER_SLOTS";
    /** Environment variable: {@code true}/{@code false}. */
    public static final String ENV_HEADLESS = "DOCKET_HEADLESS";
    /**
     * Environment variable: {@code true}, {@code false} or {@code auto} (the default), see {@link #sandbox()}.
     */
    public static final String ENV_CHROMIUM_SANDBOX = "DOCKET_CHROMIUM_SANDBOX";
    /** Environment variable: extra chromium arguments, separated by spaces. */
    public static final String ENV_CHROMIUM_ARGS = "DOCKET_CHROMIUM_ARGS";
    /** Environment variable: navigation timeout in milliseconds. */
    public static final String ENV_NAVIGATION_TIMEOUT = "DOCKET_NAVIGATION_TIMEOUT";
    /** Environment variable: action timeout in milliseconds. */
    public static final String ENV_ACTION_TIMEOUT = "DOCKET_ACTION_TIMEOUT";
    /** Environment variable: download size cap in bytes. */
    public static final String ENV_MAX_DOWNLOAD_BYTES = "DOCKET_MAX_DOWNLOAD_BYTES";
    /**
     * Environment variable: allowed hosts per document source, {@code source=host,host;source2=host}; the
     * source {@code *} sets the hosts for sources without their own list.
     */
    public static final String ENV_ALLOWED_HOSTS = "DOCKET_ALLOWED_HOSTS";

    private final Path executablePath;
    private final boolean defaultExecutable;
    private final Path driverDirectory;
    private final Path nodePath;
    private final Path tempDirectory;
    private final boolean headless;
    private final Boolean sandbox;
    private final List<String> extraArgs;
    private final int slotsPerBrowser;
    private final Duration sessionTimeout;
    private final Duration navigationTimeout;
    private final Duration actionTimeout;
    private final Duration launchTimeout;
    private final long maxDownloadBytes;
    private final SourceHosts allowedHosts;
    private final FleetConfig fleet;
    /** Failure snapshots (#15): see {@link FailureSnapshots}. */
    private final FailureSnapshots failureSnapshots;

    private PlaywrightConfig(Builder b) {
        this.executablePath = b.executablePath;
        this.defaultExecutable = !b.executablePathSet;
        this.driverDirectory = b.driverDirectory == null ? null : b.driverDirectory.toAbsolutePath().normalize();
        this.nodePath = b.nodePath;
        this.tempDirectory = b.tempDirectory == null ? null : b.tempDirectory.toAbsolutePath().normalize();
        this.headless = b.headless;
        this.sandbox = b.sandbox;
        this.extraArgs = List.copyOf(b.extraArgs);
        this.slotsPerBrowser = b.slotsPerBrowser;
        this.sessionTimeout = b.sessionTimeout;
        this.navigationTimeout = b.navigationTimeout;
        this.actionTimeout = b.actionTimeout;
        this.launchTimeout = b.launchTimeout;
        this.maxDownloadBytes = b.maxDownloadBytes;
        this.allowedHosts = b.allowedHosts.build();
        this.fleet = b.fleet;
        this.failureSnapshots = b.failureSnapshots;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder filled from the process environment: {@value #ENV_CHROMIUM_PATH}, {@value #ENV_SESSION_TIMEOUT}
     * (ms), {@value #ENV_DRIVER_DIR}, {@value #ENV_NODEJS_PATH}, {@value #ENV_SLOTS_PER_BROWSER},
     * {@value #ENV_HEADLESS}, {@value #ENV_CHROMIUM_SANDBOX}, {@value #ENV_CHROMIUM_ARGS}, {@value #ENV_NAVIGATION_TIMEOUT} (ms),
     * {@value #ENV_ACTION_TIMEOUT} (ms), {@value #ENV_MAX_DOWNLOAD_BYTES}, {@value #ENV_ALLOWED_HOSTS}, and the
     * {@link FleetConfig#fromEnvironment(Map) fleet's variables} (browser recycling, memory marks). Unset
     * variables keep the defaults; further settings may be added before {@code build()}.
     *
     * @throws IllegalArgumentException naming the variable when a value cannot be parsed
     */
    public static Builder fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** Like {@link #fromEnvironment()}, reading from {@code env} (handy in tests). */
    public static Builder fromEnvironment(Map<String, String> env) {
        Builder b = builder();
        ConfigRules.readEnvironment(env, b);
        b.failureSnapshots(FailureSnapshots.fromEnvironment(env));
        return b.fleet(FleetConfig.fromEnvironment(env).build());
    }

    /**
     * The chromium (or Chrome) executable set on the builder. Empty: see {@link #usesDefaultExecutable()}; when
     * that is false, Playwright's own chromium (installed by Playwright when missing).
     */
    public Optional<Path> executablePath() {
        return Optional.ofNullable(executablePath);
    }

    /**
     * True when no executable was set: {@code start()} then uses {@value #DEFAULT_CHROMIUM_PATH_STRING} when it is
     * executable at that moment, else Playwright's own chromium. {@code build()} does not look at the disk.
     */
    public boolean usesDefaultExecutable() {
        return defaultExecutable;
    }

    /**
     * The directory holding the Playwright driver ({@code package/cli.js}, and {@code node} unless
     * {@link #nodePath()} is set), as set on the builder; empty: {@code ~/.cache/docket/playwright-driver-<version>}
     * (decided at {@code start()}). Filled from the Playwright jars on first use, then reused by every process, so
     * no process extracts its own copy into the temp directory.
     */
    public Optional<Path> driverDirectory() {
        return Optional.ofNullable(driverDirectory);
    }

    /** A Node.js (20 or newer) to run the driver with, for the slim dependency; empty: the bundled one. */
    public Optional<Path> nodePath() {
        return Optional.ofNullable(nodePath);
    }

    /**
     * Where browser profiles and the browser servers' temporary files go, as set on the builder; empty:
     * {@code java.io.tmpdir} at {@code start()}. One {@code docket-chromium-*} directory per browser, removed on
     * {@code close()}, and by the next extractor started on the machine when a process was killed.
     */
    public Optional<Path> tempDirectory() {
        return Optional.ofNullable(tempDirectory);
    }

    public boolean headless() {
        return headless;
    }

    /**
     * Whether chromium runs with its sandbox (which confines a compromised renderer): {@code true} requires it (a
     * chromium that cannot start with it fails {@code start()}, saying so), {@code false} turns it off
     * ({@code --no-sandbox}), empty (the default, {@code auto}) decides at {@code start()}: on, except when the
     * process runs as root (chromium refuses its sandbox as root, which is what a container usually does) or
     * the kernel offers no user namespaces and there is no setuid {@code chrome-sandbox}, or chromium then
     * still cannot start with it. The decision is logged at start (INFO when on, WARN when off). To have the
     * sandbox in a container, run the JVM as a non-root user, in a container whose seccomp profile allows user
     * namespaces (where it does not, auto falls back to no sandbox with a warning, and {@code true} fails).
     */
    public Optional<Boolean> sandbox() {
        return Optional.ofNullable(sandbox);
    }

    /** Extra chromium command-line arguments, added after Docket's own. */
    public List<String> extraArgs() {
        return extraArgs;
    }

    /** How many slots share one chromium process (slot {@code s} uses browser {@code s / slotsPerBrowser}). */
    public int slotsPerBrowser() {
        return slotsPerBrowser;
    }

    /** How long a browser session (context, cookies) is reused by one slot before it is replaced. */
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    public Duration navigationTimeout() {
        return navigationTimeout;
    }

    public Duration actionTimeout() {
        return actionTimeout;
    }

    public Duration launchTimeout() {
        return launchTimeout;
    }

    /** Largest document accepted, in bytes; a bigger one fails the job as permanent. */
    public long maxDownloadBytes() {
        return maxDownloadBytes;
    }

    /**
     * The hosts jobs of {@code documentSource} may reach: its own list, else the list for all sources
     * (possibly empty: then nothing is allowed).
     */
    public Set<String> allowedHosts(String documentSource) {
        return allowedHosts.allowedHosts(documentSource);
    }

    /** When and how failure snapshots are saved (default {@link FailureSnapshots#defaults()}). */
    public FailureSnapshots failureSnapshots() {
        return failureSnapshots;
    }

    /** The sources that have their own allow-list. */
    public Set<String> sourcesWithAllowedHosts() {
        return allowedHosts.sources();
    }

    /** Browser recycling and the memory limits (see {@link FleetConfig}). */
    public FleetConfig fleet() {
        return fleet;
    }

    @Override
    public String toString() {
        return "PlaywrightConfig{executablePath=" + (executablePath != null ? executablePath
                : defaultExecutable ? "<" + DEFAULT_CHROMIUM_PATH_STRING + " if present, else playwright's chromium>"
                : "<playwright's chromium>")
                + ", driverDirectory=" + (driverDirectory == null ? "<default>" : driverDirectory) + ", nodePath=" + nodePath
                + ", tempDirectory=" + (tempDirectory == null ? "<java.io.tmpdir>" : tempDirectory)
                + ", headless=" + headless + ", sandbox=" + (sandbox == null ? "auto" : sandbox) + ", extraArgs=" + extraArgs + ", slotsPerBrowser=" + slotsPerBrowser
                + ", sessionTimeout=" + sessionTimeout + ", navigationTimeout=" + navigationTimeout
                + ", actionTimeout=" + actionTimeout + ", launchTimeout=" + launchTimeout
                + ", maxDownloadBytes=" + maxDownloadBytes + ", " + allowedHosts + ", fleet=" + fleet + ", failureSnapshots=" + failureSnapshots + "}";
    }

    /**
     * Builds a {@link PlaywrightConfig}. Not thread-safe; each setter may be called again to replace a value.
     * Host lists accumulate.
     */
    public static final class Builder {
        private Path executablePath;
        private boolean executablePathSet;
        private Path driverDirectory;
        private Path nodePath;
        private Path tempDirectory;
        private boolean headless = true;
        private Boolean sandbox;
        private final List<String> extraArgs = new ArrayList<>();
        private int slotsPerBrowser = DEFAULT_SLOTS_PER_BROWSER;
        private Duration sessionTimeout = DEFAULT_SESSION_TIMEOUT;
        private Duration navigationTimeout = DEFAULT_NAVIGATION_TIMEOUT;
        private Duration actionTimeout = DEFAULT_ACTION_TIMEOUT;
        private Duration launchTimeout = DEFAULT_LAUNCH_TIMEOUT;
        private long maxDownloadBytes = DEFAULT_MAX_DOWNLOAD_BYTES;
        private FailureSnapshots failureSnapshots = FailureSnapshots.defaults();

        /**
         * When and how a failed job's page is saved (screenshot, HTML, details); default
         * {@link FailureSnapshots#defaults()}, {@link FailureSnapshots#off()} for none. Environment:
         * {@value FailureSnapshots#ENV_POLICY}, {@value FailureSnapshots#ENV_BUDGET_BYTES}.
         */
        public Builder failureSnapshots(FailureSnapshots failureSnapshots) {
            this.failureSnapshots = Objects.requireNonNull(failureSnapshots, "failureSnapshots");
            return this;
        }
        private final SourceHosts.Draft allowedHosts = new SourceHosts.Draft();
        private FleetConfig fleet = FleetConfig.defaults();

        private Builder() {
        }

        /**
         * The chromium executable. {@code null} means Playwright's own chromium even when
         * {@value #DEFAULT_CHROMIUM_PATH_STRING} exists. Not set: {@value #DEFAULT_CHROMIUM_PATH_STRING} when it
         * is executable at {@code start()}, else Playwright's own chromium.
         */
        public Builder executablePath(Path executablePath) {
            this.executablePath = executablePath;
            this.executablePathSet = true;
            return this;
        }

        /** See {@link PlaywrightConfig#driverDirectory()}. Default: {@code ~/.cache/docket/playwright-driver-<version>}. */
        public Builder driverDirectory(Path driverDirectory) {
            this.driverDirectory = driverDirectory;
            return this;
        }

        /** See {@link PlaywrightConfig#nodePath()}. */
        public Builder nodePath(Path nodePath) {
            this.nodePath = nodePath;
            return this;
        }

        /** See {@link PlaywrightConfig#tempDirectory()}. */
        public Builder tempDirectory(Path tempDirectory) {
            this.tempDirectory = tempDirectory;
            return this;
        }

        public Builder headless(boolean headless) {
            this.headless = headless;
            return this;
        }

        /**
         * Requires ({@code true}) or turns off ({@code false}) chromium's sandbox; not called: auto. See
         * {@link PlaywrightConfig#sandbox()}.
         */
        public Builder sandbox(boolean sandbox) {
            this.sandbox = sandbox;
            return this;
        }

        /** Back to the default: decide at start whether chromium's sandbox can run. */
        public Builder sandboxAuto() {
            this.sandbox = null;
            return this;
        }

        /**
         * Replaces the extra chromium arguments. Arguments that would undo Docket's confinement are rejected at
         * {@code build()}: DevTools ports and pipes, the profile directory, the sandbox switch (use
         * {@link #sandbox(boolean)}), and WebRTC's IP handling policy.
         */
        public Builder extraArgs(List<String> args) {
            Objects.requireNonNull(args, "extraArgs");
            this.extraArgs.clear();
            this.extraArgs.addAll(args);
            return this;
        }

        public Builder slotsPerBrowser(int slotsPerBrowser) {
            this.slotsPerBrowser = slotsPerBrowser;
            return this;
        }

        public Builder sessionTimeout(Duration sessionTimeout) {
            this.sessionTimeout = sessionTimeout;
            return this;
        }

        public Builder navigationTimeout(Duration navigationTimeout) {
            this.navigationTimeout = navigationTimeout;
            return this;
        }

        public Builder actionTimeout(Duration actionTimeout) {
            this.actionTimeout = actionTimeout;
            return this;
        }

        public Builder launchTimeout(Duration launchTimeout) {
            this.launchTimeout = launchTimeout;
            return this;
        }

        public Builder maxDownloadBytes(long maxDownloadBytes) {
            this.maxDownloadBytes = maxDownloadBytes;
            return this;
        }

        /**
         * Allows jobs of {@code documentSource} to reach {@code hosts}. A host is {@code name} (any port),
         * {@code name:port}, or {@code *.domain} (any subdomain of {@code domain}, not {@code domain} itself); a
         * name may be an IPv4 address ({@code 10.1.2.3}) or an IPv6 address in brackets ({@code [::1]:8080}).
         * Names are normalised (lower case, a trailing dot removed, international names in ASCII form) the same
         * way as the hosts of requested URLs. Only the listed hosts are reached: listing {@code localhost} or
         * {@code 127.0.0.1} does not open other loopback or link-local addresses. {@code build()} rejects, naming
         * the entry, malformed names (empty labels, a misplaced {@code *}), wildcards over a public suffix
         * ({@code *.com}, {@code *.co.uk}) and addresses in another form than their canonical one
         * ({@code 2130706433}, {@code 0x7f.1}, {@code 127.1}: write {@code 127.0.0.1}). Requests elsewhere are
         * blocked; a main-frame navigation elsewhere fails the job as permanent.
         */
        public Builder allowHosts(String documentSource, String... hosts) {
            allowedHosts.allow(documentSource, hosts);
            return this;
        }

        /** Allows {@code hosts} for every source that has no list of its own (see {@link #allowHosts}). */
        public Builder allowHostsForAllSources(String... hosts) {
            allowedHosts.allowForAllSources(hosts);
            return this;
        }

        /** Browser recycling and memory limits; default {@link FleetConfig#defaults()}. */
        public Builder fleet(FleetConfig fleet) {
            this.fleet = Objects.requireNonNull(fleet, "fleet");
            return this;
        }

        /**
         * Validates and builds: copies the settings, without looking at the disk or changing this builder (the
         * defaults that depend on the machine are decided at {@code PlaywrightExtractor.start()}).
         *
         * @throws IllegalArgumentException naming the field and the bad value
         */
        public PlaywrightConfig build() {
            BuildChecks.absoluteOrNull("executablePath", executablePath);
            BuildChecks.absoluteOrNull("nodePath", nodePath);
            ConfigRules.checkExtraArgs(extraArgs);
            BuildChecks.between("slotsPerBrowser", slotsPerBrowser, 1, MAX_SLOTS_PER_BROWSER);
            positive("sessionTimeout", sessionTimeout);
            positive("navigationTimeout", navigationTimeout);
            positive("actionTimeout", actionTimeout);
            positive("launchTimeout", launchTimeout);
            BuildChecks.between("maxDownloadBytes", maxDownloadBytes, 1, MAX_MAX_DOWNLOAD_BYTES);
            return new PlaywrightConfig(this);
        }

        /** {@code d} when it is > 0, else an exception naming {@code field}. */
        public static Duration positive(String field, Duration d) {
            return BuildChecks.positive(field, d);
        }
    }
}
