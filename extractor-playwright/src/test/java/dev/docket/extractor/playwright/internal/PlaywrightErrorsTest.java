package dev.docket.extractor.playwright.internal;

import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.TimeoutError;
import com.microsoft.playwright.impl.TargetClosedError;
import dev.docket.extractor.playwright.internal.PlaywrightErrors.Outcome;
import dev.docket.extractor.playwright.internal.PlaywrightErrors.Signal;
import dev.docket.queue.ExtractionException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One test per message form Playwright 1.62 (Java client and its Node server) uses, so an upgrade that changes one
 * fails here, by name, instead of silently turning a browser crash into a transient job failure.
 */
class PlaywrightErrorsTest {

    private static Signal signal(String message) {
        return PlaywrightErrors.signal(new PlaywrightException(message));
    }

    @Test
    void targetClosedErrorOfTheJavaClientIsAClosedSignal() {
        assertThat(PlaywrightErrors.signal(new TargetClosedError())).isEqualTo(Signal.CLOSED);
        assertThat(PlaywrightErrors.signal(new TargetClosedError("whatever the server said"))).isEqualTo(Signal.CLOSED);
    }

    @Test
    void targetPageContextOrBrowserHasBeenClosedIsAClosedSignal() {
        assertThat(signal("Target page, context or browser has been closed")).isEqualTo(Signal.CLOSED);
        assertThat(signal("Error {\n  message='page.goto: Target page, context or browser has been closed\nCall log: ...'\n}"))
                .isEqualTo(Signal.CLOSED);
    }

    @Test
    void browserHasBeenClosedIsAClosedSignal() {
        assertThat(signal("Browser has been closed")).isEqualTo(Signal.CLOSED);
        assertThat(signal("browserContext.newPage: Browser closed.")).isEqualTo(Signal.CLOSED);
    }

    @Test
    void connectionClosedIsAClosedSignal() {
        assertThat(signal("Connection closed")).isEqualTo(Signal.CLOSED);
        assertThat(signal("page.goto: Connection closed.")).isEqualTo(Signal.CLOSED);
    }

    @Test
    void playwrightConnectionClosedOfOurTransportIsAClosedSignal() {
        assertThat(signal("Playwright connection closed")).isEqualTo(Signal.CLOSED);
        assertThat(signal("Playwright connection closed: the browser server closed the connection")).isEqualTo(Signal.CLOSED);
    }

    @Test
    void protocolErrorTargetClosedIsAClosedSignal() {
        assertThat(signal("Protocol error (Page.navigate): Target closed.")).isEqualTo(Signal.CLOSED);
        assertThat(signal("Protocol error (Runtime.callFunctionOn): Session closed. Most likely the page has been closed."))
                .isEqualTo(Signal.CLOSED);
    }

    @Test
    void aCrashedPageIsNotABrowserCrash() {
        assertThat(signal("page.goto: Navigation failed because page crashed!")).isEqualTo(Signal.PAGE_CRASHED);
        assertThat(signal("Target crashed")).isEqualTo(Signal.PAGE_CRASHED);
    }

    @Test
    void netErrorsAreNetworkSignalsEvenWhenTheyNameAClosedConnection() {
        assertThat(signal("page.goto: net::ERR_CONNECTION_CLOSED at http://127.0.0.1:1/")).isEqualTo(Signal.NETWORK);
        assertThat(signal("page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:1/")).isEqualTo(Signal.NETWORK);
        assertThat(signal("net::ERR_NAME_NOT_RESOLVED at https://registry.example.org/")).isEqualTo(Signal.NETWORK);
        assertThat(signal("page.goto: net::ERR_TUNNEL_CONNECTION_FAILED at https://elsewhere.example/")).isEqualTo(Signal.NETWORK);
    }

    @Test
    void timeoutExceededIsATimeoutSignalWithOrWithoutTheTimeoutErrorClass() {
        assertThat(PlaywrightErrors.signal(new TimeoutError("Timeout 30000ms exceeded."))).isEqualTo(Signal.TIMEOUT);
        assertThat(signal("page.waitForSelector: Timeout 10000ms exceeded.\nCall log:\n  - waiting for locator('#x')"))
                .isEqualTo(Signal.TIMEOUT);
    }

    @Test
    void anInterruptedReadIsAnInterruptedSignal() {
        assertThat(PlaywrightErrors.signal(new PlaywrightException("Failed to read message", new InterruptedException())))
                .isEqualTo(Signal.INTERRUPTED);
    }

    @Test
    void anythingElseIsOther() {
        assertThat(signal("Error: strict mode violation: locator('a') resolved to 2 elements")).isEqualTo(Signal.OTHER);
        assertThat(PlaywrightErrors.signal(new IllegalStateException("boom"))).isEqualTo(Signal.OTHER);
        assertThat(signal(null)).isEqualTo(Signal.OTHER);
    }

