package dev.docket.web;

import dev.docket.queue.Job;
import dev.docket.queue.NewJob;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.spi.JobStore;
import java.time.Duration;
import java.util.List;

/** Jobs in the states the tests need, made through the store as a worker would. */
final class Fixtures {
    private Fixtures() {
    }

    static Job pending(JobStore store, String number) {
        return store.enqueue(NewJob.of("registry-a", number));
    }

    static Job claimed(JobStore store, String number, Duration lease) {
        Job job = store.enqueue(NewJob.builder("registry-a", number).priority(1_000_000).build());
        List<Job> claimed = store.claim("w-test", 1, lease);
        if (claimed.size() != 1 || claimed.get(0).id() != job.id()) {
            throw new IllegalStateException("expected to claim job " + job.id() + " but claimed " + claimed);
        }
        return claimed.get(0);
    }

    static Job completed(JobStore store, String number) {
        Job j = claimed(store, number, Duration.ofMinutes(5));
        return store.finish(j.lease(), JobOutcome.completed("{\"pages\":1}"));
    }

    static Job failed(JobStore store, String number, String error) {
        Job j = claimed(store, number, Duration.ofMinutes(5));
        return store.finish(j.lease(), JobOutcome.failed(error));
    }
}
