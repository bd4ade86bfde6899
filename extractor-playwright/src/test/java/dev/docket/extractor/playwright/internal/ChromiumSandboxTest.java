package dev.docket.extractor.playwright.internal;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ChromiumSandboxTest {
    private static final ChromiumSandbox.Host USER = new ChromiumSandbox.Host(1000, true, false);
    private static final ChromiumSandbox.Host ROOT = new ChromiumSandbox.Host(0, true, true);
    private static final ChromiumSandbox.Host NO_USERNS = new ChromiumSandbox.Host(1000, false, false);
    private static final ChromiumSandbox.Host NO_USERNS_SETUID = new ChromiumSandbox.Host(1000, false, true);
    private static final ChromiumSandbox.Host NOT_LINUX = new ChromiumSandbox.Host(-1, true, false);

    @Test
    void autoIsOnForAnOrdinaryUserAndOffForRootOrWithoutUserNamespaces() {
        assertThat(ChromiumSandbox.decide(Optional.empty(), USER).enabled()).isTrue();
        assertThat(ChromiumSandbox.decide(Optional.empty(), NOT_LINUX).enabled()).isTrue();
        assertThat(ChromiumSandbox.decide(Optional.empty(), NO_USERNS_SETUID).enabled()).as("the setuid helper works").isTrue();
        ChromiumSandbox root = ChromiumSandbox.decide(Optional.empty(), ROOT);
        assertThat(root.enabled()).isFalse();
        assertThat(root.reason()).contains("root");
        ChromiumSandbox noUserns = ChromiumSandbox.decide(Optional.empty(), NO_USERNS);
        assertThat(noUserns.enabled()).isFalse();
        assertThat(noUserns.reason()).contains("user namespaces");
    }

    @Test
    void anExplicitSettingWinsEverywhere() {
        for (ChromiumSandbox.Host host : new ChromiumSandbox.Host[] {USER, ROOT, NO_USERNS, NOT_LINUX}) {
            assertThat(ChromiumSandbox.decide(Optional.of(true), host).enabled()).isTrue();
            assertThat(ChromiumSandbox.decide(Optional.of(false), host).enabled()).isFalse();
        }
    }

    @Test
    void onlyAutoFallsBackWhenChromiumCannotStartWithItsSandbox() {
        String rootFailure = "[1234:1234:0101/000000.000000:ERROR:zygote_host_impl_linux.cc(101)] Running as root "
                + "without --no-sandbox is not supported. See https://crbug.com/638180.";
        String noUserns = "No usable sandbox! If you are running on Ubuntu 23.10+ or another Linux distro that has disabled "
                + "unprivileged user namespaces with AppArmor, see ...";
        assertThat(ChromiumSandbox.isSandboxFailure(rootFailure)).isTrue();
        assertThat(ChromiumSandbox.isSandboxFailure(noUserns)).isTrue();
        assertThat(ChromiumSandbox.isSandboxFailure("chromium exited with code 3: I am not a browser")).isFalse();

        ChromiumSandbox auto = ChromiumSandbox.decide(Optional.empty(), USER);
        assertThat(auto.turnOffAfterFailure(noUserns)).isTrue();
        assertThat(auto.enabled()).isFalse();
        assertThat(auto.reason()).contains("could not start");

        ChromiumSandbox required = ChromiumSandbox.decide(Optional.of(true), USER);
        assertThat(required.turnOffAfterFailure(noUserns)).as("a required sandbox is never dropped").isFalse();
        assertThat(required.enabled()).isTrue();
    }

    @Test
    void theCurrentHostIsReadFromTheSystem() {
        ChromiumSandbox.Host here = ChromiumSandbox.Host.current(null);
        if (java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self"))) {
            assertThat(here.uid).isGreaterThanOrEqualTo(0);
        }
    }
}
