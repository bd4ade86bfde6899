package dev.docket.queue.internal;

import dev.docket.queue.DocumentSink;
import dev.docket.queue.Extractor;
import dev.docket.queue.RetryPolicy;
import dev.docket.queue.StaleJobPolicy;
import dev.docket.queue.Ticker;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerListener;
import dev.docket.queue.spi.JobStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the builders of {@code WorkerRuntime} and {@code testing.ManualWorker} collect, in one place: the
 * checks of each setter, the defaults and the {@link WorkerContext} built from them. The two builders differ
 * only in their default ticker and document sink, given here at construction. Not thread-safe (as the builders).
 */
public final class WorkerSettings {
    private final JobStore store;
    private final Extractor extractor;
    private final Supplier<Ticker> defaultTicker;
    private final Supplier<DocumentSink> defaultSink;
    private WorkerConfig config = WorkerConfig.defaults();
    private DocumentSink sink;
    private final List<WorkerListener> listeners = new ArrayList<>();
    private StaleJobPolicy stalePolicy = StaleJobPolicy.leaseExpired();
    private Clock clock = Clock.systemUTC();
    private Ticker ticker;
    private RetryPolicy retryPolicy;

    /**
     * @param defaultTicker the ticker when none is set (asked once, when the ticker is first read)
     * @param defaultSink   the document sink when none is set (asked once, by {@link #context})
     */
    public WorkerSettings(JobStore store, Extractor extractor, Supplier<Ticker> defaultTicker,
            Supplier<DocumentSink> defaultSink) {
        this.store = Objects.requireNonNull(store, "store");
        this.extractor = Objects.requireNonNull(extractor, "extractor");
        this.defaultTicker = Objects.requireNonNull(defaultTicker, "defaultTicker");
        this.defaultSink = Objects.requireNonNull(defaultSink, "defaultSink");
    }

    public void config(WorkerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public void documentSink(DocumentSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    public void listener(WorkerListener listener) {
        this.listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void stalePolicy(StaleJobPolicy policy) {
        this.stalePolicy = Objects.requireNonNull(policy, "policy");
    }

    public void clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void ticker(Ticker ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    public void retryPolicy(RetryPolicy policy) {
        this.retryPolicy = Objects.requireNonNull(policy, "policy");
    }

    public JobStore store() {
        return store;
    }

    public WorkerConfig config() {
        return config;
    }

    public StaleJobPolicy stalePolicy() {
        return stalePolicy;
    }

    public Clock clock() {
        return clock;
    }

    /** The ticker set, else the default one (fixed from then on). */
    public Ticker ticker() {
        if (ticker == null) {
            ticker = Objects.requireNonNull(defaultTicker.get(), "default ticker");
        }
        return ticker;
    }

    /** The listeners added, in order. */
    public List<WorkerListener> listeners() {
        return List.copyOf(listeners);
    }

    /** The default retry policy: exponential over retryInitialBackoff..retryMaxBackoff, ±20% jitter. */
    public RetryPolicy defaultRetryPolicy() {
        return RetryPolicy.exponential(config.retryInitialBackoff(), config.retryMaxBackoff(), 0.2);
    }

    /**
     * The store's health for this worker, reporting to {@code listeners}; {@code onRecovered} runs after the
     * listeners were told the store is back.
     */
    public StoreHealth storeHealth(Listeners listeners, Runnable onRecovered) {
        return new StoreHealth(config.workerId(), ticker(),
                e -> listeners.fire("onStoreUnavailable", l -> l.onStoreUnavailable(e)),
                d -> {
                    listeners.fire("onStoreRecovered", l -> l.onStoreRecovered(d));
                    onRecovered.run();
                });
    }

    /** The context every unit shares: the sink and retry policy set, else their defaults. */
    public WorkerContext context(Listeners listeners, StoreHealth health) {
        return new WorkerContext(store, extractor, sink != null ? sink : defaultSink.get(), config, clock, ticker(),
                listeners, health, retryPolicy != null ? retryPolicy : defaultRetryPolicy());
    }
}
