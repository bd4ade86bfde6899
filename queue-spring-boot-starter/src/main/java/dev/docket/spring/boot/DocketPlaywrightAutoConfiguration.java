package dev.docket.spring.boot;

import dev.docket.extractor.playwright.PlaywrightExtractor;
import dev.docket.extractor.playwright.RegistryFlow;
import dev.docket.queue.Extractor;
import dev.docket.spring.boot.internal.PlaywrightSettings;
import java.util.Map;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A {@link PlaywrightExtractor} without code: when {@code extractor-playwright} is on the classpath, the
 * application has {@link RegistryFlow} beans and no {@link Extractor} bean of its own. Sources map to flows with
 * {@code docket.playwright.flows.<source>=<bean name>} and {@code docket.playwright.default-flow}; a single
 * {@code RegistryFlow} bean runs every source. The runtime starts and closes the extractor.
 */
@AutoConfiguration(before = DocketWorkerAutoConfiguration.class)
@ConditionalOnClass(name = "dev.docket.extractor.playwright.PlaywrightExtractor")
@ConditionalOnBean(type = "dev.docket.extractor.playwright.RegistryFlow")
@EnableConfigurationProperties(DocketPlaywrightProperties.class)
public class DocketPlaywrightAutoConfiguration {

    /** The extractor; its lifecycle belongs to the runtime, so Spring does not close it. */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean(Extractor.class)
    PlaywrightExtractor docketPlaywrightExtractor(DocketPlaywrightProperties properties, Environment environment,
            ListableBeanFactory beans) {
        Map<String, RegistryFlow> flows = beans.getBeansOfType(RegistryFlow.class);
        return PlaywrightSettings.extractor(properties, environment, flows);
    }
}
