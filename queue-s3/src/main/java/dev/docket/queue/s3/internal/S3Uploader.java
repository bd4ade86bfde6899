package dev.docket.queue.s3.internal;

import dev.docket.queue.Document;
import dev.docket.queue.DocumentSinkException;
import dev.docket.queue.DocumentSinkException.Kind;
import dev.docket.queue.ExtractionContext;
import dev.docket.queue.Job;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.s3.S3SinkConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The uploads of the S3 sink: one request below the multipart threshold, in parts from it on; every request carries
 * the SHA-256 and MD5 of its bytes and what the store answers is compared with them (a mismatch deletes the object
 * and fails the attempt, TRANSIENT); a failure says what the runtime should do ({@link S3Errors}). Logs as the sink.
 * Thread-safe.
 */
public final class S3Uploader {
    private static final Logger log = LoggerFactory.getLogger("dev.docket.queue.s3.S3DocumentSink");
    private static final Pattern HEX_MD5 = Pattern.compile("^[0-9a-f]{32}(-[0-9]+)?$");

    private final S3Client s3;
    private final S3SinkConfig config;
    private final S3Keys keys;
    private final Object owner;
    private final AtomicBoolean unverifiedWarned = new AtomicBoolean();

    /**
     * @param owner the sink, named in log lines
     */
    public S3Uploader(S3Client s3, S3SinkConfig config, S3Keys keys, Object owner) {
        this.s3 = s3;
        this.config = config;
        this.keys = keys;
        this.owner = owner;
    }

    /**
     * Uploads the document of this attempt of {@code job} under {@link S3Keys#keyFor}, stopping at
     * {@code deadline} or once {@code context} (null: none) is cancelled.
     *
     * @return the reference to the stored object
     * @throws DocumentSinkException saying what the runtime should do
     */
    public StoredDocument upload(Job job, Document document, Instant deadline, ExtractionContext context)
            throws IOException {
        String key = keys.keyFor(job, document.fileExtension());
        if (document.size() > config.maxDocumentSize()) {
            throw new DocumentSinkException(Kind.PERMANENT, "document of job " + job.id() + " is " + document.size()
                    + " bytes but the S3 sink's maxDocumentSize is " + config.maxDocumentSize());
        }
        byte[] bytes = document.content();
        UploadAttempt u = new UploadAttempt(job, key, deadline, context);
        byte[] sha = Digests.sha256(bytes, 0, bytes.length);
        try {
            String versionId;
            if (bytes.length >= config.multipartThreshold()) {
                versionId = multipart(u, bytes, sha, document.contentType());
            } else {
                versionId = single(u, bytes, sha, document.contentType());
            }
            return new StoredDocument(keys.uri(key, versionId), HexFormat.of().formatHex(sha), bytes.length,
                    document.contentType());
        } catch (SdkException | UncheckedIOException e) {
            DocumentSinkException d = failure(u, e);
            if (u.cancelled() || u.overdue()) {
                // a store may keep what it got of an aborted request body (s3rver does); the key is this attempt's own
                deleteQuietly(key, null);
            }
            throw d;
        }
    }

    private String single(UploadAttempt u, byte[] bytes, byte[] sha, String contentType) throws IOException {
        byte[] md5 = Digests.md5(bytes, 0, bytes.length);
        PutObjectResponse r = s3.putObject(p -> {
            p.bucket(config.bucket()).key(u.key).contentType(contentType).contentLength((long) bytes.length)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(Digests.b64(sha)).contentMD5(Digests.b64(md5))
                    .overrideConfiguration(o -> o.apiCallTimeout(u.remaining()));
            if (config.storageClass() != null) {
                p.storageClass(config.storageClass());
            }
        }, body(u, bytes, 0, bytes.length, contentType));
        String mismatch = mismatch(r.checksumSHA256(), Set.of(Digests.b64(sha)), r.eTag(), Set.of(HexFormat.of().formatHex(md5)));
        if (mismatch != null) {
            deleteQuietly(u.key, r.versionId());
            throw new DocumentSinkException(Kind.TRANSIENT, "upload of job " + u.job.id() + " to " + keys.where(u.key)
                    + " was corrupted on its way (" + mismatch + "); the object was deleted");
        }
        return r.versionId();
    }

