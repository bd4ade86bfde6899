package dev.docket.queue.s3.internal;

import dev.docket.queue.DocumentSinkException;
import dev.docket.queue.DocumentSinkException.Kind;
import dev.docket.queue.ExtractionContext;
import dev.docket.queue.Job;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;

/** One document's upload: its key, its deadline and its cancellation (through the job's context, if any). */
final class UploadAttempt {
    final Job job;
    final String key;
    final Instant deadline;
    final ExtractionContext context;

    UploadAttempt(Job job, String key, Instant deadline, ExtractionContext context) {
        this.job = job;
        this.key = key;
        this.deadline = deadline;
        this.context = context;
    }

    boolean cancelled() {
        return context != null && context.isCancelled();
    }

    /** Time left, at least 1 ms (the SDK refuses 0). */
    Duration remaining() {
        Duration d = Duration.between(Instant.now(), deadline);
        return d.toMillis() < 1 ? Duration.ofMillis(1) : d;
    }

    boolean overdue() {
        return !Instant.now().isBefore(deadline);
    }

    void checkNotCancelled() throws DocumentSinkException {
        if (cancelled()) {
            throw new DocumentSinkException(Kind.TRANSIENT, "upload of job " + job.id() + " aborted: the job "
                    + "was cancelled");
        }
        if (!Instant.now().isBefore(deadline)) {
            throw new DocumentSinkException(Kind.TRANSIENT, "upload of job " + job.id() + " did not finish "
                    + "within the job's time; aborted");
        }
    }

    /** The body of one request: reads fail once the job is cancelled, so the request stops. */
    InputStream stream(byte[] bytes, int off, int len) {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes, off, len);
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                check();
                return super.read();
            }

            @Override
            public int read(byte[] b, int o, int n) throws IOException {
                check();
                return super.read(b, o, n);
            }

            private void check() throws IOException {
                if (cancelled()) {
                    throw new IOException("upload aborted: the job was cancelled");
                }
            }
        };
    }
}
