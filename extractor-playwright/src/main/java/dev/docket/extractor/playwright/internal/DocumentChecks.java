package dev.docket.extractor.playwright.internal;

import dev.docket.extractor.playwright.PlaywrightConfig;
import dev.docket.queue.ExtractionException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/** The checks every document of one job passes, fetched or downloaded: size cap, content type, bytes. */
final class DocumentChecks {
    static final int BUFFER = 64 * 1024;

    private final JobRun run;
    private final PlaywrightConfig config;

    DocumentChecks(JobRun run, PlaywrightConfig config) {
        this.run = run;
        this.config = config;
    }

    long id() {
        return run.job.id();
    }

    byte[] readCapped(InputStream in) throws IOException {
        long cap = config.maxDownloadBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[BUFFER];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            total += n;
            if (total > cap) {
                throw tooBig("more than " + cap + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    ExtractionException tooBig(String size) {
        return ExtractionException.permanent("job " + id() + ": the document is " + size + ", over the limit of "
                + config.maxDownloadBytes() + " bytes (PlaywrightConfig.maxDownloadBytes)");
    }

    /** The clean media type of a server's {@code Content-Type} (see {@link MediaTypes#clean}); PERMANENT if there is none. */
    String cleanType(String header, String url) {
        try {
            return MediaTypes.clean(header);
        } catch (MediaTypes.InvalidMediaType e) {
            throw ExtractionException.permanent("job " + id() + ": the server's Content-Type '" + MediaTypes.printable(header)
                    + "' for " + JobRun.shorten(url) + " is not a valid media type: " + e.getMessage());
        }
    }

    void checkType(String contentType, Set<String> expected, String url) {
        if (!expected.contains(MediaTypes.base(contentType))) {
            throw ExtractionException.permanent("job " + id() + ": " + JobRun.shorten(url) + " has content type '"
                    + contentType + "', expected one of " + expected);
        }
    }

    /**
     * PERMANENT when the bytes are not what the declared type says (an HTML error page served as
     * {@code application/pdf}): what the server serves for this document is not a document, and a retry of a
     * permanent answer only repeats it; like a declared type outside the expected ones, it needs a human.
     */
    void checkBytes(String contentType, byte[] bytes, String url) {
        String actual = MediaTypes.mismatch(contentType, bytes);
        if (actual != null) {
            throw ExtractionException.permanent("job " + id() + ": " + JobRun.shorten(url) + " declared "
                    + MediaTypes.base(contentType) + " but its bytes are " + actual);
        }
    }

    static Set<String> expected(Collection<String> types) {
        if (types == null || types.isEmpty()) {
            throw new IllegalArgumentException("expectedContentTypes must name at least one media type but was " + types);
        }
        Set<String> out = new LinkedHashSet<>();
        for (String t : types) {
            if (t == null || MediaTypes.base(t).isEmpty()) {
                throw new IllegalArgumentException("expectedContentTypes must not contain blank types but was " + types);
            }
            out.add(MediaTypes.base(t));
        }
        return out;
    }
}
