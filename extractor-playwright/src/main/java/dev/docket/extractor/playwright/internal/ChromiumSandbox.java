package dev.docket.extractor.playwright.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether chromium runs with its sandbox, decided once per extractor start from
 * {@code PlaywrightConfig.sandbox()}:
 * <ul>
 *   <li>{@code true}: on; a chromium that cannot start with it fails to start, saying how to turn it off;</li>
 *   <li>{@code false}: off ({@code --no-sandbox});</li>
 *   <li>unset (auto): on, except when this process runs as root (chromium refuses its sandbox as root, typical in
 *       a container) or when the sandbox cannot work here (user namespaces switched off, and no setuid
 *       {@code chrome-sandbox} next to chromium); and if chromium still fails to start because of its sandbox,
 *       off from then on, with a warning.</li>
 * </ul>
 * The decision is logged once: INFO when on, WARN when off. Thread-safe.
 */
public final class ChromiumSandbox {
    private static final Logger log = LoggerFactory.getLogger(ChromiumSandbox.class);
    /** How to turn the sandbox off, for messages. */
    public static final String HOW_TO_TURN_OFF = "PlaywrightConfig.Builder.sandbox(false) or DOCKET_CHROMIUM_SANDBOX=false";

    private final boolean automatic;
    private volatile boolean enabled;
    private volatile String reason;

    private ChromiumSandbox(boolean enabled, boolean automatic, String reason) {
        this.enabled = enabled;
        this.automatic = automatic;
        this.reason = reason;
    }

    /** What the sandbox decision looks at: the process's user and what the kernel and chromium offer. */
    public static final class Host {
        final long uid;
        final boolean userNamespaces;
        final boolean setuidHelper;

        /**
         * @param uid            the effective user id, -1 when unknown (not Linux)
         * @param userNamespaces false when the kernel has unprivileged user namespaces switched off
         * @param setuidHelper   true when a setuid-root {@code chrome-sandbox} is installed next to chromium
         */
        public Host(long uid, boolean userNamespaces, boolean setuidHelper) {
            this.uid = uid;
            this.userNamespaces = userNamespaces;
            this.setuidHelper = setuidHelper;
        }

        /** This process and machine, for {@code executable} (null: Playwright's own chromium). */
        public static Host current(Path executable) {
            return new Host(uid(), userNamespaces(), setuidHelper(executable));
        }

        private static long uid() {
            try {
                Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
                return uid instanceof Integer ? (Integer) uid : -1;
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
                return -1;
            }
        }

        private static boolean userNamespaces() {
            // Debian/Ubuntu's switch, and the general limit; absent files mean "not switched off"
            return !readsAs("/proc/sys/kernel/unprivileged_userns_clone", "0") && !readsAs("/proc/sys/user/max_user_namespaces", "0");
        }

        private static boolean readsAs(String file, String value) {
            try {
                return Files.readString(Path.of(file), StandardCharsets.US_ASCII).trim().equals(value);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        private static boolean setuidHelper(Path executable) {
            if (executable == null) {
                return false;
            }
            try {
                Path real = executable.toRealPath();
                for (Path dir : new Path[] {real.getParent(), Path.of("/usr/lib/chromium")}) {
                    Path helper = dir == null ? null : dir.resolve("chrome-sandbox");
                    if (helper != null && Files.isRegularFile(helper)
                            && Files.getAttribute(helper, "unix:uid").equals(0)
                            && ((Integer) Files.getAttribute(helper, "unix:mode") & 04000) != 0
                            && Files.getPosixFilePermissions(helper).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                        return true;
                    }
                }
            } catch (IOException | RuntimeException e) {
                log.debug("cannot look for chromium's setuid sandbox helper next to {}: {}", executable, e.toString());
            }
            return false;
        }
    }

    /** Decides without logging (see the class comment). */
    public static ChromiumSandbox decide(Optional<Boolean> configured, Host host) {
        if (configured.isPresent()) {
            boolean on = configured.get();
            return new ChromiumSandbox(on, false, on ? "PlaywrightConfig.sandbox is true" : "PlaywrightConfig.sandbox is false");
        }
        if (host.uid == 0) {
            return new ChromiumSandbox(false, true, "this process runs as root, and chromium refuses its sandbox as root; "
                    + "run as another user to have it");
        }
        if (!host.userNamespaces && !host.setuidHelper) {
            return new ChromiumSandbox(false, true, "the kernel has unprivileged user namespaces switched off and there "
                    + "is no setuid chrome-sandbox");
        }
        return new ChromiumSandbox(true, true, host.uid < 0 ? "default" : "user " + host.uid + " can use it");
    }

    /** Decides and logs the decision once (INFO on, WARN off). */
    public static ChromiumSandbox decideAndLog(Optional<Boolean> configured, Path executable) {
        ChromiumSandbox s = decide(configured, Host.current(executable));
        if (s.enabled) {
            log.info("chromium runs with its sandbox ({})", s.reason);
        } else if (s.automatic) {
            log.warn("chromium runs without its sandbox: {}. Set PlaywrightConfig.Builder.sandbox(true) "
                    + "(DOCKET_CHROMIUM_SANDBOX=true) to require it", s.reason);
        } else {
            log.warn("chromium runs without its sandbox ({}): a compromised renderer is not contained", s.reason);
        }
        return s;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Why it is on or off. */
    public String reason() {
        return reason;
    }

    /** True when chromium's output says it could not start because of its sandbox. */
    public static boolean isSandboxFailure(String output) {
        String o = String.valueOf(output).toLowerCase(Locale.ROOT);
        return o.contains("no usable sandbox") || o.contains("without --no-sandbox")
                || o.contains("failed to move to new namespace") || o.contains("suid sandbox")
                || o.contains("setuid sandbox");
    }

    /**
     * Called when a launch with the sandbox failed because of it ({@link #isSandboxFailure}): in auto mode turns
     * the sandbox off (logged once, WARN) and returns true, so that the launch is tried again; else false.
     */
    public boolean turnOffAfterFailure(String output) {
        if (!automatic || !enabled) {
            return false;
        }
        synchronized (this) {
            if (!enabled) {
                return true;
            }
            enabled = false;
            reason = "chromium could not start with it here";
        }
        log.warn("chromium could not start with its sandbox, so it runs without it from now on (set {} to say so, "
                + "or PlaywrightConfig.Builder.sandbox(true) to require it); chromium said: {}", HOW_TO_TURN_OFF,
                JobRun.shorten(output));
        return true;
    }

    @Override
    public String toString() {
        return "sandbox " + (enabled ? "on" : "off") + " (" + reason + ")";
    }
}
