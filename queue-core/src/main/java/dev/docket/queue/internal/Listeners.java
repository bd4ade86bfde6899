package dev.docket.queue.internal;

import dev.docket.queue.WorkerListener;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls every listener, logging and ignoring any that throws. */
public final class Listeners {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);
    private final List<WorkerListener> listeners;

    public Listeners(List<WorkerListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    public void fire(String event, Consumer<WorkerListener> call) {
        for (WorkerListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException | Error e) {
                log.warn("listener {} threw on {}; ignored", l.getClass().getName(), event, e);
            }
        }
    }
}
