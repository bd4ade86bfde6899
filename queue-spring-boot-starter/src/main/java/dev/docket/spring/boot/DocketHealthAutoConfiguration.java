package dev.docket.spring.boot;

import dev.docket.queue.spi.JobStore;
import dev.docket.spring.boot.internal.PropertyChecks;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/** The {@code docket} health contributor ({@link DocketHealthIndicator}), with Spring Boot 4's health module. */
@AutoConfiguration(after = {DocketAutoConfiguration.class, DocketWorkerAutoConfiguration.class})
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(JobStore.class)
@ConditionalOnEnabledHealthIndicator("docket")
public class DocketHealthAutoConfiguration {

    /** Named {@code docketHealthIndicator}, so the contributor is {@code docket}. */
    @Bean
    @ConditionalOnMissingBean(name = "docketHealthIndicator")
    DocketHealthIndicator docketHealthIndicator(JobStore store, ObjectProvider<DocketWorker> worker,
            DocketProperties properties) {
        String status = properties.getHealth().getDegradedStatus();
        if (status == null || status.isBlank()) {
            throw PropertyChecks.invalid("docket.health.degraded-status", status, "must not be blank");
        }
        return new DocketHealthIndicator(store, Optional.ofNullable(worker.getIfAvailable()), status.trim());
    }
}
