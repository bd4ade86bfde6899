package dev.docket.queue.s3;

import dev.docket.queue.Document;
import dev.docket.queue.DocumentSinkException;
import dev.docket.queue.DocumentSinkException.Kind;
import dev.docket.queue.DocumentSinkHealth;
import dev.docket.queue.ExtractionContext;
import dev.docket.queue.Job;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.SweepableDocumentSink;
import dev.docket.queue.s3.internal.BandwidthLimiter;
import dev.docket.queue.s3.internal.PacedHttpClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

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
    private static final String UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern NAME = Pattern.compile("^([1-9][0-9]{0,18})/(" + UUID_RE + ")\\.([a-z0-9]{1,8})$");
    private static final Pattern HEX_MD5 = Pattern.compile("^[0-9a-f]{32}(-[0-9]+)?$");
    private static final Set<String> REJECTED_CODES = Set.of("AccessDenied", "InvalidAccessKeyId",
            "SignatureDoesNotMatch", "NoSuchBucket", "AllAccessDisabled", "AccountProblem", "InvalidBucketName",
            "PermanentRedirect", "AuthorizationHeaderMalformed", "InvalidStorageClass", "InvalidToken", "ExpiredToken",
            "InvalidObjectState", "NotSignedUp", "UnauthorizedAccess");
    private static final Set<String> CHECKSUM_CODES = Set.of("BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch",
            "XAmzContentChecksumMismatch", "InvalidChecksum");
    private static final Set<String> UNAVAILABLE_CODES = Set.of("SlowDown", "ServiceUnavailable", "InternalError",
            "RequestTimeout", "RequestTimeTooSkewed", "Throttling", "ThrottlingException", "TooManyRequests");

    private final S3SinkConfig config;
    private final S3Client s3;
    private final boolean ownsClient;
    private final String queuePrefix;
    private final String probeKey;
    private final AtomicBoolean unverifiedWarned = new AtomicBoolean();
    /** null while the store accepted our last write; otherwise why not. */
    private volatile String problem;
    private volatile boolean probed;

    private S3DocumentSink(S3SinkConfig config, S3Client s3, boolean ownsClient) {
        this.config = Objects.requireNonNull(config, "config");
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.ownsClient = ownsClient;
        this.queuePrefix = config.keyPrefix() + config.queueName() + "/";
        this.probeKey = queuePrefix + "_docket-probe/" + UUID.randomUUID();
    }

    /** A sink with an S3 client of its own, built from {@code config} (closed by {@link #close()}). */
    public static S3DocumentSink create(S3SinkConfig config) {
        return new S3DocumentSink(config, client(config), true);
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

    private static S3Client client(S3SinkConfig config) {
        SdkHttpClient http = Apache5HttpClient.builder().maxConnections(config.maxConnections()).build();
        if (config.uploadBytesPerSecond() > 0) {
            http = new PacedHttpClient(http, new BandwidthLimiter(config.uploadBytesPerSecond()));
        }
        var b = S3Client.builder()
                .httpClient(http)
                .forcePathStyle(config.pathStyleAccess())
                .credentialsProvider(config.credentials() != null ? config.credentials()
                        : DefaultCredentialsProvider.builder().build())
                // plain bodies: many S3-compatible stores cannot decode aws-chunked; the checksums go in headers
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (config.endpointOverride() != null) {
            b.endpointOverride(config.endpointOverride());
        }
        if (config.region() != null) {
            b.region(Region.of(config.region()));
        } else if (config.endpointOverride() != null) {
            b.region(Region.US_EAST_1);
        }
        try {
            return b.build();
        } catch (SdkClientException e) {
            http.close();
            throw new IllegalArgumentException("region must be given (no region in the SDK's default chain): "
                    + e.getMessage(), e);
        }
    }

    /** The settings in use. */
    public S3SinkConfig config() {
        return config;
    }

    /** The key the document of this attempt of {@code job} is (or will be) stored under. */
    public String keyFor(Job job, String extension) {
        return queuePrefix + job.id() + "/" + attemptToken(job) + "." + extension;
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
        String key = keyFor(job, document.fileExtension());
        if (document.size() > config.maxDocumentSize()) {
            throw new DocumentSinkException(Kind.PERMANENT, "document of job " + job.id() + " is " + document.size()
                    + " bytes but the S3 sink's maxDocumentSize is " + config.maxDocumentSize());
        }
        byte[] bytes = document.content();
        Upload u = new Upload(job, key, deadline, context);
        byte[] sha = sha256(bytes, 0, bytes.length);
        try {
            String versionId;
            if (bytes.length >= config.multipartThreshold()) {
                versionId = multipart(u, bytes, sha, document.contentType());
            } else {
                versionId = single(u, bytes, sha, document.contentType());
            }
            problem = null;
            String uri = "s3://" + config.bucket() + "/" + key
                    + (versionId != null && !versionId.isEmpty() && !versionId.equals("null")
                            ? "?versionId=" + versionId : "");
            return new StoredDocument(uri, HexFormat.of().formatHex(sha), bytes.length,
                    document.contentType());
        } catch (SdkException | java.io.UncheckedIOException e) {
            DocumentSinkException d = failure(u, e);
            if (u.cancelled() || u.overdue()) {
                // a store may keep what it got of an aborted request body (s3rver does); the key is this attempt's own
                deleteQuietly(key, null);
            }
            throw d;
        }
    }

    private String single(Upload u, byte[] bytes, byte[] sha, String contentType) throws IOException {
        byte[] md5 = md5(bytes, 0, bytes.length);
        PutObjectResponse r = s3.putObject(p -> {
            p.bucket(config.bucket()).key(u.key).contentType(contentType).contentLength((long) bytes.length)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(b64(sha)).contentMD5(b64(md5))
                    .overrideConfiguration(o -> o.apiCallTimeout(u.remaining()));
            if (config.storageClass() != null) {
                p.storageClass(config.storageClass());
            }
        }, body(u, bytes, 0, bytes.length, contentType));
        String mismatch = mismatch(r.checksumSHA256(), Set.of(b64(sha)), r.eTag(), Set.of(HexFormat.of().formatHex(md5)));
        if (mismatch != null) {
            deleteQuietly(u.key, r.versionId());
            throw new DocumentSinkException(Kind.TRANSIENT, "upload of job " + u.job.id() + " to " + where(u.key)
                    + " was corrupted on its way (" + mismatch + "); the object was deleted");
        }
        return r.versionId();
    }

    private String multipart(Upload u, byte[] bytes, byte[] wholeSha, String contentType) throws IOException {
        String uploadId = s3.createMultipartUpload(c -> {
            c.bucket(config.bucket()).key(u.key).contentType(contentType).checksumAlgorithm(ChecksumAlgorithm.SHA256)
                    .overrideConfiguration(o -> o.apiCallTimeout(u.remaining()));
            if (config.storageClass() != null) {
                c.storageClass(config.storageClass());
            }
        }).uploadId();
        boolean done = false;
        try {
            long partSize = config.partSize();
            int parts = (int) ((bytes.length + partSize - 1) / partSize);
            List<CompletedPart> completed = new ArrayList<>(parts);
            MessageDigest partShas = digest("SHA-256");
            MessageDigest partMd5s = digest("MD5");
            for (int i = 0; i < parts; i++) {
                int off = (int) (i * partSize);
                int len = (int) Math.min(partSize, bytes.length - off);
                byte[] sha = sha256(bytes, off, len);
                byte[] md5 = md5(bytes, off, len);
                partShas.update(sha);
                partMd5s.update(md5);
                int number = i + 1;
                u.checkNotCancelled();
                UploadPartResponse r = s3.uploadPart(p -> p.bucket(config.bucket()).key(u.key).uploadId(uploadId)
                        .partNumber(number).contentLength((long) len).checksumAlgorithm(ChecksumAlgorithm.SHA256)
                        .checksumSHA256(b64(sha)).contentMD5(b64(md5))
                        .overrideConfiguration(o -> o.apiCallTimeout(u.remaining())),
                        body(u, bytes, off, len, contentType));
                String mismatch = mismatch(r.checksumSHA256(), Set.of(b64(sha)), r.eTag(),
                        Set.of(HexFormat.of().formatHex(md5)));
                if (mismatch != null) {
                    throw new DocumentSinkException(Kind.TRANSIENT, "part " + number + " of the upload of job "
                            + u.job.id() + " to " + where(u.key) + " was corrupted on its way (" + mismatch + ")");
                }
                completed.add(CompletedPart.builder().partNumber(number).eTag(r.eTag())
                        .checksumSHA256(r.checksumSHA256() != null ? r.checksumSHA256() : b64(sha)).build());
            }
            u.checkNotCancelled();
            CompleteMultipartUploadResponse r = s3.completeMultipartUpload(c -> c.bucket(config.bucket()).key(u.key)
                    .uploadId(uploadId).multipartUpload(m -> m.parts(completed))
                    .overrideConfiguration(o -> o.apiCallTimeout(u.remaining())));
            done = true;
            String composite = b64(partShas.digest()) + "-" + parts;
            String etag = HexFormat.of().formatHex(partMd5s.digest()) + "-" + parts;
            String mismatch = mismatch(r.checksumSHA256(), Set.of(composite, b64(wholeSha)),
                    r.eTag(), Set.of(etag, HexFormat.of().formatHex(md5(bytes, 0, bytes.length))));
            if (mismatch != null) {
                deleteQuietly(u.key, r.versionId());
                throw new DocumentSinkException(Kind.TRANSIENT, "multipart upload of job " + u.job.id() + " to "
                        + where(u.key) + " does not hold what was sent (" + mismatch + "); the object was deleted");
            }
            return r.versionId();
        } finally {
            if (!done) {
                abortQuietly(u.key, uploadId);
            }
        }
    }

    /**
     * What differs between what was sent and what the store says it got, or null. The store's SHA-256 is compared
     * when it gives one; otherwise its ETag, when that is an MD5 (it is not for SSE-KMS objects). For a multipart
     * upload either form is accepted: of the parts' digests ({@code ...-N}) or of the whole object.
     */
    private String mismatch(String storeSha, Set<String> sentShas, String storeEtag, Set<String> sentMd5s) {
        if (storeSha != null && !storeSha.isEmpty()) {
            return sentShas.contains(storeSha) ? null : "the store's SHA-256 is " + storeSha + " but " + sentShas
                    + " was sent";
        }
        String etag = storeEtag == null ? "" : storeEtag.replace("\"", "").toLowerCase(Locale.ROOT);
        if (HEX_MD5.matcher(etag).matches()) {
            return sentMd5s.contains(etag) ? null : "the store's ETag is " + etag + " but the MD5 sent is " + sentMd5s;
        }
        if (unverifiedWarned.compareAndSet(false, true)) {
            log.warn("S3 sink {}: the store answers uploads with neither a SHA-256 checksum nor an MD5 ETag; the "
                    + "uploads are checked by the store only", this);
        }
        return null;
    }

    private RequestBody body(Upload u, byte[] bytes, int off, int len, String contentType) {
        return RequestBody.fromContentProvider(() -> u.stream(bytes, off, len), len, contentType);
    }

    private DocumentSinkException failure(Upload u, RuntimeException e) {
        if (u.cancelled()) {
            return new DocumentSinkException(Kind.TRANSIENT, "upload of job " + u.job.id() + " to " + where(u.key)
                    + " aborted: the job was cancelled", e);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
                || (u.overdue() && !(e instanceof S3Exception))) {
            return new DocumentSinkException(Kind.TRANSIENT, "upload of job " + u.job.id() + " to " + where(u.key)
                    + " did not finish within the job's time; aborted", e);
        }
        if (!(e instanceof SdkException)) {
            return new DocumentSinkException(Kind.TRANSIENT, "upload of job " + u.job.id() + " to " + where(u.key)
                    + " failed: " + e.getMessage(), e);
        }
        DocumentSinkException d = classify("upload of job " + u.job.id() + " to " + where(u.key), (SdkException) e);
        if (d.releasesTheJob()) {
            problem = d.getMessage();
        }
        return d;
    }

    /** What the runtime should make of {@code e}. */
    static DocumentSinkException classify(String what, SdkException e) {
        if (e instanceof S3Exception) {
            S3Exception s = (S3Exception) e;
            String code = s.awsErrorDetails() != null ? s.awsErrorDetails().errorCode() : null;
            String msg = s.awsErrorDetails() != null ? s.awsErrorDetails().errorMessage() : s.getMessage();
            String detail = what + " failed: " + (code != null ? code + " " : "") + "(HTTP " + s.statusCode() + ")"
                    + (msg != null ? ": " + msg : "");
            if (code != null && CHECKSUM_CODES.contains(code)) {
                return new DocumentSinkException(Kind.TRANSIENT, detail + " — corrupted on its way", e);
            }
            if ((code != null && REJECTED_CODES.contains(code)) || s.statusCode() == 403 || s.statusCode() == 401
                    || s.statusCode() == 301) {
                return new DocumentSinkException(Kind.REJECTED, detail, e);
            }
            if (s.statusCode() >= 500 || s.statusCode() == 429 || (code != null && UNAVAILABLE_CODES.contains(code))) {
                return new DocumentSinkException(Kind.UNAVAILABLE, detail, e);
            }
            if ("EntityTooLarge".equals(code)) {
                return new DocumentSinkException(Kind.PERMANENT, detail, e);
            }
            return new DocumentSinkException(Kind.TRANSIENT, detail, e);
        }
        if (e instanceof AbortedException) {
            return new DocumentSinkException(Kind.TRANSIENT, what + " was interrupted", e);
        }
        // connection refused, reset, unknown host, I/O errors: the store is unreachable
        return new DocumentSinkException(Kind.UNAVAILABLE, what + " failed: the store is unreachable ("
                + e.getMessage() + ")", e);
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
            DocumentSinkException d = classify("probe write to " + where(probeKey), e);
            problem = d.getMessage();
            return DocumentSinkHealth.down(problem);
        } catch (RuntimeException e) {
            problem = "probe write to " + where(probeKey) + " failed: " + e;
            return DocumentSinkHealth.down(problem);
        }
    }

    // ---------------------------------------------------------------- discard, read, sweep

    @Override
    public void discard(Job job, StoredDocument document) throws IOException {
        Location l = locate(document.uri());
        Matcher m = NAME.matcher(l.key.substring(queuePrefix.length()));
        if (!m.matches() || Long.parseLong(m.group(1)) != job.id() || !m.group(2).equals(String.valueOf(job.leaseToken()))) {
            throw new IllegalArgumentException("not the document of attempt " + job.leaseToken() + " of job " + job.id()
                    + ": " + document.uri());
        }
        delete(l);
    }

    @Override
    public void delete(Entry entry) throws IOException {
        delete(locate(entry.uri()));
    }

    private void delete(Location l) throws IOException {
        try {
            s3.deleteObject(d -> d.bucket(config.bucket()).key(l.key).versionId(l.versionId));
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !"NoSuchBucket".equals(code(e))) {
                return; // already gone
            }
            throw classify("delete " + where(l.key), e);
        } catch (SdkException e) {
            throw classify("delete " + where(l.key), e);
        }
    }

    /**
     * Opens the stored bytes of {@code document} (a reference this sink returned). Close the stream.
     *
     * @throws IllegalArgumentException when {@code document} is not a document of this sink
     */
    public InputStream open(StoredDocument document) throws IOException {
        Location l = locate(document.uri());
        try {
            ResponseInputStream<GetObjectResponse> in = s3.getObject(g -> g.bucket(config.bucket()).key(l.key)
                    .versionId(l.versionId));
            return in;
        } catch (SdkException e) {
            throw classify("read " + where(l.key), e);
        }
    }

    /** True when the object {@code document} points to exists. */
    public boolean exists(StoredDocument document) throws IOException {
        Location l = locate(document.uri());
        try {
            s3.headObject(h -> h.bucket(config.bucket()).key(l.key).versionId(l.versionId));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !"NoSuchBucket".equals(code(e))) {
                return false;
            }
            throw classify("look up " + where(l.key), e);
        } catch (SdkException e) {
            throw classify("look up " + where(l.key), e);
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
                        .prefix(queuePrefix)).versions()) {
                    visit(v.key(), v.versionId(), v.lastModified(), writtenBefore, visitor);
                }
            } else {
                for (S3Object o : s3.listObjectsV2Paginator(l -> l.bucket(config.bucket()).prefix(queuePrefix))
                        .contents()) {
                    visit(o.key(), null, o.lastModified(), writtenBefore, visitor);
                }
            }
        } catch (SdkException e) {
            throw classify("list " + where(queuePrefix), e);
        }
    }

    private void visit(String key, String versionId, Instant written, Instant before, EntryVisitor visitor)
            throws IOException {
        if (!key.startsWith(queuePrefix) || written == null || !written.isBefore(before)) {
            return;
        }
        Matcher m = NAME.matcher(key.substring(queuePrefix.length()));
        if (!m.matches()) {
            return;
        }
        String uri = "s3://" + config.bucket() + "/" + key
                + (versionId != null && !versionId.equals("null") ? "?versionId=" + versionId : "");
        visitor.visit(new Entry(Long.parseLong(m.group(1)), UUID.fromString(m.group(2)), uri, written));
    }

    private boolean versioned() {
        try {
            BucketVersioningStatus s = s3.getBucketVersioning(g -> g.bucket(config.bucket())).status();
            return s == BucketVersioningStatus.ENABLED || s == BucketVersioningStatus.SUSPENDED;
        } catch (S3Exception e) {
            if (e.statusCode() == 501 || e.statusCode() == 400 || "NotImplemented".equals(code(e))) {
                return false; // a store without versioning
            }
            throw e;
        }
    }

    private Location locate(String uri) {
        String head = "s3://" + config.bucket() + "/";
        if (uri == null || !uri.startsWith(head)) {
            throw new IllegalArgumentException("not a document of " + this + ": " + uri);
        }
        String rest = uri.substring(head.length());
        String versionId = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            String query = rest.substring(q + 1);
            rest = rest.substring(0, q);
            if (!query.startsWith("versionId=") || query.length() == "versionId=".length()) {
                throw new IllegalArgumentException("not a document of " + this + ": " + uri);
            }
            versionId = query.substring("versionId=".length());
        }
        if (!rest.startsWith(queuePrefix) || !NAME.matcher(rest.substring(queuePrefix.length())).matches()) {
            throw new IllegalArgumentException("not a document of " + this + ": " + uri);
        }
        return new Location(rest, versionId);
    }

    private record Location(String key, String versionId) {
    }

    // ---------------------------------------------------------------- helpers

    private void deleteQuietly(String key, String versionId) {
        try {
            s3.deleteObject(d -> d.bucket(config.bucket()).key(key).versionId(versionId)
                    .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(10))));
        } catch (SdkException e) {
            log.warn("S3 sink {}: could not delete the object {} of a failed upload; DocumentSweeper removes it later", this,
                    key, e);
        }
    }

    private void abortQuietly(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(a -> a.bucket(config.bucket()).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            log.warn("S3 sink {}: could not abort the multipart upload {} of {}; a lifecycle rule "
                    + "(AbortIncompleteMultipartUpload) removes its parts", this, uploadId, key, e);
        }
    }

    private String where(String key) {
        return "s3://" + config.bucket() + "/" + key;
    }

    private static String code(S3Exception e) {
        return e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
    }

    private static UUID attemptToken(Job job) {
        if (job.leaseToken() == null) {
            throw new IllegalArgumentException("job " + job.id() + " has no lease token: documents are stored "
                    + "for a claimed (PROCESSING) job only, but it is " + job.status());
        }
        return job.leaseToken();
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    static byte[] sha256(byte[] b, int off, int len) {
        MessageDigest d = digest("SHA-256");
        d.update(b, off, len);
        return d.digest();
    }

    private static byte[] md5(byte[] b, int off, int len) {
        MessageDigest d = digest("MD5");
        d.update(b, off, len);
        return d.digest();
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required by every Java platform", e);
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
        return "S3DocumentSink{" + where(queuePrefix) + (config.endpointOverride() != null ? " at "
                + config.endpointOverride() : "") + "}";
    }

    /** One document's upload: its deadline and cancellation. */
    private static final class Upload {
        final Job job;
        final String key;
        final Instant deadline;
        final ExtractionContext context;

        Upload(Job job, String key, Instant deadline, ExtractionContext context) {
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
            return new java.io.FilterInputStream(in) {
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
}
