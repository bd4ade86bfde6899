package dev.docket.spring.boot.internal;

import dev.docket.extractor.playwright.PlaywrightConfig;
import dev.docket.extractor.playwright.PlaywrightExtractor;
import dev.docket.extractor.playwright.RegistryFlow;
import dev.docket.spring.boot.DocketPlaywrightProperties;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.env.Environment;

/**
 * {@code docket.playwright.*} and the {@code RegistryFlow} beans to a {@link PlaywrightExtractor}, each refusal
 * naming its property. Not part of the API.
 */
public final class PlaywrightSettings {
    private static final String P = "docket.playwright.";
    private static final java.util.Set<String> PROPERTIES = java.util.Set.of("executable-path", "driver-directory",
            "node-path", "temp-directory", "headless", "sandbox", "extra-args", "slots-per-browser", "session-timeout",
            "navigation-timeout", "action-timeout", "launch-timeout", "max-download-size");

    private PlaywrightSettings() {
    }

    /** The extractor; {@code flows} are the RegistryFlow beans by name. */
    public static PlaywrightExtractor extractor(DocketPlaywrightProperties p, Environment environment,
            Map<String, RegistryFlow> flows) {
        Map<String, String> env = PropertyChecks.legacyVariables(environment, PlaywrightConfig.ENV_CHROMIUM_PATH,
                PlaywrightConfig.ENV_SESSION_TIMEOUT, PlaywrightConfig.ENV_DRIVER_DIR, PlaywrightConfig.ENV_NODEJS_PATH,
                PlaywrightConfig.ENV_SLOTS_PER_BROWSER, PlaywrightConfig.ENV_HEADLESS,
                PlaywrightConfig.ENV_CHROMIUM_SANDBOX, PlaywrightConfig.ENV_CHROMIUM_ARGS,
                PlaywrightConfig.ENV_NAVIGATION_TIMEOUT, PlaywrightConfig.ENV_ACTION_TIMEOUT,
                PlaywrightConfig.ENV_MAX_DOWNLOAD_BYTES, PlaywrightConfig.ENV_ALLOWED_HOSTS);
        PlaywrightConfig.Builder b = PropertyChecks.fromLegacyVariables(env, PlaywrightConfig::fromEnvironment);
        PropertyChecks.apply(P + "executable-path", p.getExecutablePath(), b::executablePath);
        PropertyChecks.apply(P + "driver-directory", p.getDriverDirectory(), b::driverDirectory);
        PropertyChecks.apply(P + "node-path", p.getNodePath(), b::nodePath);
        PropertyChecks.apply(P + "temp-directory", p.getTempDirectory(), b::tempDirectory);
        PropertyChecks.apply(P + "headless", p.getHeadless(), b::headless);
        if (p.getSandbox() != null) {
            String mode = p.getSandbox().trim().toLowerCase(Locale.ROOT);
            if (mode.equals("true") || mode.equals("false")) {
                b.sandbox(Boolean.parseBoolean(mode));
            } else if (!mode.equals("auto")) {
                throw PropertyChecks.invalid(P + "sandbox", p.getSandbox(), "must be true, false or auto");
            }
        }
        PropertyChecks.apply(P + "extra-args", p.getExtraArgs(), b::extraArgs);
        PropertyChecks.apply(P + "slots-per-browser", p.getSlotsPerBrowser(), b::slotsPerBrowser);
        PropertyChecks.apply(P + "session-timeout", p.getSessionTimeout(), b::sessionTimeout);
        PropertyChecks.apply(P + "navigation-timeout", p.getNavigationTimeout(), b::navigationTimeout);
        PropertyChecks.apply(P + "action-timeout", p.getActionTimeout(), b::actionTimeout);
        PropertyChecks.apply(P + "launch-timeout", p.getLaunchTimeout(), b::launchTimeout);
        if (p.getMaxDownloadSize() != null) {
            PropertyChecks.apply(P + "max-download-size", p.getMaxDownloadSize().toBytes(), b::maxDownloadBytes);
        }
        p.getAllowedHosts().forEach((source, hosts) -> PropertyChecks.apply(P + "allowed-hosts." + source, hosts,
                h -> b.allowHosts(source, h.toArray(String[]::new))));
        List<String> all = p.getAllowedHostsForAllSources();
        if (!all.isEmpty()) {
            PropertyChecks.apply(P + "allowed-hosts-for-all-sources", all,
                    h -> b.allowHostsForAllSources(h.toArray(String[]::new)));
        }
        PlaywrightConfig config;
        try {
            config = b.build();
        } catch (IllegalArgumentException e) {
            throw PropertyChecks.fromBuild(P, e, PROPERTIES, Map.of("maxDownloadBytes", "max-download-size"), environment);
        }
        PlaywrightExtractor.Builder x = PlaywrightExtractor.builder(config);
        p.getFlows().forEach((source, bean) -> x.flow(source, flow(flows, P + "flows." + source, bean)));
        if (p.getDefaultFlow() != null) {
            x.defaultFlow(flow(flows, P + "default-flow", p.getDefaultFlow()));
        } else if (p.getFlows().isEmpty()) {
            if (flows.size() != 1) {
                throw PropertyChecks.invalid(P + "flows", null, "there are " + flows.size() + " RegistryFlow beans "
                        + flows.keySet() + ": name the flow of each source (docket.playwright.flows.<source>=<bean>) "
                        + "or a docket.playwright.default-flow");
            }
            x.defaultFlow(flows.values().iterator().next());
        }
        return x.build();
    }

    private static RegistryFlow flow(Map<String, RegistryFlow> flows, String property, String bean) {
        RegistryFlow f = flows.get(bean);
        if (f == null) {
            throw PropertyChecks.invalid(property, bean, "no RegistryFlow bean of that name (there are "
                    + flows.keySet() + ")");
        }
        return f;
    }
}
