package dev.docket.queue.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Thread factory naming every thread {@code docket-<role>-<worker>-<n>}, daemon, with an uncaught-exception logger. */
public final class NamedThreads implements ThreadFactory {
    private static final Logger log = LoggerFactory.getLogger(NamedThreads.class);
    private final String prefix;
    private final AtomicInteger counter = new AtomicInteger();

    public NamedThreads(String role, String workerId) {
        this.prefix = "docket-" + role + "-" + workerId + "-";
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(r, prefix + counter.incrementAndGet());
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((th, e) -> log.error("uncaught exception in {}", th.getName(), e));
        return t;
    }
}
