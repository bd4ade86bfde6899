package dev.docket.extractor.playwright.internal;

import dev.docket.extractor.playwright.PlaywrightConfig;
import dev.docket.extractor.playwright.PlaywrightExtractor;
import dev.docket.queue.DocketException;
import dev.docket.queue.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The Playwright driver directory holds code Docket runs as this user ({@code node}, {@code package/}): it is only
 * used when this user or root owns it and nobody else can write it, and the no-home fallback in the shared temp
 * directory is a private directory of this user. Tests that simulate another user's directory chown it to
 * {@value #NOBODY} and need root.
 */
class DriverDirectoryTrustTest {
    static final int NOBODY = 65534;

    @TempDir
    Path tmp;
    private String savedCliDir;

    @BeforeEach
    void saveJvmWideDriverSetting() {
        savedCliDir = System.getProperty(DriverInstaller.CLI_DIR_PROPERTY);
        System.clearProperty(DriverInstaller.CLI_DIR_PROPERTY);
        assumeThat(System.getenv(PlaywrightConfig.ENV_DRIVER_DIR)).as("PLAYWRIGHT_DRIVER_DIR overrides the directory").isNull();
    }

    @AfterEach
    void restoreJvmWideDriverSetting() throws IOException {
        if (savedCliDir == null) {
            System.clearProperty(DriverInstaller.CLI_DIR_PROPERTY);
        } else {
            System.setProperty(DriverInstaller.CLI_DIR_PROPERTY, savedCliDir);
        }
        chown(tmp, FileTrust.currentUid().orElse(0)); // so that @TempDir can remove everything
    }

    static void assumeRoot() {
        assumeThat(FileTrust.currentUid().orElse(-1)).as("chown to another user needs root").isZero();
    }

    /** A driver whose node and cli.js, if ever run, leave {@code marker} behind. */
    static void plantDriver(Path dir, Path marker) throws IOException {
        Files.createDirectories(dir.resolve("package"));
        Files.writeString(dir.resolve("package").resolve("cli.js"), "require('fs').writeFileSync('" + marker + "', 'ran')\n");
        Path node = dir.resolve("node");
        Files.writeString(node, "#!/bin/sh\necho planted code ran > '" + marker + "'\nexit 1\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(node, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static void chown(Path tree, int uid) throws IOException {
        if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    private PlaywrightExtractor extractorWithDriverIn(Path driver) {
        return PlaywrightExtractor.builder(PlaywrightConfig.builder()
                        .executablePath(PlaywrightConfig.DEFAULT_CHROMIUM_PATH)
                        .driverDirectory(driver)
                        .tempDirectory(tmp.resolve("profiles"))
                        .build())
                .defaultFlow((page, job, ctx) -> Document.of(new byte[] {1}, "application/octet-stream"))
                .build();
    }

    @Test
    void aDriverDirectoryOwnedByAnotherUserIsRefusedAndNothingInItRuns() throws Exception {
        assumeRoot();
        Path planted = tmp.resolve("planted-driver");
        Path marker = tmp.resolve("marker");
        plantDriver(planted, marker);
        chown(planted, NOBODY);

        PlaywrightExtractor extractor = extractorWithDriverIn(planted);
        try {
            assertThatThrownBy(extractor::start).isInstanceOf(DocketException.class)
                    .hasMessageContaining(planted.toString())
                    .hasMessageContaining("owned by uid " + NOBODY)
                    .hasMessageContaining(PlaywrightConfig.ENV_DRIVER_DIR);
        } finally {
            extractor.close();
        }
        assertThat(marker).as("the planted node was never run").doesNotExist();
        assertThat(System.getProperty(DriverInstaller.CLI_DIR_PROPERTY)).as("nor handed to Playwright").isNull();
    }

    @Test
    void aDriverDirectoryOthersCanWriteIsRefused() throws Exception {
        Path driver = tmp.resolve("writable-driver");
        plantDriver(driver, tmp.resolve("marker"));
        Files.setPosixFilePermissions(driver, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> DriverInstaller.ensureInstalled(driver, null)).isInstanceOf(IOException.class)
                .hasMessageContaining(driver.toString()).hasMessageContaining("writable by others");

        Files.setPosixFilePermissions(driver, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(driver.resolve("node"), PosixFilePermissions.fromString("rwxrwxr-x"));
        assertThatThrownBy(() -> DriverInstaller.ensureInstalled(driver, null)).isInstanceOf(IOException.class)
                .hasMessageContaining(driver.resolve("node").toString()).hasMessageContaining("writable by others");

        Files.setPosixFilePermissions(driver.resolve("node"), PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(DriverInstaller.ensureInstalled(driver, null)).as("trusted once only its owner can write it").isEqualTo(driver);
    }

    @Test
    void withoutAHomeTheDriverGoesIntoAPrivateDirectoryOfThisUserInTheTempDirectory() throws Exception {
        Path dir = DriverInstaller.defaultDriverDirectory(null, "?", tmp);
        int uid = FileTrust.currentUid().orElseThrow();
        assertThat(dir.getParent()).isEqualTo(tmp.resolve("docket-" + uid));

        // installs the slim way (no Node.js copy): enough to see the directories it creates
        Path installed = DriverInstaller.ensureInstalled(dir, Path.of("/usr/bin/node"));
        assertThat(installed).isEqualTo(dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.getParent()))).isEqualTo("rwx------");
        assertThat(Files.getAttribute(dir.getParent(), "unix:uid")).isEqualTo(uid);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("package").resolve("cli.js"))))
                .as("nobody else may write what was installed").matches("rw[x-]r-[x-]r-[x-]");
    }

    @Test
    void aPrivateTempDirectoryPlantedByAnotherUserIsRefused() throws Exception {
        assumeRoot();
        Path dir = DriverInstaller.defaultDriverDirectory(null, "?", tmp);
        Path marker = tmp.resolve("marker");
        plantDriver(dir, marker);
        chown(dir.getParent(), NOBODY);

        assertThatThrownBy(() -> DriverInstaller.ensureInstalled(dir, null)).isInstanceOf(IOException.class)
                .hasMessageContaining("owned by uid " + NOBODY);
        assertThat(marker).doesNotExist();
    }
}
