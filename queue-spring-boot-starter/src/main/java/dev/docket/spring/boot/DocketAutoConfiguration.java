package dev.docket.spring.boot;

import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.JobQueue;
import dev.docket.queue.QueueAdmin;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.queue.spi.JobStore;
import dev.docket.spring.boot.internal.SourcePolicyStartup;
import dev.docket.spring.boot.internal.StoreSettings;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The store and the client: a {@link PostgresJobStore} on the application's {@link DataSource} (or an
 * {@link InMemoryJobStore}, with a WARN, when there is none), the {@link JobQueue} that controllers enqueue
 * with, and the {@link QueueAdmin}. Each backs off when the application defines its own bean of the type.
 * The source policies (a {@link SourcePolicy} bean as the default, {@code docket.sources.*}) are applied to the
 * store once every bean exists, before the worker starts claiming.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
        "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
        "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration",
        "org.springframework.boot.autoconfigure.liquibase.LiquibaseAutoConfiguration"})
@EnableConfigurationProperties(DocketProperties.class)
public class DocketAutoConfiguration {
    private static final Logger log = LoggerFactory.getLogger(DocketAutoConfiguration.class);

    /** The PostgreSQL store, when the application has one DataSource. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(PostgresJobStore.class)
    @ConditionalOnSingleCandidate(DataSource.class)
    static class PostgresStoreConfiguration {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(JobStore.class)
        @DependsOnDatabaseInitialization
        PostgresJobStore docketJobStore(DataSource dataSource, DocketProperties properties, Environment environment) {
            return StoreSettings.postgres(dataSource, properties, environment);
        }
    }

    /** Without a DataSource: an in-memory store (jobs are lost when the application stops). */
    @Bean
    @ConditionalOnMissingBean(JobStore.class)
    InMemoryJobStore docketInMemoryJobStore() {
        log.warn("Docket: no DataSource bean, so jobs are kept in memory (InMemoryJobStore) and lost when the "
                + "application stops; add a PostgreSQL DataSource (spring.datasource.url) for a durable queue");
        return new InMemoryJobStore();
    }

    /** The client the application enqueues, finds, cancels and retries jobs with. */
    @Bean
    @ConditionalOnMissingBean
    JobQueue docketJobQueue(JobStore store, DocketProperties properties) {
        return StoreSettings.queue(store, properties);
    }

    /** The operator repairs (reset stuck jobs, forget dead workers). */
    @Bean
    @ConditionalOnMissingBean
    QueueAdmin docketQueueAdmin(JobStore store) {
        return QueueAdmin.over(store);
    }

    /**
     * Applies the source policies at start-up: a {@link SourcePolicy} bean (else {@code docket.sources.default.*})
     * as the default, {@code docket.sources.<name>.*} per source.
     */
    @Bean
    @ConditionalOnMissingBean
    SourcePolicyStartup docketSourcePolicies(JobStore store, ObjectProvider<SourcePolicy> defaultPolicy,
            DocketProperties properties, Environment environment) {
        SourcePolicy bean = defaultPolicy.getIfUnique();
        if (bean == null && defaultPolicy.stream().findAny().isPresent()) {
            throw new IllegalStateException("Docket: more than one SourcePolicy bean; mark the default source "
                    + "policy @Primary (sources' own policies: docket.sources.<name>.*)");
        }
        return new SourcePolicyStartup(store, bean, properties, environment);
    }
}
