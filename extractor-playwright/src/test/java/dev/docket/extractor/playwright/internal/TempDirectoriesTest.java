package dev.docket.extractor.playwright.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweep of directories left by dead processes: it acts only on this user's directories, kills only a process
 * of this user whose arguments name the directory itself, and deletes without following links.
 */
class TempDirectoriesTest {
    /** A process id that is not running (above Linux's pid_max of 2^22). */
    private static final String DEAD_OWNER = "99999999 0";

    @TempDir
    Path root;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopProcessesAndGiveEverythingBack() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        DriverDirectoryTrustTest.chown(root, FileTrust.currentUid().orElse(0));
    }

    private Path deadOwnersDirectory(String name) throws IOException {
        Path dir = Files.createDirectory(root.resolve(name));
        Files.writeString(dir.resolve(TempDirectories.OWNER_FILE), DEAD_OWNER, StandardCharsets.US_ASCII);
        Files.createDirectories(dir.resolve("profile").resolve("Default"));
        Files.writeString(dir.resolve("profile").resolve("Default").resolve("Cookies"), "secret");
        return dir;
    }

    /** A live process of this user whose command line has {@code arg}, recorded as {@code dir}'s browser. */
    private Process browserOf(Path dir, String arg) throws Exception {
        // "; exit" keeps the shell (and its arguments) from being replaced by sleep
        Process p = new ProcessBuilder("sh", "-c", "sleep 60; exit 0", "fake-chromium", arg).start();
        started.add(p);
        TempDirectories.recordBrowserPid(dir, p.pid());
        return p;
    }

    @Test
    void directoriesOfDeadOwnersAreRemovedButOnlyThisUsers() throws Exception {
        Path mine = deadOwnersDirectory(TempDirectories.BROWSER_PREFIX + "mine");
        Path theirs = deadOwnersDirectory(TempDirectories.BROWSER_PREFIX + "theirs");
        DriverDirectoryTrustTest.assumeRoot();
        DriverDirectoryTrustTest.chown(theirs, DriverDirectoryTrustTest.NOBODY);

        assertThat(TempDirectories.sweep(root)).isEqualTo(1);
        assertThat(mine).doesNotExist();
        assertThat(theirs.resolve("profile").resolve("Default").resolve("Cookies")).as("another user's directory is left alone").exists();
    }

    @Test
    void anOrphanBrowserIsKilledOnlyWhenAnArgumentNamesItsDirectoryExactly() throws Exception {
        Path dir = deadOwnersDirectory(TempDirectories.BROWSER_PREFIX + "ab");
        // its name is a prefix of another directory's: a substring match would take this process for dir's browser
        Process unrelated = browserOf(dir, "--user-data-dir=" + root.resolve(TempDirectories.BROWSER_PREFIX + "abc").resolve("profile"));
        TempDirectories.sweep(root);
        assertThat(unrelated.isAlive()).as("a process of another directory is not killed").isTrue();
        assertThat(dir).doesNotExist();

        Path orphaned = deadOwnersDirectory(TempDirectories.BROWSER_PREFIX + "xy");
        Process browser = browserOf(orphaned, "--user-data-dir=" + orphaned.resolve("profile"));
        TempDirectories.sweep(root);
        assertThat(browser.waitFor(10, TimeUnit.SECONDS)).as("the orphaned browser of the directory is killed").isTrue();
        assertThat(orphaned).doesNotExist();
    }

    @Test
    void deletingNeverFollowsALink() throws Exception {
        Path outside = Files.createDirectory(root.resolve("outside"));
        Path precious = Files.writeString(outside.resolve("precious"), "keep me");
        Path dir = deadOwnersDirectory(TempDirectories.BROWSER_PREFIX + "links");
        Files.createSymbolicLink(dir.resolve("profile").resolve("to-dir"), outside);
        Files.createSymbolicLink(dir.resolve("to-file"), precious);
        Path topLink = Files.createSymbolicLink(root.resolve("top-link"), outside);

        TempDirectories.sweep(root);
        assertThat(dir).doesNotExist();
        TempDirectories.deleteRecursively(topLink);
        assertThat(Files.exists(topLink, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(precious).as("what links point to is never deleted").hasContent("keep me");
    }

    @Test
    void aDirectoryLinkNamedLikeABrowserDirectoryIsNotSwept() throws Exception {
        Path outside = deadOwnersDirectory("outside-with-a-dead-stamp");
        Path link = Files.createSymbolicLink(root.resolve(TempDirectories.BROWSER_PREFIX + "link"), outside);
        TempDirectories.sweep(root);
        assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(outside.resolve("profile").resolve("Default").resolve("Cookies")).exists();
    }
}
