package dev.docket.extractor.playwright.internal;

import dev.docket.extractor.playwright.PlaywrightConfig;
import dev.docket.queue.internal.EnvSettings;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.docket.extractor.playwright.PlaywrightConfig.ENV_ACTION_TIMEOUT;
import static dev.docket.extractor.playwright.PlaywrightConfig.ENV_ALLOWED_HOSTS;
import static dev.docket.extractor.playwright.PlaywrightConfig.ENV_CHROMIUM_ARGS;
import static dev.docket.extractor.playwright.PlaywrightConfig.ENV_CHROMIUM_PATH;
import static dev.docket.extractor.playwright.PlaywrightConfig.ENV_CHROMIUM_SANDBOX;
import static dev.docket.extractor.playwright.PlaywrightConfig.ENV_DRIVER_DIR;
import static dev.docket.extractor.playwright.PlaywrightConfig.ENV_HEADLESS;
import static dev.docket.extractor.playwright.PlaywrightConfig.ENV_MAX_DOWNLOAD_BYTES;
import static dev.docket.extractor.playwright.PlaywrightConfig.ENV_NAVIGATION_TIMEOUT;
import static dev.docket.extractor.playwright.PlaywrightConfig.ENV_NODEJS_PATH;
import static dev.docket.extractor.playwright.PlaywrightConfig.ENV_SESSION_TIMEOUT;
import static dev.docket.extractor.playwright.PlaywrightConfig.ENV_SLOTS_PER_BROWSER;

/**
 * {@link PlaywrightConfig}'s environment reading and the checks of its less obvious fields, kept out of the
 * public class. Stateless.
 */
public final class ConfigRules {
    private ConfigRules() {
    }

    /** Fills {@code b} from {@code env} (see {@link PlaywrightConfig#fromEnvironment()}). */
    public static void readEnvironment(Map<String, String> env, PlaywrightConfig.Builder b) {
        EnvSettings e = EnvSettings.of(env);
        e.path(ENV_CHROMIUM_PATH, b::executablePath);
        e.millis(ENV_SESSION_TIMEOUT, d -> b.sessionTimeout(PlaywrightConfig.Builder.positive("sessionTimeout", d)));
        e.path(ENV_DRIVER_DIR, b::driverDirectory);
        e.path(ENV_NODEJS_PATH, b::nodePath);
        e.integer(ENV_SLOTS_PER_BROWSER, b::slotsPerBrowser);
        e.bool(ENV_HEADLESS, b::headless);
        e.string(ENV_CHROMIUM_SANDBOX).ifPresent(v -> {
            String lower = v.toLowerCase(Locale.ROOT);
            if (lower.equals("auto")) {
                b.sandboxAuto();
            } else if (lower.equals("true") || lower.equals("false")) {
                b.sandbox(Boolean.parseBoolean(lower));
            } else {
                throw new IllegalArgumentException(ENV_CHROMIUM_SANDBOX + " must be true, false or auto but was '" + v + "'");
            }
        });
        e.string(ENV_CHROMIUM_ARGS).ifPresent(v -> b.extraArgs(Arrays.asList(v.split("\\s+"))));
        e.millis(ENV_NAVIGATION_TIMEOUT, d -> b.navigationTimeout(PlaywrightConfig.Builder.positive("navigationTimeout", d)));
        e.millis(ENV_ACTION_TIMEOUT, d -> b.actionTimeout(PlaywrightConfig.Builder.positive("actionTimeout", d)));
        e.number(ENV_MAX_DOWNLOAD_BYTES, b::maxDownloadBytes);
        e.string(ENV_ALLOWED_HOSTS).ifPresent(v -> {
            for (String entry : v.split(";")) {
                if (entry.isBlank()) {
                    continue;
                }
                int eq = entry.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(ENV_ALLOWED_HOSTS
                            + " must look like 'source=host,host;source2=host' but has the entry '" + entry.trim() + "'");
                }
                String source = entry.substring(0, eq).trim();
                String[] hosts = entry.substring(eq + 1).trim().split("\\s*,\\s*");
                if (source.equals("*")) {
                    b.allowHostsForAllSources(hosts);
                } else {
                    b.allowHosts(source, hosts);
                }
            }
        });
    }

    /**
     * Rejects blank extra arguments and those that would undo Docket's confinement: DevTools ports and pipes, the
     * profile directory, the sandbox switch, WebRTC's IP handling policy.
     */
    public static void checkExtraArgs(List<String> extraArgs) {
        for (String arg : extraArgs) {
            if (arg == null || arg.isBlank()) {
                throw new IllegalArgumentException("extraArgs must not contain blank arguments but was " + extraArgs);
            }
            String lower = arg.toLowerCase(Locale.ROOT);
            if (lower.startsWith("--remote-debugging-") || lower.startsWith("--user-data-dir")) {
                throw new IllegalArgumentException("extraArgs must not contain '" + arg
                        + "': Docket sets the DevTools pipe and profile directory itself, and opens no DevTools port");
            }
            if (lower.equals("--no-sandbox") || lower.startsWith("--no-sandbox=") || lower.startsWith("--disable-setuid-sandbox")) {
                throw new IllegalArgumentException("extraArgs must not contain '" + arg
                        + "': use sandbox(false) (" + ENV_CHROMIUM_SANDBOX + "=false) to turn chromium's sandbox off");
            }
            if (lower.startsWith("--webrtc-ip-handling-policy") || lower.startsWith("--force-webrtc-ip-handling-policy")) {
                throw new IllegalArgumentException("extraArgs must not contain '" + arg
                        + "': Docket keeps WebRTC from sending UDP around the allow-list's proxy");
            }
        }
    }
}