    private String multipart(UploadAttempt u, byte[] bytes, byte[] wholeSha, String contentType) throws IOException {
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
            MessageDigest partShas = Digests.digest("SHA-256");
            MessageDigest partMd5s = Digests.digest("MD5");
            for (int i = 0; i < parts; i++) {
                int off = (int) (i * partSize);
                int len = (int) Math.min(partSize, bytes.length - off);
                byte[] sha = Digests.sha256(bytes, off, len);
                byte[] md5 = Digests.md5(bytes, off, len);
                partShas.update(sha);
                partMd5s.update(md5);
                int number = i + 1;
                u.checkNotCancelled();
                UploadPartResponse r = s3.uploadPart(p -> p.bucket(config.bucket()).key(u.key).uploadId(uploadId)
                        .partNumber(number).contentLength((long) len).checksumAlgorithm(ChecksumAlgorithm.SHA256)
                        .checksumSHA256(Digests.b64(sha)).contentMD5(Digests.b64(md5))
                        .overrideConfiguration(o -> o.apiCallTimeout(u.remaining())),
                        body(u, bytes, off, len, contentType));
                String mismatch = mismatch(r.checksumSHA256(), Set.of(Digests.b64(sha)), r.eTag(),
                        Set.of(HexFormat.of().formatHex(md5)));
                if (mismatch != null) {
                    throw new DocumentSinkException(Kind.TRANSIENT, "part " + number + " of the upload of job "
                            + u.job.id() + " to " + keys.where(u.key) + " was corrupted on its way (" + mismatch + ")");
                }
                completed.add(CompletedPart.builder().partNumber(number).eTag(r.eTag())
                        .checksumSHA256(r.checksumSHA256() != null ? r.checksumSHA256() : Digests.b64(sha)).build());
            }
            u.checkNotCancelled();
            CompleteMultipartUploadResponse r = s3.completeMultipartUpload(c -> c.bucket(config.bucket()).key(u.key)
                    .uploadId(uploadId).multipartUpload(m -> m.parts(completed))
                    .overrideConfiguration(o -> o.apiCallTimeout(u.remaining())));
            done = true;
            String composite = Digests.b64(partShas.digest()) + "-" + parts;
            String etag = HexFormat.of().formatHex(partMd5s.digest()) + "-" + parts;
            String mismatch = mismatch(r.checksumSHA256(), Set.of(composite, Digests.b64(wholeSha)),
                    r.eTag(), Set.of(etag, HexFormat.of().formatHex(Digests.md5(bytes, 0, bytes.length))));
            if (mismatch != null) {
                deleteQuietly(u.key, r.versionId());
                throw new DocumentSinkException(Kind.TRANSIENT, "multipart upload of job " + u.job.id() + " to "
                        + keys.where(u.key) + " does not hold what was sent (" + mismatch + "); the object was deleted");
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
                    + "uploads are checked by the store only", owner);
        }
        return null;
    }

    private RequestBody body(UploadAttempt u, byte[] bytes, int off, int len, String contentType) {
        return RequestBody.fromContentProvider(() -> u.stream(bytes, off, len), len, contentType);
    }

    private DocumentSinkException failure(UploadAttempt u, RuntimeException e) {
        if (u.cancelled()) {
            return new DocumentSinkException(Kind.TRANSIENT, "upload of job " + u.job.id() + " to " + keys.where(u.key)
                    + " aborted: the job was cancelled", e);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
                || (u.overdue() && !(e instanceof S3Exception))) {
            return new DocumentSinkException(Kind.TRANSIENT, "upload of job " + u.job.id() + " to " + keys.where(u.key)
                    + " did not finish within the job's time; aborted", e);
        }
        if (!(e instanceof SdkException)) {
            return new DocumentSinkException(Kind.TRANSIENT, "upload of job " + u.job.id() + " to " + keys.where(u.key)
                    + " failed: " + e.getMessage(), e);
        }
        return S3Errors.classify("upload of job " + u.job.id() + " to " + keys.where(u.key), (SdkException) e);
    }

    private void deleteQuietly(String key, String versionId) {
        try {
            s3.deleteObject(d -> d.bucket(config.bucket()).key(key).versionId(versionId)
                    .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(10))));
        } catch (SdkException e) {
            log.warn("S3 sink {}: could not delete the object {} of a failed upload; DocumentSweeper removes it later", owner,
                    key, e);
        }
    }

    private void abortQuietly(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(a -> a.bucket(config.bucket()).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            log.warn("S3 sink {}: could not abort the multipart upload {} of {}; a lifecycle rule "
                    + "(AbortIncompleteMultipartUpload) removes its parts", owner, uploadId, key, e);
        }
    }
}
