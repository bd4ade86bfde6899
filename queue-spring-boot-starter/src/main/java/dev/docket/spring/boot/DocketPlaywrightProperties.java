package dev.docket.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code docket.playwright.*} properties of the {@code PlaywrightExtractor} the starter builds from
 * {@code RegistryFlow} beans when {@code extractor-playwright} is on the classpath. Unset ones fall back to
 * {@code PlaywrightConfig.fromEnvironment()}'s variables ({@code DOCKET_CHROMIUM_PATH}, {@code SESSION_TIMEOUT},
 * ...), then to its defaults.
 */
@ConfigurationProperties(prefix = "docket.playwright")
public class DocketPlaywrightProperties {

    /** The chromium (or Chrome) executable; env DOCKET_CHROMIUM_PATH; default /usr/bin/chromium when present. */
    private Path executablePath;

    /** Where Playwright's driver is installed; env PLAYWRIGHT_DRIVER_DIR. */
    private Path driverDirectory;

    /** The node executable the driver runs on; env PLAYWRIGHT_NODEJS_PATH. */
    private Path nodePath;

    /** Where browser profiles and downloads go. */
    private Path tempDirectory;

    /** Whether chromium runs headless; env DOCKET_HEADLESS; default true. */
    private Boolean headless;

    /** Chromium's sandbox: true, false or auto (on where the OS allows it); env DOCKET_CHROMIUM_SANDBOX. */
    private String sandbox;

    /** Extra chromium command-line arguments; env DOCKET_CHROMIUM_ARGS. */
    private List<String> extraArgs;

    /** Runtime slots sharing one browser process (1-64); env DOCKET_BROWSER_SLOTS; default 4. */
    private Integer slotsPerBrowser;

    /** How long a slot may reuse one browser session; env SESSION_TIMEOUT (ms); default 4m. */
    private Duration sessionTimeout;

    /** Navigation timeout of a page; env DOCKET_NAVIGATION_TIMEOUT (ms); default 30s. */
    private Duration navigationTimeout;

    /** Timeout of a page action; env DOCKET_ACTION_TIMEOUT (ms); default 10s. */
    private Duration actionTimeout;

    /** How long a browser may take to start; default 30s. */
    private Duration launchTimeout;

    /** Largest document a download may bring (at most 1GB); env DOCKET_MAX_DOWNLOAD_BYTES; default 50MB. */
    private DataSize maxDownloadSize;

    /** Hosts each document source may reach besides its flow's start page (source to host names, * wildcards). */
    private Map<String, List<String>> allowedHosts = new LinkedHashMap<>();

    /** Hosts every source may reach. */
    private List<String> allowedHostsForAllSources = new ArrayList<>();

    /** Which RegistryFlow bean runs each document source (source to bean name). */
    private Map<String, String> flows = new LinkedHashMap<>();

    /** The RegistryFlow bean for sources without a flow of their own; default the only RegistryFlow bean. */
    private String defaultFlow;

    public Path getExecutablePath() {
        return executablePath;
    }

    public void setExecutablePath(Path executablePath) {
        this.executablePath = executablePath;
    }

    public Path getDriverDirectory() {
        return driverDirectory;
    }

    public void setDriverDirectory(Path driverDirectory) {
        this.driverDirectory = driverDirectory;
    }

    public Path getNodePath() {
        return nodePath;
    }

    public void setNodePath(Path nodePath) {
        this.nodePath = nodePath;
    }

    public Path getTempDirectory() {
        return tempDirectory;
    }

    public void setTempDirectory(Path tempDirectory) {
        this.tempDirectory = tempDirectory;
    }

    public Boolean getHeadless() {
        return headless;
    }

    public void setHeadless(Boolean headless) {
        this.headless = headless;
    }

    public String getSandbox() {
        return sandbox;
    }

    public void setSandbox(String sandbox) {
        this.sandbox = sandbox;
    }

    public List<String> getExtraArgs() {
        return extraArgs;
    }

    public void setExtraArgs(List<String> extraArgs) {
        this.extraArgs = extraArgs;
    }

    public Integer getSlotsPerBrowser() {
        return slotsPerBrowser;
    }

    public void setSlotsPerBrowser(Integer slotsPerBrowser) {
        this.slotsPerBrowser = slotsPerBrowser;
    }

    public Duration getSessionTimeout() {
        return sessionTimeout;
    }

    public void setSessionTimeout(Duration sessionTimeout) {
        this.sessionTimeout = sessionTimeout;
    }

    public Duration getNavigationTimeout() {
        return navigationTimeout;
    }

    public void setNavigationTimeout(Duration navigationTimeout) {
        this.navigationTimeout = navigationTimeout;
    }

    public Duration getActionTimeout() {
        return actionTimeout;
    }

    public void setActionTimeout(Duration actionTimeout) {
        this.actionTimeout = actionTimeout;
    }

    public Duration getLaunchTimeout() {
        return launchTimeout;
    }

    public void setLaunchTimeout(Duration launchTimeout) {
        this.launchTimeout = launchTimeout;
    }

    public DataSize getMaxDownloadSize() {
        return maxDownloadSize;
    }

    public void setMaxDownloadSize(DataSize maxDownloadSize) {
        this.maxDownloadSize = maxDownloadSize;
    }

    public Map<String, List<String>> getAllowedHosts() {
        return allowedHosts;
    }

    public void setAllowedHosts(Map<String, List<String>> allowedHosts) {
        this.allowedHosts = allowedHosts;
    }

    public List<String> getAllowedHostsForAllSources() {
        return allowedHostsForAllSources;
    }

    public void setAllowedHostsForAllSources(List<String> allowedHostsForAllSources) {
        this.allowedHostsForAllSources = allowedHostsForAllSources;
    }

    public Map<String, String> getFlows() {
        return flows;
    }

    public void setFlows(Map<String, String> flows) {
        this.flows = flows;
    }

    public String getDefaultFlow() {
        return defaultFlow;
    }

    public void setDefaultFlow(String defaultFlow) {
        this.defaultFlow = defaultFlow;
    }
}
