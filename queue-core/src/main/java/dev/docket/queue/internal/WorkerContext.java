package dev.docket.queue.internal;

import dev.docket.queue.DocumentSink;
import dev.docket.queue.Extractor;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.RetryPolicy;
import dev.docket.queue.Ticker;
import dev.docket.queue.WorkerConfig;
import java.time.Clock;
import java.util.Objects;

/**
 * What every unit of a runtime shares: the user's parts, the settings, the two time sources, the
 * listeners and the store's health. Immutable (its parts are thread-safe).
 *
 * @param clock  wall-clock time: job deadlines, claim times
 * @param ticker elapsed time: real-time job timeouts, pending-write give-up, close deadline
 */
public record WorkerContext(JobStore store, Extractor extractor, DocumentSink sink, WorkerConfig config, Clock clock,
        Ticker ticker, Listeners listeners, StoreHealth storeHealth, RetryPolicy retryPolicy) {

    public WorkerContext {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(extractor, "extractor");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(listeners, "listeners");
        Objects.requireNonNull(storeHealth, "storeHealth");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
    }

    public String workerId() {
        return config.workerId();
    }
}
