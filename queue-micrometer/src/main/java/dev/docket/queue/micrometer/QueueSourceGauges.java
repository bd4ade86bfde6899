package dev.docket.queue.micrometer;

import dev.docket.queue.SourceStatus;
import dev.docket.queue.spi.JobStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link QueueMetrics}' per-source gauges on one registry ({@code docket.source.*}), and how the store's sources
 * are folded into bounded {@code source} tags ({@link #read}).
 */
final class QueueSourceGauges {
    private static final Logger log = LoggerFactory.getLogger(QueueMetrics.class);

    private final MultiGauge circuit;
    private final MultiGauge paused;
    private final MultiGauge blocked;
    private final MultiGauge jobs;
    private final MultiGauge rate;

    QueueSourceGauges(MeterRegistry registry, Tags tags) {
        circuit = MultiGauge.builder(DocketMetricNames.SOURCE_CIRCUIT_STATE).tags(tags)
                .description("Circuit of each document source: 0 closed, 1 half-open, 2 open").register(registry);
        paused = MultiGauge.builder(DocketMetricNames.SOURCE_PAUSED).tags(tags)
                .description("1 while the document source is paused").register(registry);
        blocked = MultiGauge.builder(DocketMetricNames.SOURCE_BLOCKED).tags(tags)
                .description("1 while the document source is blocked after its registry throttled a job")
                .register(registry);
        jobs = MultiGauge.builder(DocketMetricNames.SOURCE_JOBS).tags(tags)
                .description("PENDING and PROCESSING jobs of each document source").register(registry);
        rate = MultiGauge.builder(DocketMetricNames.SOURCE_RATE).tags(tags)
                .description("Claims per second each document source's rate limit allows now (0: no limit)")
                .register(registry);
    }

    /**
     * The store's sources per bounded tag (sources beyond the bound summed into the overflow tag); empty when the
     * store has no source flow control.
     */
    static Map<String, SourceFigures> read(JobStore store, SourceTags sourceTags) {
        List<SourceStatus> sources;
        try {
            sources = store.sources();
        } catch (UnsupportedOperationException e) {
            log.debug("docket metrics: no source gauges: {}", e.getMessage());
            return Map.of();
        }
        Map<String, SourceFigures> byTag = new LinkedHashMap<>();
        for (SourceStatus st : sources) {
            byTag.merge(sourceTags.of(st.source()), SourceFigures.of(st), SourceFigures::plus);
        }
        return byTag;
    }

    /** Replaces the rows with one per tag in {@code tags}, each reading its figure through {@code m}. */
    void update(Set<String> tags, QueueMetrics m) {
        List<MultiGauge.Row<?>> c = new ArrayList<>();
        List<MultiGauge.Row<?>> p = new ArrayList<>();
        List<MultiGauge.Row<?>> b = new ArrayList<>();
        List<MultiGauge.Row<?>> j = new ArrayList<>();
        List<MultiGauge.Row<?>> r = new ArrayList<>();
        for (String t : tags) {
            Tags source = Tags.of("source", t);
            c.add(row(source, m, t, SourceFigures::circuit));
            p.add(row(source, m, t, SourceFigures::paused));
            b.add(row(source, m, t, SourceFigures::blocked));
            j.add(row(source.and("status", "pending"), m, t, SourceFigures::pending));
            j.add(row(source.and("status", "processing"), m, t, SourceFigures::processing));
            r.add(row(source, m, t, SourceFigures::rate));
        }
        circuit.register(c, true);
        paused.register(p, true);
        blocked.register(b, true);
        jobs.register(j, true);
        rate.register(r, true);
    }

    private static MultiGauge.Row<QueueMetrics> row(Tags tags, QueueMetrics m, String tag,
                                                     ToDoubleFunction<SourceFigures> f) {
        return MultiGauge.Row.of(tags, m, q -> q.source(tag, f));
    }

    /** One source tag's figures: the worst state and the summed jobs of the sources it stands for. */
    record SourceFigures(int circuit, int paused, int blocked, long pending, long processing, double rate) {
        static SourceFigures of(SourceStatus s) {
            int circuit = s.state() == SourceStatus.State.OPEN ? 2 : s.state() == SourceStatus.State.HALF_OPEN ? 1 : 0;
            return new SourceFigures(circuit, s.state() == SourceStatus.State.PAUSED ? 1 : 0,
                    s.state() == SourceStatus.State.BLOCKED ? 1 : 0, s.pending(), s.processing(), s.effectiveRate());
        }

        SourceFigures plus(SourceFigures o) {
            return new SourceFigures(Math.max(circuit, o.circuit), Math.max(paused, o.paused),
                    Math.max(blocked, o.blocked), pending + o.pending, processing + o.processing, rate + o.rate);
        }
    }
}
