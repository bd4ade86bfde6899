package dev.docket.examples.demo;

import dev.docket.queue.Document;
import dev.docket.queue.DocumentSink;
import dev.docket.queue.Job;
import dev.docket.queue.JobEvent;
import dev.docket.queue.JobEventType;
import dev.docket.queue.StoreException;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.WorkerConfig;
import dev.docket.queue.WorkerListener;
import dev.docket.queue.WorkerRuntime;
import dev.docket.queue.spi.JobStore;
import dev.docket.queue.testing.FaultInjectingJobStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/** The three injected faults of {@code --chaos}: a hung page, a killed chromium, an abandoned worker. */
final class Chaos {
    final JobStore store;
    final FaultInjectingJobStore severable;
    final WorkerRuntime abandoned;
    final CountDownLatch releaseAbandoned = new CountDownLatch(1);
    final AtomicInteger lateWritesRejected = new AtomicInteger();
    final List<Long> abandonedJobs = new CopyOnWriteArrayList<>();
    boolean severed;
    boolean killed;
    String killNote;

    Chaos(JobStore store, WorkerConfig config) {
        this.store = store;
        this.severable = new FaultInjectingJobStore(store);
        // a second worker that will "die" (its process stops answering) while holding two jobs
        this.abandoned = WorkerRuntime.builder(severable, (job, ctx) -> {
            releaseAbandoned.await();
            return Document.of(new byte[] {'x'}, "application/pdf");
        }).config(config.toBuilder().workerId("demo-abandoned").concurrency(2).build())
                .documentSink(new DocumentSink() {
                    @Override
                    public StoredDocument store(Job job, Document doc) {
                        return new StoredDocument("late:" + job.id(), "-", doc.size(), doc.contentType());
                    }

                    @Override
                    public void discard(Job job, StoredDocument document) {
                        // nothing was stored
                    }
                })
                .listener(new WorkerListener() {
                    @Override
                    public void onClaimed(Job job) {
                        abandonedJobs.add(job.id());
                    }

                    @Override
                    public void onLeaseLost(long jobId, String reason) {
                        lateWritesRejected.incrementAndGet();
                    }
                })
                .start();
    }

    /** Waits (up to {@code max}) until the worker to be abandoned holds its two jobs. */
    void awaitClaims(Duration max) throws InterruptedException {
        long until = System.nanoTime() + max.toNanos();
        while (abandoned.inFlightCount() < 2 && System.nanoTime() < until) {
            Thread.sleep(10); // the demo's own wait, as in its refresh loop
        }
    }

    void step(WorkerRuntime main) {
        if (!severed && abandoned.inFlightCount() == 2) {
            severable.failEverything(new StoreException("demo: worker demo-abandoned died", false));
            severed = true;
        }
        if (!killed && main.completedCount() >= 3 && main.inFlightCount() > 0) {
            // the main chromium process (its browser server is this JVM's child, chromium its child)
            List<ProcessHandle> browsers = ProcessHandle.current().descendants()
                    .filter(p -> p.info().command().map(c -> c.contains("chrom")).orElse(false))
                    .filter(p -> p.info().commandLine().map(c -> !c.contains("--type=")).orElse(false))
                    .collect(Collectors.toList());
            if (!browsers.isEmpty()) {
                ProcessHandle victim = browsers.get(0);
                killNote = "killed chromium (pid " + victim.pid() + ") with SIGKILL while " + main.inFlightCount()
                        + " job(s) were in flight";
                victim.destroyForcibly();
                killed = true;
            }
        }
    }

    /**
     * The abandoned worker "comes back" (it was only partitioned, not dead): its extractions return and
     * it tries to complete jobs that others completed meanwhile. Fencing rejects every such write.
     */
    void close() {
        severable.heal();
        releaseAbandoned.countDown();
        abandoned.close();
    }

    List<String> report(JobStore store, String hangNumber, List<Job> enqueued) {
        List<String> lines = new ArrayList<>();
        Job hung = enqueued.stream().filter(j -> j.documentNumber().equals(hangNumber)).findFirst().orElseThrow();
        Job hungNow = store.find(hung.id()).orElseThrow();
        List<JobEvent> hungEvents = store.events(hung.id());
        boolean timedOut = hungEvents.stream().anyMatch(e -> e.type() == JobEventType.TIMED_OUT
                || e.message() != null && e.message().toLowerCase(Locale.ROOT).contains("timeout"));
        lines.add("page hang: the search for " + hangNumber + " never answered; " + (timedOut
                ? "the job timed out after " + DocketDemo.JOB_TIMEOUT.toSeconds() + "s and was retried" : "not observed")
                + " → " + hungNow.status() + " after " + hungNow.attempts() + " attempt(s)");
        lines.add("browser crash: " + (killed ? killNote + "; the jobs were released without spending an attempt, "
                + "the extractor was restarted and they completed" : "not injected (no job in flight in time)"));
        if (severed) {
            String states = abandonedJobs.stream().map(id -> {
                Job j = store.find(id).orElseThrow();
                return id + "=" + j.status() + " (reset " + j.resetCount() + "x, by " + j.workerId() + ")";
            }).collect(Collectors.joining(", "));
            lines.add("abandoned worker: demo-abandoned stopped answering while holding job(s) " + abandonedJobs
                    + "; the stale-job monitor reset them after their " + DocketDemo.LEASE.toSeconds() + "s lease expired → "
                    + states + "; when it came back, its " + lateWritesRejected.get()
                    + " late completion(s) were rejected (lease lost), never written over the new owner's");
        } else {
            lines.add("abandoned worker: not injected (it claimed no jobs in time)");
        }
        return lines;
    }
}
