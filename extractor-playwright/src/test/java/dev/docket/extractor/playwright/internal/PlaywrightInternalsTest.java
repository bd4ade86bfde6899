package dev.docket.extractor.playwright.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fails on a Playwright upgrade, saying what to check: {@link PlaywrightInternals} reaches into Playwright's
 * implementation classes, which Playwright may change in any release.
 */
class PlaywrightInternalsTest {

    @Test
    void everyPlaywrightMemberDocketUsesExistsInThisPlaywright() {
        assertThat(PlaywrightInternals.missingMembers())
                .as("PlaywrightInternals was written for Playwright %s; this is Playwright %s and lacks these members: "
                                + "rewrite them against its sources (impl.Connection, ChannelOwner, BrowserImpl, DownloadImpl, "
                                + "WaitableResult)", PlaywrightInternals.WRITTEN_FOR, PlaywrightInternals.playwrightVersion())
                .isEmpty();
        assertThat(PlaywrightInternals.problem()).isNull();
        assertThat(PlaywrightInternals.canWatchDownloads()).isTrue();
    }

    @Test
    void thePlaywrightOnTheClassPathIsTheOneTheInternalsWereWrittenFor() {
        assertThat(PlaywrightInternals.playwrightVersion())
                .as("the pom's playwright.version changed: PlaywrightInternals was written for Playwright %s. Check each "
                        + "member it looks up against the new version's sources (and PlaywrightErrorsTest's message forms), "
                        + "then update PlaywrightInternals.WRITTEN_FOR", PlaywrightInternals.WRITTEN_FOR)
                .isEqualTo(PlaywrightInternals.WRITTEN_FOR);
    }
}
