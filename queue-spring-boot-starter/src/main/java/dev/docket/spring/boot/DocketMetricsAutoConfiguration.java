package dev.docket.spring.boot;

import dev.docket.queue.micrometer.QueueMetrics;
import dev.docket.queue.spi.JobStore;
import dev.docket.spring.boot.internal.PropertyChecks;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The queue-wide gauges ({@link QueueMetrics}: jobs by status, oldest pending age, heartbeat ages), bound once per
 * application when a {@code MeterRegistry} exists and {@code docket.metrics.queue-gauges} is not false. Every
 * host reports the same figures: keep them on in one application of a fleet.
 */
@AutoConfiguration(after = DocketAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({MeterRegistry.class, JobStore.class})
@ConditionalOnProperty(prefix = "docket.metrics", name = "queue-gauges", havingValue = "true", matchIfMissing = true)
public class DocketMetricsAutoConfiguration {

    /** The queue-wide gauges (a {@code MeterBinder}: Spring Boot binds it to every registry). */
    @Bean
    @ConditionalOnMissingBean
    QueueMetrics docketQueueMetrics(JobStore store, DocketProperties properties) {
        QueueMetrics.Builder b = QueueMetrics.builder(store);
        PropertyChecks.apply("docket.metrics.refresh-interval", properties.getMetrics().getRefreshInterval(),
                b::refreshInterval);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw PropertyChecks.invalid("docket.metrics.refresh-interval",
                    properties.getMetrics().getRefreshInterval(), e.getMessage());
        }
    }
}
