package dev.docket.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.testing.ManualClock;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.NewJob;
import dev.docket.queue.StaleDecision;
import dev.docket.queue.StoreException;
import dev.docket.queue.StoredDocument;
import dev.docket.testing.RecordingWorkerListener.Event;
import dev.docket.testing.RecordingWorkerListener.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordingWorkerListenerTest {
    final RecordingWorkerListener events = new RecordingWorkerListener();
    final InMemoryJobStore store = new InMemoryJobStore(ManualClock.at(Instant.parse("2026-01-01T00:00:00Z")));

    Job claimed(String number) {
        store.enqueue(NewJob.of("reg-a", number));
        return store.claim("w-1", 1, Duration.ofSeconds(30)).get(0);
    }

    @Test
    void everyEventIsRecordedInOrderWithWhatCameWithIt() {
        Job a = claimed("A-1");
        Job b = claimed("B-1");
        StoreException down = new StoreException("connection refused (test)", true);
        events.onClaimed(a);
        events.onStarted(a, Duration.ofMillis(5));
        events.onCompleted(a, new StoredDocument("file:///a.pdf", "1", 3, "application/pdf"), Duration.ofSeconds(1));
        events.onFailed(b, "boom", Duration.ofSeconds(2));
        events.onRetryScheduled(b, "later", Duration.ofSeconds(3));
        events.onTimedOut(b, Duration.ofSeconds(4));
        events.onReleased(b, "shutdown");
        events.onLeaseLost(b.id(), "reset by another worker");
        events.onReset(b, StaleDecision.fail("dead"), "lease expired");
        events.onExtractorDown("browser crashed", null);
        events.onExtractorUp();
        events.onStoreUnavailable(down);
        events.onStoreRecovered(Duration.ofSeconds(9));

        assertThat(events.events()).extracting(Event::kind).containsExactly(Kind.values());
        assertThat(events.jobIds(Kind.COMPLETED)).containsExactly(a.id());
        assertThat(events.details(Kind.COMPLETED)).containsExactly("file:///a.pdf");
        assertThat(events.events(Kind.STARTED).get(0).duration()).isEqualTo(Duration.ofMillis(5));
        assertThat(events.details(Kind.FAILED)).containsExactly("boom");
        assertThat(events.events(Kind.LEASE_LOST).get(0).jobId()).isEqualTo(b.id());
        assertThat(events.events(Kind.LEASE_LOST).get(0).job()).isNull();
        assertThat(events.details(Kind.RESET).get(0)).endsWith(": lease expired");
        assertThat(events.events(Kind.STORE_UNAVAILABLE).get(0).error()).isSameAs(down);
        assertThat(events.events(Kind.EXTRACTOR_UP).get(0).jobId()).isZero();
        assertThat(events.count(Kind.RELEASED)).isEqualTo(1);
    }

    @Test
    void clearForgetsAndSnapshotsDoNotChange() {
        Job a = claimed("A-1");
        events.onClaimed(a);
        List<Event> before = events.events();
        events.clear();
        events.onStarted(a, Duration.ZERO);
        assertThat(before).extracting(Event::kind).containsExactly(Kind.CLAIMED);
        assertThat(events.events()).extracting(Event::kind).containsExactly(Kind.STARTED);
    }

    @Test
    void awaitCountReturnsOnceEnoughEventsCameAndOtherwiseFailsNamingWhatCame() {
        Job a = claimed("A-1");
        events.onClaimed(a);
        events.awaitCount(Kind.CLAIMED, 1);
        assertThat(events.count(Kind.CLAIMED)).isEqualTo(1);
    }

    @Test
    void eventsOfAKindNeedAKind() {
        assertThatThrownBy(() -> events.events(null)).isInstanceOf(NullPointerException.class).hasMessage("kind");
    }
}
