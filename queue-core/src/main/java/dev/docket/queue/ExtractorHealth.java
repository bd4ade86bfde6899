package dev.docket.queue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An extractor's readiness. A runtime claims nothing while its extractor is not ready.
 *
 * <p>Not ready comes in two kinds. <em>Down</em> ({@link #down}): something is broken; the runtime restarts the
 * extractor. <em>Holding</em> ({@link #holding}): the extractor works but can take no new job now (e.g. the
 * memory in use is above its high-water mark); the runtime claims nothing, does not restart it, spends no attempt,
 * and reports the worker DEGRADED with {@link #detail()} until a later check says ready again.
 *
 * @param ready   true when jobs may be handed to the extractor
 * @param detail  what is wrong (or a short status), never null
 * @param holding true (with {@code ready} false) when the extractor is fine but should get no new job for now
 * @param slots   how many jobs the extractor can run at once now (0: it does not say); a runtime whose
 *                {@code concurrency} is {@code auto} uses at most this many slots
 * @param figures named measurements for operators (bytes, counts), in the extractor's order: shown by
 *                {@code docket diagnose} and exported as metrics; never null
 */
public record ExtractorHealth(boolean ready, String detail, boolean holding, int slots, Map<String, Long> figures) {
    /**
     * The figure counting the extractor's defunct (zombie) child processes: {@code docket diagnose} warns when it
     * is above 0 and alerts above {@link DiagnosticsOptions#defunctProcessesAlert()}.
     */
    public static final String FIGURE_DEFUNCT_PROCESSES = "processes.defunct";
    private static final ExtractorHealth READY = new ExtractorHealth(true, "ready");

    public ExtractorHealth {
        Objects.requireNonNull(detail, "detail");
        if (slots < 0) {
            throw new IllegalArgumentException("slots must be >= 0 but was " + slots);
        }
        if (ready && holding) {
            throw new IllegalArgumentException("an extractor cannot be ready and holding at once");
        }
        figures = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(figures, "figures")));
    }

    /** Ready or down, without slots or figures (the constructor of Docket versions before they existed). */
    public ExtractorHealth(boolean ready, String detail) {
        this(ready, detail, false, 0, Map.of());
    }

    public static ExtractorHealth healthy() {
        return READY;
    }

    public static ExtractorHealth down(String detail) {
        return new ExtractorHealth(false, detail);
    }

    /** Ready, with a status line, the slots it can run now (0: does not say) and its figures. */
    public static ExtractorHealth ready(String detail, int slots, Map<String, Long> figures) {
        return new ExtractorHealth(true, detail, false, slots, figures);
    }

    /** Working, but give it no new job now: {@code detail} says why, with the figures. */
    public static ExtractorHealth holding(String detail, int slots, Map<String, Long> figures) {
        return new ExtractorHealth(false, detail, true, slots, figures);
    }
}
