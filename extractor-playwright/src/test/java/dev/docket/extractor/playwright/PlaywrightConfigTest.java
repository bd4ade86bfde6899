package dev.docket.extractor.playwright;

import dev.docket.extractor.playwright.internal.ChromiumDefaults;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlaywrightConfigTest {

    @Test
    void defaultsAreTheNamedConstants() {
        PlaywrightConfig c = PlaywrightConfig.builder().build();
        assertThat(c.sessionTimeout()).isEqualTo(PlaywrightConfig.DEFAULT_SESSION_TIMEOUT).isEqualTo(Duration.ofMinutes(4));
        assertThat(c.slotsPerBrowser()).isEqualTo(PlaywrightConfig.DEFAULT_SLOTS_PER_BROWSER);
        assertThat(c.navigationTimeout()).isEqualTo(PlaywrightConfig.DEFAULT_NAVIGATION_TIMEOUT);
        assertThat(c.actionTimeout()).isEqualTo(PlaywrightConfig.DEFAULT_ACTION_TIMEOUT);
        assertThat(c.maxDownloadBytes()).isEqualTo(PlaywrightConfig.DEFAULT_MAX_DOWNLOAD_BYTES);
        assertThat(c.headless()).isTrue();
        assertThat(c.allowedHosts("any")).as("nothing is allowed unless allowed").isEmpty();
        // the machine-dependent defaults are decided at start(), by ChromiumDefaults
        ChromiumDefaults.Resolved paths = ChromiumDefaults.resolve(c);
        assertThat(paths.driverDirectory().toString()).contains("playwright-driver-");
        assertThat(paths.tempDirectory()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize());
        if (java.nio.file.Files.isExecutable(PlaywrightConfig.DEFAULT_CHROMIUM_PATH)) {
            assertThat(paths.executable()).isEqualTo(PlaywrightConfig.DEFAULT_CHROMIUM_PATH);
        } else {
            assertThat(paths.executable()).as("Playwright's own chromium").isNull();
        }
    }

    @Test
    void anExplicitNullExecutableMeansPlaywrightsOwnChromium() {
        PlaywrightConfig c = PlaywrightConfig.builder().executablePath(null).build();
        assertThat(c.executablePath()).isEmpty();
        assertThat(c.usesDefaultExecutable()).isFalse();
        assertThat(ChromiumDefaults.resolve(c).executable()).as("even when /usr/bin/chromium exists").isNull();
    }

    // issue #12 item 5: build() copies the settings; it neither probes the disk nor writes into the builder

    @Test
    void buildLeavesTheMachineDependentDefaultsUnsetAndTheBuilderUnchanged() {
        PlaywrightConfig.Builder b = PlaywrightConfig.builder();
        PlaywrightConfig first = b.build();
        assertThat(first.executablePath()).as("not probed at build()").isEmpty();
        assertThat(first.usesDefaultExecutable()).isTrue();
        assertThat(first.driverDirectory()).as("decided at start()").isEmpty();
        assertThat(first.tempDirectory()).as("decided at start()").isEmpty();
        PlaywrightConfig second = b.build();
        assertThat(second.toString()).as("a second build() sees the builder as the first did").isEqualTo(first.toString());
        assertThat(b.tempDirectory(Path.of("relative/tmp")).build().tempDirectory())
                .contains(Path.of("relative/tmp").toAbsolutePath().normalize());
    }

    @Test
    void buildRejectsBadValuesNamingTheFieldAndTheValue() {
        assertThatThrownBy(() -> PlaywrightConfig.builder().slotsPerBrowser(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slotsPerBrowser").hasMessageContaining("0");
        assertThatThrownBy(() -> PlaywrightConfig.builder().sessionTimeout(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("sessionTimeout").hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> PlaywrightConfig.builder().navigationTimeout(Duration.ZERO).build())
                .hasMessageContaining("navigationTimeout");
        assertThatThrownBy(() -> PlaywrightConfig.builder().maxDownloadBytes(0).build())
                .hasMessageContaining("maxDownloadBytes").hasMessageContaining("0");
        assertThatThrownBy(() -> PlaywrightConfig.builder().executablePath(Path.of("chromium")).build())
                .hasMessageContaining("executablePath").hasMessageContaining("'chromium'");
        assertThatThrownBy(() -> PlaywrightConfig.builder().extraArgs(List.of("--remote-debugging-port=9222")).build())
                .hasMessageContaining("extraArgs").hasMessageContaining("--remote-debugging-port=9222");
        assertThatThrownBy(() -> PlaywrightConfig.builder().allowHosts("reg-a", "http://registry.example.org/").build())
                .hasMessageContaining("allowHosts(reg-a)").hasMessageContaining("http://registry.example.org/");
        assertThatThrownBy(() -> PlaywrightConfig.builder().allowHosts("reg-a", "registry.example.org:70000").build())
                .hasMessageContaining("70000");
    }

    @Test
    void readsTheEnvironmentIncludingTheOldSystemsSessionTimeout() {
        PlaywrightConfig c = PlaywrightConfig.fromEnvironment(Map.of(
                "DOCKET_CHROMIUM_PATH", "/opt/chrome/chrome",
                "SESSION_TIMEOUT", "240000",
                "PLAYWRIGHT_DRIVER_DIR", "/var/cache/pw-driver",
                "PLAYWRIGHT_NODEJS_PATH", "/usr/bin/node",
                "DOCKET_BROWSER_SLOTS", "2",
                "DOCKET_HEADLESS", "false",
                "DOCKET_CHROMIUM_ARGS", "--lang=fr-FR  --disable-gpu",
                "DOCKET_MAX_DOWNLOAD_BYTES", "1000",
                "DOCKET_ALLOWED_HOSTS", "reg-a=registry.example.org, files.example.org;*=*.gouv.example")).build();
        assertThat(c.executablePath()).contains(Path.of("/opt/chrome/chrome"));
        assertThat(c.sessionTimeout()).isEqualTo(Duration.ofMinutes(4));
        assertThat(c.driverDirectory()).contains(Path.of("/var/cache/pw-driver"));
        assertThat(c.nodePath()).contains(Path.of("/usr/bin/node"));
        assertThat(c.slotsPerBrowser()).isEqualTo(2);
        assertThat(c.headless()).isFalse();
        assertThat(c.extraArgs()).containsExactly("--lang=fr-FR", "--disable-gpu");
        assertThat(c.maxDownloadBytes()).isEqualTo(1000);
        assertThat(c.allowedHosts("reg-a")).containsExactlyInAnyOrder("registry.example.org", "files.example.org");
        assertThat(c.allowedHosts("reg-b")).containsExactly("*.gouv.example");
    }

    @Test
    void aBadEnvironmentValueNamesTheVariable() {
        assertThatThrownBy(() -> PlaywrightConfig.fromEnvironment(Map.of("SESSION_TIMEOUT", "4min")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SESSION_TIMEOUT").hasMessageContaining("4min");
        assertThatThrownBy(() -> PlaywrightConfig.fromEnvironment(Map.of("DOCKET_HEADLESS", "yes")))
                .hasMessageContaining("DOCKET_HEADLESS").hasMessageContaining("yes");
        assertThatThrownBy(() -> PlaywrightConfig.fromEnvironment(Map.of("DOCKET_ALLOWED_HOSTS", "registry.example.org")))
                .hasMessageContaining("DOCKET_ALLOWED_HOSTS").hasMessageContaining("registry.example.org");
        assertThatThrownBy(() -> PlaywrightConfig.fromEnvironment(Map.of("SESSION_TIMEOUT", "0")).build())
                .hasMessageContaining("sessionTimeout");
        // moved from WorkerConfigTest: SESSION_TIMEOUT is read here only (issue #12 item 5)
        assertThatThrownBy(() -> PlaywrightConfig.fromEnvironment(Map.of("SESSION_TIMEOUT", "-1")))
                .hasMessageContaining("SESSION_TIMEOUT=-1").hasMessageContaining("sessionTimeout must be > 0");
        assertThatThrownBy(() -> PlaywrightConfig.fromEnvironment(Map.of("DOCKET_NAVIGATION_TIMEOUT", "0")))
                .hasMessageContaining("DOCKET_NAVIGATION_TIMEOUT=0").hasMessageContaining("navigationTimeout must be > 0");
        assertThatThrownBy(() -> PlaywrightConfig.fromEnvironment(Map.of("DOCKET_BROWSER_SLOTS", "four")))
                .hasMessage("DOCKET_BROWSER_SLOTS must be a whole number but was 'four'");
    }

    @Test
    void theSandboxIsAutoUnlessSetAndCanBeSetFromTheEnvironment() {
        assertThat(PlaywrightConfig.builder().build().sandbox()).as("auto").isEmpty();
        assertThat(PlaywrightConfig.builder().sandbox(false).build().sandbox()).contains(false);
        assertThat(PlaywrightConfig.builder().sandbox(true).build().sandbox()).contains(true);
        assertThat(PlaywrightConfig.fromEnvironment(Map.of("DOCKET_CHROMIUM_SANDBOX", "false")).build().sandbox()).contains(false);
        assertThat(PlaywrightConfig.fromEnvironment(Map.of("DOCKET_CHROMIUM_SANDBOX", "TRUE")).build().sandbox()).contains(true);
        assertThat(PlaywrightConfig.fromEnvironment(Map.of("DOCKET_CHROMIUM_SANDBOX", "auto")).build().sandbox()).isEmpty();
        assertThatThrownBy(() -> PlaywrightConfig.fromEnvironment(Map.of("DOCKET_CHROMIUM_SANDBOX", "off")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DOCKET_CHROMIUM_SANDBOX").hasMessageContaining("'off'");
    }

    @Test
    void extraArgsThatWouldUndoTheConfinementAreRejected() {
        for (String arg : List.of("--no-sandbox", "--remote-debugging-port=9222", "--remote-debugging-address=0.0.0.0",
                "--webrtc-ip-handling-policy=default", "--force-webrtc-ip-handling-policy=default")) {
            assertThatThrownBy(() -> PlaywrightConfig.builder().extraArgs(List.of("--lang=fr-FR", arg)).build())
                    .as(arg).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("extraArgs").hasMessageContaining(arg);
        }
        assertThatThrownBy(() -> PlaywrightConfig.builder().extraArgs(List.of("--no-sandbox")).build())
                .hasMessageContaining("sandbox(false)").hasMessageContaining("DOCKET_CHROMIUM_SANDBOX=false");
    }

    @Test
    void allowListEntriesAreCheckedAtBuildNamingTheSourceAndTheEntry() {
        for (String entry : List.of("*.com", "*.co.uk", "a..example.org", "2130706433", "0x7f.1", "127.1", "*")) {
            assertThatThrownBy(() -> PlaywrightConfig.builder().allowHosts("reg-a", "registry.example.org", entry).build())
                    .as(entry).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("allowHosts(reg-a)").hasMessageContaining("'" + entry + "'");
            assertThatThrownBy(() -> PlaywrightConfig.builder().allowHostsForAllSources(entry).build())
                    .as(entry).hasMessageContaining("allowHostsForAllSources").hasMessageContaining("'" + entry + "'");
        }
        assertThatThrownBy(() -> PlaywrightConfig.fromEnvironment(Map.of("DOCKET_ALLOWED_HOSTS", "reg-a=*.com")).build())
                .hasMessageContaining("allowHosts(reg-a)").hasMessageContaining("'*.com'").hasMessageContaining("too broad");
        assertThatThrownBy(() -> PlaywrightConfig.builder().allowHosts("reg-a", "127.1").build())
                .hasMessageContaining("write 127.0.0.1");

        PlaywrightConfig c = PlaywrightConfig.builder().allowHosts("reg-a", "Registry.Example.org.", "*.Files.Example.org:8443").build();
        assertThat(c.allowedHosts("reg-a")).as("normalised").containsExactlyInAnyOrder("registry.example.org", "*.files.example.org:8443");
    }
}
