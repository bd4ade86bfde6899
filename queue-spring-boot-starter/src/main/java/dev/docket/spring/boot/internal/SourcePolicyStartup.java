package dev.docket.spring.boot.internal;

import dev.docket.queue.JobQueue;
import dev.docket.queue.SourceEvent;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.spi.JobStore;
import dev.docket.spring.boot.DocketProperties;
import dev.docket.spring.boot.DocketSourceProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;

/**
 * Applies the configured source policies (a {@code SourcePolicy} bean or {@code docket.sources.default.*} as the
 * default, {@code docket.sources.<name>.*} per source) once every singleton exists, so before the worker claims.
 * Through a {@link JobQueue} with actor {@value #ACTOR}; a policy already stored as configured is left alone (N
 * applications starting write it once), and one that someone else set last is kept (with a WARN) unless
 * {@code docket.override-runtime-source-policies=true}. Not part of the API.
 */
public final class SourcePolicyStartup implements SmartInitializingSingleton {
    /** The actor of the policy changes start-up makes. */
    public static final String ACTOR = "spring-boot";
    private static final Logger log = LoggerFactory.getLogger(SourcePolicyStartup.class);
    private static final int HISTORY = 1000;

    private final JobStore store;
    private final SourcePolicy defaultPolicy;
    private final String defaultOrigin;
    private final Map<String, SourcePolicy> policies;
    private final boolean override;

    /**
     * Validates the properties now (a bad one fails start-up naming it).
     *
     * @param bean the application's {@code SourcePolicy} bean, or null
     */
    public SourcePolicyStartup(JobStore store, SourcePolicy bean, DocketProperties properties, Environment environment) {
        this.store = Objects.requireNonNull(store, "store");
        this.override = properties.isOverrideRuntimeSourcePolicies();
        Map<String, SourcePolicy> own = new LinkedHashMap<>();
        SourcePolicy fromProperties = null;
        for (Map.Entry<String, DocketSourceProperties> e : properties.getSources().entrySet()) {
            String name = e.getKey();
            if (name.isBlank()) {
                throw PropertyChecks.invalid("docket.sources", name, "a source name must not be blank");
            }
            if (SourceSettings.isEmpty(e.getValue())) {
                continue;
            }
            SourcePolicy p = SourceSettings.policy(name, e.getValue(), environment);
            if (SourceSettings.DEFAULT_ENTRY.equals(name)) {
                fromProperties = p;
            } else {
                own.put(name, p);
            }
        }
        if (bean != null && fromProperties != null) {
            log.warn("Docket: the SourcePolicy bean is the default source policy; docket.sources.default.* is ignored");
        }
        this.defaultPolicy = bean != null ? bean : fromProperties;
        this.defaultOrigin = bean != null ? "the SourcePolicy bean" : "docket.sources.default";
        this.policies = Map.copyOf(own);
    }

    /** The default policy to apply, if any. */
    public Optional<SourcePolicy> defaultPolicy() {
        return Optional.ofNullable(defaultPolicy);
    }

    /** The sources' own policies to apply, by source. */
    public Map<String, SourcePolicy> policies() {
        return policies;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (defaultPolicy == null && policies.isEmpty()) {
            return;
        }
        JobQueue queue = JobQueue.builder(store).actor(ACTOR).build();
        try {
            if (defaultPolicy != null) {
                apply(queue, null, defaultPolicy, defaultOrigin);
            }
            policies.forEach((source, p) -> apply(queue, source, p, "docket.sources." + source));
        } catch (UnsupportedOperationException e) {
            throw new IllegalStateException("Docket: cannot apply source policies (" + defaultOrigin + ", docket.sources.*): "
                    + "the JobStore " + store.getClass().getName() + " has no source flow control", e);
        }
    }

    private void apply(JobQueue queue, String source, SourcePolicy wanted, String origin) {
        String what = source == null ? "default source policy" : "source " + source + "'s policy";
        Optional<SourcePolicy> stored = store.sourcePolicy(source);
        if (stored.equals(Optional.of(wanted))) {
            log.debug("Docket: {} is already {} ({})", what, wanted, origin);
            return;
        }
        if (!override) {
            Optional<SourceEvent> last = lastPolicyChange(queue, source == null ? SourceEvent.ALL_SOURCES : source);
            boolean byOthers = last.map(e -> !ACTOR.equals(e.actor())).orElse(stored.isPresent());
            if (byOthers) {
                log.warn("Docket: keeping the {} {} set at runtime{} instead of {} from {}; set "
                                + "docket.override-runtime-source-policies=true to overwrite it at start-up", what,
                        stored.map(String::valueOf).orElse("(none: it follows the default)"),
                        last.map(e -> " by " + e.actor() + " at " + e.at()).orElse(""), wanted, origin);
                return;
            }
        }
        if (source == null) {
            queue.setDefaultSourcePolicy(wanted);
        } else {
            queue.setSourcePolicy(source, wanted);
        }
        log.info("Docket: {} set to {} from {} (was {})", what, wanted, origin,
                stored.map(String::valueOf).orElse(source == null ? "the built-in default" : "the default"));
    }

    private static Optional<SourceEvent> lastPolicyChange(JobQueue queue, String source) {
        List<SourceEvent> events = queue.sourceHistory(source, HISTORY);
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).type() == SourceEvent.Type.POLICY_CHANGED) {
                return Optional.of(events.get(i));
            }
        }
        return Optional.empty();
    }
}
