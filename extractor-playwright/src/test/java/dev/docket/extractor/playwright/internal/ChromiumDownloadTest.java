package dev.docket.extractor.playwright.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Installing Playwright's own chromium on a machine without internet access (simulated by pointing Playwright's
 * download host at a loopback port that accepts connections and never answers, or refuses them): the install
 * fails fast with one line that says what to install or set, not after Playwright's five 30 s attempts with a
 * Node.js stack trace.
 */
class ChromiumDownloadTest {
    private static final Path DRIVER_DIR = Path.of("target", "playwright-driver").toAbsolutePath();

    @TempDir
    Path tmp;
    private ServerSocket blackHole;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private String savedCliDir;

    @BeforeEach
    void openABlackHole() throws IOException {
        savedCliDir = System.getProperty(DriverInstaller.CLI_DIR_PROPERTY);
        blackHole = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(blackHole.accept()); // and never answer
                }
            } catch (IOException e) {
                // closed by the test
            }
        }, "black-hole");
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void close() throws IOException {
        blackHole.close();
        for (Socket s : accepted) {
            s.close();
        }
        if (savedCliDir == null) {
            System.clearProperty(DriverInstaller.CLI_DIR_PROPERTY);
        } else {
            System.setProperty(DriverInstaller.CLI_DIR_PROPERTY, savedCliDir);
        }
    }

    private Map<String, String> offline(String host) {
        return Map.of("PLAYWRIGHT_DOWNLOAD_HOST", host, "PLAYWRIGHT_BROWSERS_PATH", tmp.resolve("browsers").toString());
    }

    private static void assertOneClearLine(Throwable e) {
        assertThat(e.getMessage())
                .doesNotContain("\n").doesNotContain("    at ")
                .contains("download");
    }

    @Test
    void aDownloadThatNeverStartsIsGivenUpQuicklyWithOneClearLine() throws Exception {
        Path driver = DriverInstaller.ensureInstalled(DRIVER_DIR, null);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> DriverInstaller.installChromium(driver, null,
                offline("http://127.0.0.1:" + blackHole.getLocalPort())))
                .isInstanceOf(IOException.class)
                .satisfies(ChromiumDownloadTest::assertOneClearLine)
                .hasMessageContaining("did not start within");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("given up well before Playwright's own 5 x 30 s")
                .isLessThan(Duration.ofSeconds(30));
        assertThat(ProcessHandle.current().descendants().filter(p -> p.info().commandLine().orElse("").contains("cli.js")))
                .as("the install process is stopped").isEmpty();
    }

    @Test
    void aRefusedDownloadFailsWithPlaywrightsReasonOnOneLine() throws Exception {
        Path driver = DriverInstaller.ensureInstalled(DRIVER_DIR, null);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        int port = closedPort;
        assertThatThrownBy(() -> DriverInstaller.installChromium(driver, null, offline("http://127.0.0.1:" + port)))
                .isInstanceOf(IOException.class)
                .satisfies(ChromiumDownloadTest::assertOneClearLine)
                .hasMessageContaining("ECONNREFUSED");
    }
}
