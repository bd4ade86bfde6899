package dev.docket.queue.micrometer;

import dev.docket.queue.ExtractorHealth;
import dev.docket.queue.internal.ExtractorFigures;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link WorkerMetrics}' {@value DocketMetricNames#EXTRACTOR_FIGURES}{@code .*} gauges: one per figure the
 * extractor reports in its health, registered with every bound registry when first reported, NaN once no longer
 * reported. Thread-safe.
 */
final class ExtractorFigureGauges {
    private final Tags workerTags;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    /** The extractor's figures by figure name (NaN: no longer reported). */
    private final Map<String, AtomicReference<Double>> figures = new ConcurrentHashMap<>();

    ExtractorFigureGauges(Tags workerTags) {
        this.workerTags = workerTags;
    }

    /** Registers the figures reported so far with {@code registry}, and later ones too. */
    synchronized void bindTo(MeterRegistry registry) {
        registries.add(registry);
        figures.forEach((name, value) -> register(registry, name, value));
    }

    /** Takes the figures of {@code health}: known ones updated, new ones registered, missing ones NaN. */
    void update(ExtractorHealth health) {
        Map<String, Long> now = ExtractorFigures.clean(health.figures());
        figures.forEach((name, v) -> {
            if (!now.containsKey(name)) {
                v.set(Double.NaN);
            }
        });
        now.forEach((name, value) -> {
            AtomicReference<Double> v = figures.get(name);
            if (v != null) {
                v.set(value.doubleValue());
                return;
            }
            if (figures.size() >= ExtractorFigures.MAX_FIGURES) {
                return;
            }
            AtomicReference<Double> fresh = new AtomicReference<>(value.doubleValue());
            synchronized (this) {
                if (figures.putIfAbsent(name, fresh) == null) {
                    for (MeterRegistry r : registries) {
                        register(r, name, fresh);
                    }
                } else {
                    figures.get(name).set(value.doubleValue());
                }
            }
        });
    }

    /**
     * A figure as a gauge: {@code .bytes} becomes the base unit, a numeric part a tag named after the part before
     * it ({@code memory.browser.0.bytes}: gauge {@code docket.extractor.memory.browser}, tag {@code browser=0}).
     */
    private void register(MeterRegistry registry, String figure, AtomicReference<Double> value) {
        String name = figure;
        String unit = null;
        if (name.endsWith(".bytes")) {
            name = name.substring(0, name.length() - ".bytes".length());
            unit = "bytes";
        }
        Tags tags = workerTags;
        String[] parts = name.split("\\.");
        StringBuilder meter = new StringBuilder(DocketMetricNames.EXTRACTOR_FIGURES);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0 && parts[i].chars().allMatch(Character::isDigit) && !parts[i].isEmpty()) {
                tags = tags.and(parts[i - 1], parts[i]);
            } else {
                meter.append('.').append(parts[i]);
            }
        }
        Gauge.builder(meter.toString(), value, v -> v.get())
                .tags(tags).baseUnit(unit).description("A figure the extractor reports: " + figure)
                .strongReference(true)
                .register(registry);
    }
}
