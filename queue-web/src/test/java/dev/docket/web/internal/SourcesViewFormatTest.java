package dev.docket.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.SourcePolicy;
import dev.docket.queue.SourceStatus;
import dev.docket.queue.SourceStatus.State;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SourcesViewFormatTest {
    private static final Instant T = Instant.parse("2026-01-31T10:00:00Z");
    private static final SourcePolicy RATED = SourcePolicy.builder().rate(SourcePolicy.Rate.perSecond(20).withBurst(5))
            .build();

    private static SourceStatus status(State state, String reason, double effectiveRate) {
        return new SourceStatus("<s>", 0, 0, RATED, true, state, state == State.OPEN || state == State.BLOCKED ? T : null,
                reason, effectiveRate, 0, 0, 0, null, null, null);
    }

    @Test
    void theBadgeNamesTheStateAndTheRestSaysWhyAndUntilWhenEscaped() {
        assertThat(SourcesView.stateBadge(status(State.CLOSED, null, 20))).isEqualTo(
                "<span class=\"badge source-closed\" title=\"closed\">closed</span>");
        assertThat(SourcesView.stateBadge(status(State.HALF_OPEN, null, 20))).endsWith(">half-open</span>");
        assertThat(SourcesView.stateBadge(status(State.PAUSED, "<b>why</b>", 20)))
                .endsWith(">paused</span> &lt;b&gt;why&lt;/b&gt;");
        assertThat(SourcesView.stateBadge(status(State.OPEN, null, 20))).endsWith(">open</span> until " + T);
        assertThat(SourcesView.stateBadge(status(State.BLOCKED, "429 \"slow down\"", 20)))
                .contains("title=\"blocked until " + T + ": 429 &quot;slow down&quot;\"")
                .endsWith(">blocked</span> until " + T + ": 429 &quot;slow down&quot;");
    }

    @Test
    void theRateShowsTheBurstAndTheEffectiveRateOnlyWhenThrottlingLoweredIt() {
        assertThat(SourcesView.rate(status(State.CLOSED, null, 20))).isEqualTo("20/s burst 5");
        assertThat(SourcesView.rate(status(State.CLOSED, null, 2.5))).isEqualTo("20/s burst 5 (now 2.50/s after"
                + " throttling)");
        assertThat(SourcesView.rate(new SourceStatus("s", 0, 0, SourcePolicy.defaults(), false, State.CLOSED, null,
                null, 0, 0, 0, 0, null, null, null))).isEqualTo("none");
    }
}
