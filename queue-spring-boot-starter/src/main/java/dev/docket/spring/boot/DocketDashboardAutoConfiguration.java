package dev.docket.spring.boot;

import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.queue.spi.JobStore;
import dev.docket.spring.boot.internal.DashboardSettings;
import dev.docket.web.DashboardAuth;
import dev.docket.web.DocketDashboard;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The {@code queue-web} dashboard ({@link DocketDashboard}) on the application's store, when
 * {@code docket.dashboard.enabled=true} and {@code dev.docket:queue-web} is on the classpath. With a
 * {@link PostgresJobStore} on the application's one {@link DataSource}, every view (the job list, the chart and
 * document downloads read that DataSource); with another store, the views its SPI serves. Started while the
 * context refreshes (a port that cannot be bound fails start-up), stopped when the context closes. A
 * {@link DashboardAuth} bean wins over {@code docket.dashboard.auth}.
 */
@AutoConfiguration(after = DocketAutoConfiguration.class)
@ConditionalOnClass(DocketDashboard.class)
@ConditionalOnBean(JobStore.class)
@ConditionalOnProperty(prefix = "docket.dashboard", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(DocketDashboardProperties.class)
public class DocketDashboardAutoConfiguration {

    /** The running dashboard; {@code close()} when the context closes (before the store it reads). */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    DocketDashboard docketDashboard(JobStore store, ObjectProvider<DataSource> dataSource,
            ObjectProvider<DashboardAuth> auth, DocketProperties properties, DocketDashboardProperties dashboard,
            Environment environment) {
        DocketDashboard.Builder b = DocketDashboard.builder(store);
        DataSource ds = dataSource.getIfUnique();
        if (store instanceof PostgresJobStore && ds != null) {
            b.dataSource(ds).schema(properties.getSchema());
        }
        return DashboardSettings.start(b, dashboard, auth.getIfUnique(), environment);
    }
}
