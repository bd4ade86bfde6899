package dev.docket.extractor.playwright;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.testing.FakeRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the extractor tests against real chromium share: two fake registry sites on 127.0.0.1 (one allowed, one
 * not, as each test configures), the extractor under test, and the check after each test that
 * {@link PlaywrightExtractor#close()} left no chromium process behind.
 */
abstract class TwoSitesFixture {
    @TempDir
    Path tmp;
    FakeRegistry registry;
    FakeRegistry other;
    PlaywrightExtractor extractor;

    @BeforeEach
    void startSites() throws Exception {
        registry = new FakeRegistry();
        other = new FakeRegistry();
    }

    @AfterEach
    void closeEverything() throws Exception {
        if (extractor != null) {
            extractor.close();
        }
        registry.close();
        other.close();
        assertThat(Chromium.await(Duration.ofSeconds(10), () -> Chromium.processesUsing(tmp).isEmpty()))
                .as("no chromium process outlives close(): %s", Chromium.processesUsing(tmp)).isTrue();
        afterClose();
    }

    /** Further checks once the extractor and the sites are closed (and no chromium is left). */
    void afterClose() throws Exception {
    }
}
