package dev.docket.examples.startup;

import dev.docket.examples.spring.DocketSpringBootExample;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.JobQueue;
import java.lang.management.ManagementFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts the example application once, prints {@code startup-ms=<JVM uptime when ready> cpu-ms=<JVM CPU time
 * until then>} and exits: {@code with}
 * the starter as shipped, or {@code without} it (every Docket auto-configuration excluded, the controller given
 * an in-memory {@code JobQueue} so that the rest of the application is the same). Run by {@code startup-time.sh}
 * in fresh JVMs; not a test. Outside the example's package on purpose: the application's component scan would
 * otherwise pick up {@link WithoutStarter} (on the test classpath) and its queue would replace the starter's.
 */
public final class StartupTime {
    private static final String DOCKET_AUTO_CONFIGURATIONS = String.join(",",
            "dev.docket.spring.boot.DocketAutoConfiguration", "dev.docket.spring.boot.DocketPlaywrightAutoConfiguration",
            "dev.docket.spring.boot.DocketWorkerAutoConfiguration", "dev.docket.spring.boot.DocketMetricsAutoConfiguration",
            "dev.docket.spring.boot.DocketHealthAutoConfiguration",
            "dev.docket.spring.boot.DocketEndpointAutoConfiguration");

    private StartupTime() {
    }

    /** The controller's queue when the starter is left out. */
    @Configuration(proxyBeanMethods = false)
    static class WithoutStarter {
        @Bean
        JobQueue baselineQueue() {
            return JobQueue.of(new InMemoryJobStore());
        }
    }

    public static void main(String[] args) {
        boolean with = args.length > 0 && args[0].equals("with");
        SpringApplicationBuilder app = new SpringApplicationBuilder(DocketSpringBootExample.class);
        String[] common = {"--server.port=0", "--server.address=127.0.0.1", "--docket.schema=docket_startup_time",
                "--logging.level.root=WARN"};
        String[] argv = common;
        if (!with) {
            app.sources(WithoutStarter.class);
            argv = java.util.stream.Stream.concat(java.util.Arrays.stream(common),
                    java.util.stream.Stream.of("--spring.autoconfigure.exclude=" + DOCKET_AUTO_CONFIGURATIONS))
                    .toArray(String[]::new);
        }
        ConfigurableApplicationContext context = app.run(argv);
        long ms = ManagementFactory.getRuntimeMXBean().getUptime();
        // CPU time of the whole JVM until ready: much less disturbed than wall time on a shared, loaded machine
        long cpuMs = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1_000_000;
        System.out.println((with ? "with" : "without") + " startup-ms=" + ms + " cpu-ms=" + cpuMs);
        context.close();
        System.exit(0);
    }
}
