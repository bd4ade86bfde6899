package dev.docket.extractor.playwright.internal.snapshot;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.options.Clip;
import com.microsoft.playwright.options.ScreenshotScale;
import com.microsoft.playwright.options.ScreenshotType;
import com.microsoft.playwright.options.ViewportSize;
import dev.docket.extractor.playwright.FailureSnapshots;
import dev.docket.extractor.playwright.internal.PlaywrightErrors;
import dev.docket.queue.Document;
import dev.docket.queue.DocumentSink;
import dev.docket.queue.ExtractionContext;
import dev.docket.queue.ExtractionException;
import dev.docket.queue.FailureSnapshot;
import dev.docket.queue.Job;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.internal.Json;
import dev.docket.queue.internal.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Saves a failure snapshot of a job's page (see {@link FailureSnapshots}): a viewport PNG (retaken of the top-left
 * quarter when over the cap, left out when still over), the HTML (cut in the page, then {@link HtmlSanitizer
 * sanitised}), and the details JSON; writes them through the sink under names derived from the attempt's lease
 * token ({@link #fileToken}), which no document and no other attempt or file can have; and records a
 * {@code SNAPSHOT_SAVED} event through the job's context. One per extractor; thread-safe. Never throws: a
 * snapshot that cannot be taken or written is logged and the job's failure stays what it was.
 */
public final class Snapshotter {
    private static final Logger log = LoggerFactory.getLogger(Snapshotter.class);
    /** Longest a screenshot may take. */
    static final int SHOT_TIMEOUT_MS = 3_000;
    /** Runs in the page: the HTML without scripts, cut before it leaves the browser (the sanitizer checks again). */
    private static final String HTML_JS = "max => { const r = document.documentElement; if (!r) return '';"
            + " const c = r.cloneNode(true);"
            + " for (const e of c.querySelectorAll('script,noscript,iframe,frame,object,embed,template')) e.remove();"
            + " const s = c.outerHTML; return s.length > max ? s.substring(0, max) : s; }";

    private final FailureSnapshots config;
    private final SnapshotGate gate;

    public Snapshotter(FailureSnapshots config, Clock clock) {
        this.config = config;
        this.gate = new SnapshotGate(config, clock);
    }

    /** Whether snapshots are on at all. */
    public boolean enabled() {
        return config.policy() != FailureSnapshots.Policy.OFF;
    }

    /**
     * The lease token the file {@code role} of the attempt {@code leaseToken} is named with: a name-based (version
     * 3) UUID, so never equal to a lease token (random, version 4) nor to another attempt's or role's.
     */
    public static UUID fileToken(UUID leaseToken, String role) {
        return UUID.nameUUIDFromBytes(("docket-snapshot/" + leaseToken + "/" + role).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Takes and saves the snapshot of {@code failure} when the policy admits it, from the page {@code evidence}
     * watched (none when the job failed before its flow ran). Skipped when the browser is gone
     * (infrastructure failures) or the runtime already cancelled the job (its connection is closed).
     */
    public void capture(Job job, ExtractionContext ctx, PageEvidence evidence, ExtractionException failure) {
        Page page = evidence.page();
        try {
            if (!enabled() || page == null || job.leaseToken() == null
                    || failure.kind() == ExtractionException.Kind.INFRASTRUCTURE || ctx.isCancelled()) {
                return;
            }
            Optional<DocumentSink> sink = config.sink().or(ctx::documentSink);
            if (sink.isEmpty()) {
                log.debug("job {}: no failure snapshot: no sink (FailureSnapshots.sink, or the runtime's)", job.id());
                return;
            }
            String kind = kind(failure);
            if (!gate.admit(job.documentSource(), kind, failure.getMessage())) {
                log.debug("job {}: no failure snapshot ({}: this error was saved within {})", job.id(),
                        config.policy(), config.window());
                return;
            }
            save(job, ctx, page, evidence, failure, kind, sink.get());
        } catch (RuntimeException e) {
            log.warn("job {}: the failure snapshot failed; the job's failure is unchanged: {}", job.id(), e.toString());
        }
    }

    private void save(Job job, ExtractionContext ctx, Page page, PageEvidence evidence, ExtractionException failure,
                      String kind, DocumentSink sink) {
        List<String> notes = new ArrayList<>();
        byte[] png = screenshot(page, notes);
        String html = html(page, notes);
        byte[] htmlBytes = html == null ? null : html.getBytes(StandardCharsets.UTF_8);
        byte[] details = details(job, failure, kind, evidence, page, notes).getBytes(StandardCharsets.UTF_8);
        long total = (png == null ? 0 : png.length) + (htmlBytes == null ? 0 : htmlBytes.length) + details.length;
        if (!gate.charge(total)) {
            log.warn("job {}: failure snapshot of {} bytes not saved: the budget of {} bytes per {} is spent", job.id(),
                    total, config.budgetBytes(), config.window());
            return;
        }
        List<FailureSnapshot.File> files = new ArrayList<>();
        write(job, sink, "screenshot", png, "image/png", files);
        write(job, sink, "html", htmlBytes, "text/html;charset=utf-8", files);
        write(job, sink, "details", details, "application/json", files);
        if (files.isEmpty()) {
            return;
        }
        FailureSnapshot snapshot = new FailureSnapshot(job.attempts(), kind, failure.getMessage(), files);
        ctx.snapshotSaved(snapshot);
        log.info("job {}: failure snapshot saved ({} bytes): {}", job.id(), total,
                files.stream().map(f -> f.document().uri()).toList());
    }

    private byte[] screenshot(Page page, List<String> notes) {
        int cap = config.maxScreenshotBytes();
        try {
            Page.ScreenshotOptions o = new Page.ScreenshotOptions().setType(ScreenshotType.PNG).setScale(ScreenshotScale.CSS)
                    .setTimeout(SHOT_TIMEOUT_MS);
            byte[] png = page.screenshot(o);
            if (png.length <= cap) {
                return png;
            }
            ViewportSize v = page.viewportSize();
            if (v != null) {
                byte[] quarter = page.screenshot(o.setClip(new Clip(0, 0, Math.max(1, v.width / 2), Math.max(1, v.height / 2))));
                if (quarter.length <= cap) {
                    notes.add("screenshot: the viewport was " + png.length + " bytes, over the cap of " + cap
                            + "; this is its top-left quarter");
                    return quarter;
                }
            }
            notes.add("screenshot: left out, " + png.length + " bytes over the cap of " + cap);
        } catch (PlaywrightException e) {
            notes.add("screenshot: failed: " + PageEvidence.clean(PlaywrightErrors.firstLine(e.getMessage())));
        }
        return null;
    }

    private String html(Page page, List<String> notes) {
        try {
            Object got = page.evaluate(HTML_JS, config.maxHtmlChars());
            return HtmlSanitizer.sanitize(got instanceof String ? (String) got : "", config.maxHtmlChars());
        } catch (PlaywrightException e) {
            notes.add("html: failed: " + PageEvidence.clean(PlaywrightErrors.firstLine(e.getMessage())));
            return null;
        }
    }

    private static String details(Job job, ExtractionException failure, String kind, PageEvidence ev, Page page,
                                  List<String> notes) {
        String url = ev.mainUrl();
        if (url == null) {
            try {
                url = page.url();
            } catch (PlaywrightException e) {
                url = null;
            }
        }
        StringBuilder b = new StringBuilder("{");
        b.append("\"jobId\":").append(job.id())
                .append(",\"documentSource\":").append(Json.quote(job.documentSource()))
                .append(",\"attempt\":").append(job.attempts())
                .append(",\"kind\":").append(Json.quote(kind))
                .append(",\"error\":").append(Json.quote(PageEvidence.clean(failure.getMessage())))
                .append(",\"finalUrl\":").append(url == null ? "null" : Json.quote(redact(url)))
                .append(",\"mainDocumentStatus\":").append(ev.mainStatus() < 0 ? "null" : String.valueOf(ev.mainStatus()))
                .append(",\"progress\":").append(ev.progress() == null ? "null" : Json.quote(ev.progress()))
                .append(",\"consoleErrorCount\":").append(ev.consoleErrorCount())
                .append(",\"consoleErrors\":").append(array(ev.consoleErrors()))
                .append(",\"blockedRequestCount\":").append(ev.blockedCount())
                .append(",\"blockedRequests\":").append(array(ev.blockedRequests()))
                .append(",\"notes\":").append(array(notes))
                .append('}');
        return b.toString();
    }

    /** The URL cut to its path: the query string and fragment redacted. */
    static String redact(String url) {
        return PageEvidence.clean(Redaction.redactUrls(url));
    }

    private static String array(List<String> items) {
        StringBuilder b = new StringBuilder("[");
        for (String s : items) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(Json.quote(s));
        }
        return b.append(']').toString();
    }

    private static void write(Job job, DocumentSink sink, String role, byte[] bytes, String type,
                              List<FailureSnapshot.File> files) {
        if (bytes == null) {
            return;
        }
        Job named = job.toBuilder().leaseToken(fileToken(job.leaseToken(), role)).build();
        try {
            StoredDocument d = sink.store(named, Document.of(bytes, type));
            files.add(new FailureSnapshot.File(role, d));
        } catch (IOException | RuntimeException e) {
            log.warn("job {}: writing the {} of its failure snapshot to {} failed: {}", job.id(), role, sink, e.toString());
        }
    }

    /** {@code TIMED_OUT} for a step that waited too long, else the failure's kind. */
    static String kind(ExtractionException failure) {
        Throwable cause = failure.getCause();
        if (failure.kind() == ExtractionException.Kind.TRANSIENT && cause != null
                && PlaywrightErrors.signal(cause) == PlaywrightErrors.Signal.TIMEOUT) {
            return "TIMED_OUT";
        }
        return failure.kind().name();
    }
}
