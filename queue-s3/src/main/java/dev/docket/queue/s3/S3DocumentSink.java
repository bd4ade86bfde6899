package dev.docket.queue.s3;

import dev.docket.queue.internal.StoredDocuments;
import dev.docket.queue.Document;
import dev.docket.queue.DocumentSinkException;
import dev.docket.queue.DocumentSinkHealth;
import dev.docket.queue.ExtractionContext;
import dev.docket.queue.Job;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.SweepableDocumentSink;
import dev.docket.queue.s3.internal.S3Clients;
import dev.docket.queue.s3.internal.S3Errors;
import dev.docket.queue.s3.internal.S3Keys;
import dev.docket.queue.s3.internal.S3Keys.Location;
import dev.docket.queue.s3.internal.S3Uploader;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link SweepableDocumentSink} that puts documents in an S3-compatible object store (AWS S3, MinIO, Ceph RGW,
 * Cloudflare R2), following the fenced protocol of {@link dev.docket.queue.DocumentSink}:
 *
 * <ul>
 *   <li>each attempt writes its own object, {@code <keyPrefix><queueName>/<job id>/<lease token>.<ext>}: the key
 *       comes from the configuration and the claim, never from job text, so a stale owner's late upload can never
 *       replace the document of the job's new owner;</li>
 *   <li>the reference is {@code s3://<bucket>/<key>}, followed by {@code ?versionId=<id>} when the bucket is
 *       versioned; the job's finishing write records it, the object of a losing attempt is deleted
 *       ({@link #discard}), and the objects of attempts whose process died before their finishing write are
 *       listed for {@link dev.docket.queue.DocumentSweeper} ({@link #forEachEntry});</li>
 *   <li>uploads stream from the document's bytes (no second copy), in one request below
 *       {@link S3SinkConfig#multipartThreshold()} and in parts from it on; every request carries the SHA-256 of
 *       its bytes ({@code x-amz-checksum-sha256}, checked by the store) and their MD5 ({@code Content-MD5}), and
 *       the checksum or ETag the store answers with is compared with them: a mismatch deletes the object and fails
 *       the attempt (retried);</li>
 *   <li>failures say what the runtime should do ({@link DocumentSinkException.Kind}): store unreachable, 5xx or
 *       throttled: {@code UNAVAILABLE}; access denied, bad credentials, no such bucket: {@code REJECTED} (and
 *       {@link #health()} is down until a probe write succeeds); checksum mismatch: {@code TRANSIENT}; too
 *       large: {@code PERMANENT};</li>
 *   <li>an upload stops when the job's deadline passes or the job is cancelled (given the job's
 *       {@link ExtractionContext}), or after {@link S3SinkConfig#maxUploadTime()} otherwise.</li>
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} closes the S3 client the sink built (not one you gave it).
 */
public final class S3DocumentSink implements SweepableDocumentSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(S3DocumentSink.class);

    private final S3SinkConfig config;
    private final S3Client s3;
    private final boolean ownsClient;
    private final S3Keys keys;
    private final String probeKey;
    private final S3Uploader uploader;
    /** null while the store accepted our last write; otherwise why not. */
    private volatile String problem;
    private volatile boolean probed;

    private S3DocumentSink(S3SinkConfig config, S3Client s3, boolean ownsClient) {
        this.config = Objects.requireNonNull(config, "config");
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.ownsClient = ownsClient;
        this.keys = new S3Keys(config.bucket(), config.keyPrefix(), config.queueName());
        this.probeKey = keys.newProbeKey();
        this.uploader = new S3Uploader(s3, config, keys, this);
    }

    /** A sink with an S3 client of its own, built from {@code config} (closed by {@link #close()}). */
    public static S3DocumentSink create(S3SinkConfig config) {
        return new S3DocumentSink(config, S3Clients.build(config), true);
    }

    /**
     * A sink on a client of yours, e.g. with settings this library does not expose. Give it the same region,
     * endpoint and path-style setting as {@code config} says (they are used only in the sink's own client), and
     * turn off chunked encoding for stores that cannot decode {@code aws-chunked} bodies. Not closed by
     * {@link #close()}.
     *
     * @throws IllegalArgumentException when {@code config} caps the bandwidth: the cap needs the sink's own client
     */
    public static S3DocumentSink create(S3SinkConfig config, S3Client client) {
        if (config.uploadBytesPerSecond() > 0) {
            throw new IllegalArgumentException("uploadBytesPerSecond must be 0 with a client of your own (the cap "
                    + "paces the sink's own HTTP client) but was " + config.uploadBytesPerSecond());
        }
        return new S3DocumentSink(config, client, false);
    }

    /** The settings in use. */
    public S3SinkConfig config() {
        return config;
    }

    /** The key the document of this attempt of {@code job} is (or will be) stored under. */
    public String keyFor(Job job, String extension) {
        return keys.keyFor(job, extension);
    }

    // ---------------------------------------------------------------- store

    @Override
    public StoredDocument store(Job job, Document document) throws IOException {
        return upload(job, document, Instant.now().plus(config.maxUploadTime()), null);
    }

    @Override
    public StoredDocument store(Job job, Document document, ExtractionContext context) throws IOException {
        Instant byConfig = Instant.now().plus(config.maxUploadTime());
        // the context's deadline is on the runtime's clock; what is left of it is what counts
        Instant byJob = Instant.now().plus(context.remaining());
        return upload(job, document, byJob.isBefore(byConfig) ? byJob : byConfig, context);
    }

    private StoredDocument upload(Job job, Document document, Instant deadline, ExtractionContext context)
            throws IOException {
        try {
            StoredDocument stored = uploader.upload(job, document, deadline, context);
            problem = null;
            return stored;
        } catch (DocumentSinkException e) {
            if (e.releasesTheJob()) {
                problem = e.getMessage(); // the store refuses or is unreachable: health() probes again
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- health

    /**
     * Ready while the store accepts the sink's writes. The first call, and every call after a store failure that
     * released a job (unreachable, access denied, no such bucket), probes the store with a small write and delete
     * under {@code <keyPrefix><queueName>/_docket-probe/}; other calls answer from memory.
     */
    @Override
    public DocumentSinkHealth health() {
        if (probed && problem == null) {
            return DocumentSinkHealth.healthy();
        }
        try {
            s3.putObject(p -> p.bucket(config.bucket()).key(probeKey).contentType("text/plain")
                    .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(30))),
                    RequestBody.fromBytes(new byte[] {'o', 'k'}));
            s3.deleteObject(d -> d.bucket(config.bucket()).key(probeKey));
            probed = true;
            if (problem != null) {
                log.info("S3 sink {}: the store accepts writes again", this);
            }
            problem = null;
            return DocumentSinkHealth.healthy();
        } catch (SdkException e) {
            DocumentSinkException d = S3Errors.classify("probe write to " + keys.where(probeKey), e);
            problem = d.getMessage();
            return DocumentSinkHealth.down(problem);
        } catch (RuntimeException e) {
            problem = "probe write to " + keys.where(probeKey) + " failed: " + e;
            return DocumentSinkHealth.down(problem);
        }
    }

    // ---------------------------------------------------------------- discard, read, sweep

    @Override
    public void discard(Job job, StoredDocument document) throws IOException {
        Location l = keys.locate(document.uri(), this);
        S3Keys.Name name = keys.parse(l.key()); // not null: locate checked the key
        StoredDocuments.requireAttemptOf(job, name.jobId(), name.attempt(), document.uri());
        delete(l);
    }

    @Override
    public void delete(Entry entry) throws IOException {
        delete(keys.locate(entry.uri(), this));
    }

    private void delete(Location l) throws IOException {
        try {
            s3.deleteObject(d -> d.bucket(config.bucket()).key(l.key()).versionId(l.versionId()));
        } catch (S3Exception e) {
            if (S3Errors.noSuchObject(e)) {
                return; // already gone
            }
            throw S3Errors.classify("delete " + keys.where(l.key()), e);
        } catch (SdkException e) {
            throw S3Errors.classify("delete " + keys.where(l.key()), e);
        }
    }

    /**
     * Opens the stored bytes of {@code document} (a reference this sink returned). Close the stream.
     *
     * @throws IllegalArgumentException when {@code document} is not a document of this sink
     */
    public InputStream open(StoredDocument document) throws IOException {
        Location l = keys.locate(document.uri(), this);
        try {
            ResponseInputStream<GetObjectResponse> in = s3.getObject(g -> g.bucket(config.bucket()).key(l.key())
                    .versionId(l.versionId()));
            return in;
        } catch (SdkException e) {
            throw S3Errors.classify("read " + keys.where(l.key()), e);
        }
    }

    /** True when the object {@code document} points to exists. */
    public boolean exists(StoredDocument document) throws IOException {
        Location l = keys.locate(document.uri(), this);
        try {
            s3.headObject(h -> h.bucket(config.bucket()).key(l.key()).versionId(l.versionId()));
            return true;
        } catch (S3Exception e) {
            if (S3Errors.noSuchObject(e)) {
                return false;
            }
            throw S3Errors.classify("look up " + keys.where(l.key()), e);
        } catch (SdkException e) {
            throw S3Errors.classify("look up " + keys.where(l.key()), e);
        }
    }

    /**
     * Lists this queue's documents ({@code <keyPrefix><queueName>/}) written before {@code writtenBefore}; by the
     * store's clock. In a versioned bucket every version is an entry of its own.
     */
    @Override
    public void forEachEntry(Instant writtenBefore, EntryVisitor visitor) throws IOException {
        try {
            if (versioned()) {
                for (ObjectVersion v : s3.listObjectVersionsPaginator(l -> l.bucket(config.bucket())
                        .prefix(keys.queuePrefix())).versions()) {
                    visit(v.key(), v.versionId(), v.lastModified(), writtenBefore, visitor);
                }
            } else {
                for (S3Object o : s3.listObjectsV2Paginator(l -> l.bucket(config.bucket()).prefix(keys.queuePrefix()))
                        .contents()) {
                    visit(o.key(), null, o.lastModified(), writtenBefore, visitor);
                }
            }
        } catch (SdkException e) {
            throw S3Errors.classify("list " + keys.where(keys.queuePrefix()), e);
        }
    }

    private void visit(String key, String versionId, Instant written, Instant before, EntryVisitor visitor)
            throws IOException {
        if (written == null || !written.isBefore(before)) {
            return;
        }
        S3Keys.Name name = keys.parse(key);
        if (name != null) {
            visitor.visit(new Entry(name.jobId(), name.attempt(), keys.uri(key, versionId), written));
        }
    }

    private boolean versioned() {
        try {
            BucketVersioningStatus s = s3.getBucketVersioning(g -> g.bucket(config.bucket())).status();
            return s == BucketVersioningStatus.ENABLED || s == BucketVersioningStatus.SUSPENDED;
        } catch (S3Exception e) {
            if (e.statusCode() == 501 || e.statusCode() == 400 || "NotImplemented".equals(S3Errors.code(e))) {
                return false; // a store without versioning
            }
            throw e;
        }
    }

    /** Closes the S3 client when the sink built it. */
    @Override
    public void close() {
        if (ownsClient) {
            s3.close();
        }
    }

    @Override
    public String toString() {
        return "S3DocumentSink{" + keys.where(keys.queuePrefix()) + (config.endpointOverride() != null ? " at "
                + config.endpointOverride() : "") + "}";
    }
}
