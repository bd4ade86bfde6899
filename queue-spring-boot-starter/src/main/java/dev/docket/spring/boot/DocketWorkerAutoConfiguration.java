package dev.docket.spring.boot;

import dev.docket.queue.DocumentSink;
import dev.docket.queue.Extractor;
import dev.docket.queue.RetryPolicy;
import dev.docket.queue.StaleJobPolicy;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerListener;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.micrometer.WorkerMetrics;
import dev.docket.queue.spi.JobStore;
import dev.docket.spring.boot.internal.PropertyChecks;
import dev.docket.spring.boot.internal.WorkerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The worker: a {@link DocketWorker} (the {@link WorkerRuntime} in Spring's lifecycle) when an {@link Extractor}
 * bean exists and {@code docket.worker.enabled} is not false. It picks up the application's
 * {@link WorkerListener} beans (all of them), and its {@link DocumentSink}, {@link StaleJobPolicy} and
 * {@link RetryPolicy} beans (one each, else the runtime's defaults), then applies
 * {@link DocketRuntimeCustomizer} beans. With a {@code MeterRegistry}, the runtime's {@link WorkerMetrics} are
 * bound to it.
 */
@AutoConfiguration(after = DocketAutoConfiguration.class, afterName = {
        "dev.docket.spring.boot.DocketPlaywrightAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnBean({Extractor.class, JobStore.class})
@ConditionalOnProperty(prefix = "docket.worker", name = "enabled", havingValue = "true", matchIfMissing = true)
public class DocketWorkerAutoConfiguration {

    /** The worker's settings from {@code docket.worker.*} and the old environment variables. */
    @Bean
    @ConditionalOnMissingBean
    WorkerConfig docketWorkerConfig(DocketProperties properties, Environment environment) {
        return WorkerSettings.config(properties.getWorker(), environment);
    }

    /** The runtime in Spring's lifecycle. */
    @Bean
    @ConditionalOnMissingBean
    DocketWorker docketWorker(JobStore store, Extractor extractor, WorkerConfig config,
            ObjectProvider<WorkerListener> listeners, ObjectProvider<DocumentSink> sink,
            ObjectProvider<StaleJobPolicy> stalePolicy, ObjectProvider<RetryPolicy> retryPolicy,
            ObjectProvider<DocketRuntimeCustomizer> customizers) {
        // source policies are the queue's, not the runtime's: DocketAutoConfiguration applies them (a SourcePolicy
        // bean, docket.sources.*) before this worker starts claiming
        return new DocketWorker(() -> {
            WorkerRuntime.Builder b = WorkerRuntime.builder(store, extractor);
            listeners.orderedStream().forEach(b::listener);
            sink.ifUnique(b::documentSink);
            stalePolicy.ifUnique(b::stalePolicy);
            retryPolicy.ifUnique(b::retryPolicy);
            customizers.orderedStream().forEach(c -> c.customize(b));
            return b;
        }, config);
    }

    /** Per-runtime meters, always when there is a registry (queue-wide gauges: {@link DocketMetricsAutoConfiguration}). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class WorkerMetricsConfiguration {
        @Bean
        @ConditionalOnMissingBean
        WorkerMetrics docketWorkerMetrics(DocketProperties properties) {
            DocketProperties.Metrics m = properties.getMetrics();
            WorkerMetrics.Builder b = WorkerMetrics.builder().sourceTag(m.isSourceTag());
            PropertyChecks.apply("docket.metrics.max-sources", m.getMaxSources(), b::maxSources);
            try {
                return b.build();
            } catch (IllegalArgumentException e) {
                throw PropertyChecks.invalid("docket.metrics.max-sources", m.getMaxSources(), e.getMessage());
            }
        }
    }
}
