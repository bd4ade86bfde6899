package dev.docket.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.JobQueue;
import dev.docket.queue.SourceEvent;
import dev.docket.queue.SourcePolicy;
import dev.docket.queue.spi.JobStore;
import dev.docket.spring.boot.internal.SourcePolicyStartup;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Source policies from a SourcePolicy bean and docket.sources.*, applied at start-up through the JobQueue. */
class DocketSourcePolicyConfigurationTest {
    private final InMemoryJobStore store = new InMemoryJobStore();

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withConfiguration(DocketAutoConfigurationTest.DOCKET)
                .withBean("sharedStore", JobStore.class, () -> store);
    }

    private List<SourceEvent> policyChanges(String source) {
        return JobQueue.of(store).sourceHistory(source, 100).stream()
                .filter(e -> e.type() == SourceEvent.Type.POLICY_CHANGED).toList();
    }

    @Configuration(proxyBeanMethods = false)
    static class WithDefaultPolicy {
        @Bean
        SourcePolicy defaultPolicy() {
            return SourcePolicy.builder().concurrency(7).build();
        }
    }

    @Test
    void propertiesSetEachSourcesPolicyAndTheDefaultAsSpringBoot() {
        runner().withPropertyValues("docket.sources.registry-a.concurrency=4", "docket.sources.registry-a.rate=20/s",
                        "docket.sources.registry-a.burst=5", "docket.sources.registry-a.breaker-failures=3",
                        "docket.sources.registry-a.breaker-cool-down=1m", "docket.sources.registry-b.breaker-failures=off",
                        "docket.sources.registry-b.rate=100/h", "docket.sources.default.concurrency=10")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    SourcePolicy a = store.sourcePolicy("registry-a").orElseThrow();
                    assertThat(a).isEqualTo(SourcePolicy.builder().concurrency(4)
                            .rate(SourcePolicy.Rate.perSecond(20).withBurst(5))
                            .breaker(3, Duration.ofMinutes(1), SourcePolicy.DEFAULT_COOL_DOWN_TO).build());
                    assertThat(store.sourcePolicy("registry-b")).contains(SourcePolicy.builder()
                            .rate(SourcePolicy.Rate.perHour(100)).breakerOff().build());
                    assertThat(context.getBean(JobQueue.class).defaultSourcePolicy())
                            .isEqualTo(SourcePolicy.builder().concurrency(10).build());
                    assertThat(policyChanges("registry-a")).singleElement()
                            .satisfies(e -> assertThat(e.actor()).isEqualTo(SourcePolicyStartup.ACTOR));
                    assertThat(policyChanges(SourceEvent.ALL_SOURCES)).singleElement()
                            .satisfies(e -> assertThat(e.actor()).isEqualTo(SourcePolicyStartup.ACTOR));
                });
    }

    @Test
    void aSourcePolicyBeanIsTheDefaultAndWinsOverTheDefaultProperties() {
        runner().withUserConfiguration(WithDefaultPolicy.class).withPropertyValues("docket.sources.default.concurrency=10")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(store.sourcePolicy(null)).contains(SourcePolicy.builder().concurrency(7).build());
                });
    }

    @Test
    void twoSourcePolicyBeansWithoutAPrimaryOneFailStartUp() {
        runner().withUserConfiguration(WithDefaultPolicy.class)
                .withBean("another", SourcePolicy.class, () -> SourcePolicy.builder().concurrency(3).build())
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("@Primary"));
        runner().withUserConfiguration(WithDefaultPolicy.class)
                .withBean("another", SourcePolicy.class, () -> SourcePolicy.builder().concurrency(3).build(),
                        d -> d.setPrimary(true))
                .run(context -> assertThat(store.sourcePolicy(null)).contains(SourcePolicy.builder().concurrency(3).build()));
    }

    @Test
    void nothingConfiguredWritesNothing() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(store.sourcePolicy(null)).isEmpty();
            assertThat(JobQueue.of(store).sourceHistory(null, 100)).isEmpty();
        });
    }

    @Test
    void aFleetStartingWithTheSameConfigurationWritesThePolicyOnce() {
        ApplicationContextRunner app = runner().withPropertyValues("docket.sources.registry-a.concurrency=4");
        app.run(first -> app.run(second -> app.run(third -> {
            assertThat(third).hasNotFailed();
            assertThat(policyChanges("registry-a")).hasSize(1);
        })));
    }

    @Test
    void aPolicyAnOperatorSetAtRuntimeIsKeptWithAWarnUnlessOverridingIsConfigured() {
        JobQueue.builder(store).actor("alice").build().setSourcePolicy("registry-a",
                SourcePolicy.builder().concurrency(1).build());
        withLog(log -> runner().withPropertyValues("docket.sources.registry-a.concurrency=4").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(store.sourcePolicy("registry-a")).contains(SourcePolicy.builder().concurrency(1).build());
            assertThat(log.list).anySatisfy(e -> {
                assertThat(e.getLevel().toString()).isEqualTo("WARN");
                assertThat(e.getFormattedMessage()).contains("registry-a").contains("by alice")
                        .contains("docket.override-runtime-source-policies=true");
            });
        }));
        runner().withPropertyValues("docket.sources.registry-a.concurrency=4",
                "docket.override-runtime-source-policies=true").run(context -> {
            assertThat(store.sourcePolicy("registry-a")).contains(SourcePolicy.builder().concurrency(4).build());
            assertThat(policyChanges("registry-a")).last()
                    .satisfies(e -> assertThat(e.actor()).isEqualTo(SourcePolicyStartup.ACTOR));
        });
    }

    @Test
    void aChangedConfigurationReplacesWhatAnEarlierStartUpSet() {
        runner().withPropertyValues("docket.sources.registry-a.concurrency=4").run(context -> { });
        runner().withPropertyValues("docket.sources.registry-a.concurrency=6").run(context ->
                assertThat(store.sourcePolicy("registry-a")).contains(SourcePolicy.builder().concurrency(6).build()));
        assertThat(policyChanges("registry-a")).hasSize(2);
    }

    @Test
    void badSourcePropertiesFailStartUpNamingTheProperty() {
        assertFails("docket.sources.registry-a.concurrency=0", "docket.sources.registry-a.concurrency", "1-100000");
        assertFails("docket.sources.registry-a.rate=20 per second", "docket.sources.registry-a.rate", "N/s");
        assertFails("docket.sources.registry-a.burst=5", "docket.sources.registry-a.burst", "needs");
        assertFails("docket.sources.registry-a.breaker-failures=never", "docket.sources.registry-a.breaker-failures",
                "'off'");
        assertFails("docket.sources.registry-a.breaker-max-cool-down=5s",
                "docket.sources.registry-a.breaker-max-cool-down", ">=");
        assertFails("docket.sources.default.throttle-max=1ms", "docket.sources.default.throttle-max", "throttle-max");
        assertThat(policyChanges("registry-a")).isEmpty();
    }

    private void assertFails(String property, String named, String reason) {
        runner().withPropertyValues(property).run(context -> assertThat(context).getFailure().rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining(named).hasMessageContaining(reason));
    }

    private static void withLog(Consumer<ListAppender<ILoggingEvent>> body) {
        Logger logger = (Logger) LoggerFactory.getLogger(SourcePolicyStartup.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            body.accept(appender);
        } finally {
            logger.detachAppender(appender);
        }
    }
}
