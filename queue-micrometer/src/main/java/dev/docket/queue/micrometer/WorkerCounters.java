package dev.docket.queue.micrometer;

import static dev.docket.queue.micrometer.DocketMetricNames.COUNTER_DESCRIPTIONS;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@link WorkerMetrics}' counters by name and {@code source} tag value: counted from construction, each
 * registered exactly once with every bound registry (those bound before it was created, and those bound later).
 * Thread-safe.
 */
final class WorkerCounters {
    private final Tags workerTags;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final Map<CounterKey, LongAdder> counters = new ConcurrentHashMap<>();

    WorkerCounters(Tags workerTags) {
        this.workerTags = workerTags;
    }

    /** Registers the counters created so far with {@code registry}, and later ones too. */
    synchronized void bindTo(MeterRegistry registry) {
        registries.add(registry);
        counters.forEach((k, a) -> register(registry, k, a));
    }

    /** The counter {@code name} with tag {@code source} (null: no source tag), created on first use. */
    LongAdder counter(String name, String source) {
        CounterKey key = new CounterKey(name, source);
        LongAdder a = counters.get(key);
        return a != null ? a : newCounter(key);
    }

    private synchronized LongAdder newCounter(CounterKey key) {
        LongAdder a = counters.get(key);
        if (a == null) {
            a = new LongAdder();
            counters.put(key, a);
            for (MeterRegistry r : registries) {
                register(r, key, a);
            }
        }
        return a;
    }

    private void register(MeterRegistry registry, CounterKey key, LongAdder adder) {
        FunctionCounter.builder(key.name(), adder, LongAdder::doubleValue)
                .tags(key.source() == null ? workerTags : workerTags.and("source", key.source()))
                .description(COUNTER_DESCRIPTIONS.get(key.name()))
                .register(registry);
    }

    /** A counter's name and its {@code source} tag value (null: no source tag). */
    private record CounterKey(String name, String source) {
    }
}
