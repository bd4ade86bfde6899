package dev.docket.spring.boot;

import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerRuntime;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The {@link WorkerRuntime} in Spring's lifecycle. It starts the runtime when the context starts its lifecycle
 * beans (after every singleton exists, in the phase of the web server's graceful shutdown, so after the web
 * server is up), and stops it in that same phase when the context closes (SIGTERM or {@code close()}): the
 * runtime stops claiming, lets running jobs finish within {@code docket.worker.shutdown-grace-period},
 * releases the rest without spending an attempt and marks the worker STOPPED. Stopping runs concurrently with
 * the web server's request draining. If the context's {@code spring.lifecycle.timeout-per-shutdown-phase}
 * runs out first, this bean's {@link #destroy()} still waits for the runtime before the beans it depends on,
 * the store and the {@code DataSource}, are destroyed.
 */
public final class DocketWorker implements SmartLifecycle, DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(DocketWorker.class);

    /** The lifecycle phase: Spring Boot's {@code WebServerGracefulShutdownLifecycle} phase. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

    private final Supplier<WorkerRuntime.Builder> builder;
    private final WorkerConfig config;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile WorkerRuntime runtime;
    private volatile boolean running;

    /**
     * A lifecycle bean that starts the runtime {@code builder} prepares.
     *
     * @param builder makes the runtime's builder, called once at {@link #start()}
     * @param config  the settings the builder carries (for the shutdown bound)
     */
    public DocketWorker(Supplier<WorkerRuntime.Builder> builder, WorkerConfig config) {
        this.builder = builder;
        this.config = config;
    }

    /** Builds and starts the runtime (its threads; the extractor starts on its claim thread). */
    @Override
    public synchronized void start() {
        if (runtime != null) {
            return;
        }
        runtime = builder.get().config(config).start();
        running = true;
    }

    /** Closes the runtime on this thread (see {@link WorkerRuntime#close()}). */
    @Override
    public void stop() {
        closeRuntime();
    }

    /** Closes the runtime on a {@code docket-spring-stop} thread, then runs {@code callback}. */
    @Override
    public void stop(Runnable callback) {
        if (!running) {
            callback.run();
            return;
        }
        running = false;
        Thread t = new Thread(() -> {
            try {
                closeRuntime();
            } finally {
                callback.run();
            }
        }, "docket-spring-stop-" + config.workerId());
        t.setDaemon(true);
        t.start();
    }

    private void closeRuntime() {
        running = false;
        WorkerRuntime r = runtime;
        if (r == null) {
            stopped.countDown();
            return;
        }
        try {
            r.close();
        } catch (RuntimeException e) {
            log.error("worker {}: closing the runtime failed", config.workerId(), e);
        } finally {
            stopped.countDown();
        }
    }

    /**
     * Waits for a stop in progress (or closes the runtime when the lifecycle never stopped it), at most the grace
     * period plus {@link WorkerRuntime#CLOSE_MARGIN}, so that the store and the {@code DataSource} close after the
     * worker row says STOPPED.
     */
    @Override
    public void destroy() throws InterruptedException {
        if (runtime == null) {
            return;
        }
        if (running) {
            closeRuntime();
            return;
        }
        Duration bound = config.shutdownGracePeriod().plus(WorkerRuntime.CLOSE_MARGIN).plusSeconds(1);
        if (!stopped.await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("worker {}: still stopping after {}; closing the store anyway", config.workerId(), bound);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** The runtime, once started (empty before the context's lifecycle started it). */
    public Optional<WorkerRuntime> runtime() {
        return Optional.ofNullable(runtime);
    }

    /** The settings the runtime runs with. */
    public WorkerConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "DocketWorker{" + config.workerId() + (running ? ", running" : "") + "}";
    }
}