    // ---- outcomes ----

    private static PlaywrightErrors.Facts facts() {
        return new PlaywrightErrors.Facts(7, null, false, false, false, "chromium #0 (pid 1)", 137);
    }

    @Test
    void aViolationIsPermanentWhateverTheException() {
        ExtractionException e = PlaywrightErrors.classify(new TargetClosedError(),
                new PlaywrightErrors.Facts(7, "navigated to a host not allowed", true, true, true, "b", 1));
        assertThat(PlaywrightErrors.outcome(e)).isEqualTo(Outcome.PERMANENT);
        assertThat(e).hasMessage("job 7: navigated to a host not allowed");
    }

    @Test
    void aCancelledJobIsReportedAsCancelled() {
        ExtractionException e = PlaywrightErrors.classify(new TargetClosedError(),
                new PlaywrightErrors.Facts(7, null, true, true, false, "b", 1));
        assertThat(e.kind()).isEqualTo(ExtractionException.Kind.TRANSIENT);
        assertThat(e).hasMessage("job 7 was cancelled by the runtime (timeout or shutdown)");
        assertThat(PlaywrightErrors.isCancellation(e)).isTrue();
    }

    @Test
    void aBrowserThatDiedIsInfrastructure() {
        ExtractionException e = PlaywrightErrors.classify(new TargetClosedError(),
                new PlaywrightErrors.Facts(7, null, false, true, false, "chromium #0 (pid 1)", 137));
        assertThat(PlaywrightErrors.outcome(e)).isEqualTo(Outcome.INFRASTRUCTURE);
        assertThat(e).hasMessage("job 7: chromium #0 (pid 1) died during the job (exit code 137)");
    }

    @Test
    void aBrowserServerThatWentAwayIsInfrastructure() {
        ExtractionException e = PlaywrightErrors.classify(new PlaywrightException("Playwright connection closed"),
                new PlaywrightErrors.Facts(7, null, false, false, true, "chromium #0 (pid 1)", 0));
        assertThat(PlaywrightErrors.outcome(e)).isEqualTo(Outcome.INFRASTRUCTURE);
        assertThat(e.getMessage()).isEqualTo("job 7: the browser server of chromium #0 (pid 1) went away");
    }

    @Test
    void timeoutsAndBrowserErrorsOfALiveBrowserAreTransient() {
        ExtractionException t = PlaywrightErrors.classify(new TimeoutError("Timeout 30000ms exceeded.\nCall log: x"), facts());
        assertThat(PlaywrightErrors.outcome(t)).isEqualTo(Outcome.TRANSIENT);
        assertThat(t).hasMessage("job 7: timed out: Timeout 30000ms exceeded.");
        ExtractionException n = PlaywrightErrors.classify(new PlaywrightException("page.goto: net::ERR_CONNECTION_REFUSED at x"), facts());
        assertThat(n).hasMessage("job 7: browser error: page.goto: net::ERR_CONNECTION_REFUSED at x");
        assertThat(PlaywrightErrors.outcome(n)).isEqualTo(Outcome.TRANSIENT);
        ExtractionException o = PlaywrightErrors.classify(new IllegalStateException("boom"), facts());
        assertThat(o).hasMessage("job 7: java.lang.IllegalStateException: boom");
    }

    @Test
    void aPermanentExtractionExceptionOfTheFlowIsKept() {
        ExtractionException flows = ExtractionException.permanent("no such company");
        assertThat(PlaywrightErrors.classify(flows, new PlaywrightErrors.Facts(7, null, true, true, true, "b", 1))).isSameAs(flows);
    }

    @Test
    void onlyAClosedSignalAsksForACrashConfirmation() {
        assertThat(PlaywrightErrors.mayMeanTheBrowserDied(new TargetClosedError())).isTrue();
        assertThat(PlaywrightErrors.mayMeanTheBrowserDied(new PlaywrightException("Connection closed"))).isTrue();
        assertThat(PlaywrightErrors.mayMeanTheBrowserDied(new PlaywrightException("net::ERR_CONNECTION_CLOSED at x"))).isFalse();
        assertThat(PlaywrightErrors.mayMeanTheBrowserDied(new TimeoutError("Timeout 1ms exceeded."))).isFalse();
    }

    @Test
    void firstLineStripsPlaywrightsErrorWrapperAndTheCallLog() {
        assertThat(PlaywrightErrors.firstLine("Error {\n  message='page.goto: boom\nCall log:\n x'\n}")).isEqualTo("page.goto: boom");
        assertThat(PlaywrightErrors.firstLine(null)).isEqualTo("(no message)");
    }
}
