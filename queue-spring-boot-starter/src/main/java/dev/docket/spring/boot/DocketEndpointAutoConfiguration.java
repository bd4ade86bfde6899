package dev.docket.spring.boot;

import dev.docket.queue.JobQueue;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The read-only {@code docket} actuator endpoint ({@link DocketEndpoint}), when the actuator is there. */
@AutoConfiguration(after = DocketAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(JobQueue.class)
@ConditionalOnAvailableEndpoint(DocketEndpoint.class)
public class DocketEndpointAutoConfiguration {

    /** The endpoint. */
    @Bean
    @ConditionalOnMissingBean
    DocketEndpoint docketEndpoint(JobQueue queue) {
        return new DocketEndpoint(queue);
    }
}
