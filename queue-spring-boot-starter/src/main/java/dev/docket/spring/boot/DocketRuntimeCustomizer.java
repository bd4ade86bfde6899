package dev.docket.spring.boot;

import dev.docket.queue.WorkerRuntime;

/**
 * A bean that adjusts the {@link WorkerRuntime.Builder} before the starter starts the runtime: anything the
 * {@code docket.*} properties and the picked-up beans ({@code WorkerListener}, {@code DocumentSink},
 * {@code StaleJobPolicy}, {@code RetryPolicy}) do not cover, e.g. a {@code Clock}. Customizers run in
 * {@link org.springframework.core.annotation.Order} order, after the starter has applied its own settings.
 */
@FunctionalInterface
public interface DocketRuntimeCustomizer {

    /**
     * Adjusts the builder.
     *
     * @param builder the builder the starter is about to start
     */
    void customize(WorkerRuntime.Builder builder);
}
