package dev.docket.queue.s3.internal;

import dev.docket.queue.internal.StoredDocuments;
import dev.docket.queue.Job;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of one queue's documents in a bucket: {@code <keyPrefix><queueName>/<job id>/<lease token>.<ext>}, the
 * {@code s3://} references to them and the parsing of those references back. Keys come from the configuration and
 * the claim only, never from job text. Immutable.
 */
public final class S3Keys {
    private static final String UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern NAME = Pattern.compile("^([1-9][0-9]{0,18})/(" + UUID_RE + ")\\.([a-z0-9]{1,8})$");
    private static final String VERSION = "versionId=";

    /** Where an object is: its key and, in a versioned bucket, its version. */
    public record Location(String key, String versionId) {
    }

    /** What a document's key says: the job and the attempt (lease token) it belongs to. */
    public record Name(long jobId, UUID attempt) {
    }

    private final String bucket;
    private final String queuePrefix;

    public S3Keys(String bucket, String keyPrefix, String queueName) {
        this.bucket = bucket;
        this.queuePrefix = keyPrefix + queueName + "/";
    }

    /** {@code <keyPrefix><queueName>/}: the prefix of every key of this queue. */
    public String queuePrefix() {
        return queuePrefix;
    }

    /** A fresh key for a probe write, under {@code <queuePrefix>_docket-probe/}. */
    public String newProbeKey() {
        return queuePrefix + "_docket-probe/" + UUID.randomUUID();
    }

    /** The key the document of this attempt of {@code job} is (or will be) stored under. */
    public String keyFor(Job job, String extension) {
        return queuePrefix + job.id() + "/" + StoredDocuments.attemptToken(job) + "." + extension;
    }

    /** The reference to {@code key}, with {@code ?versionId=} when the store gave a (real) version. */
    public String uri(String key, String versionId) {
        return where(key) + (versionId != null && !versionId.isEmpty() && !versionId.equals("null")
                ? "?" + VERSION + versionId : "");
    }

    /** {@code s3://<bucket>/<key>}, for messages. */
    public String where(String key) {
        return "s3://" + bucket + "/" + key;
    }

    /** What a key of this queue names, or null when it is not a document key of this queue. */
    public Name parse(String key) {
        if (!key.startsWith(queuePrefix)) {
            return null;
        }
        Matcher m = NAME.matcher(key.substring(queuePrefix.length()));
        return m.matches() ? new Name(Long.parseLong(m.group(1)), UUID.fromString(m.group(2))) : null;
    }

    /**
     * The object a reference of this queue points to.
     *
     * @param owner names the sink in the message
     * @throws IllegalArgumentException when {@code uri} is not a document of this queue
     */
    public Location locate(String uri, Object owner) {
        String head = "s3://" + bucket + "/";
        if (uri == null || !uri.startsWith(head)) {
            throw new IllegalArgumentException("not a document of " + owner + ": " + uri);
        }
        String rest = uri.substring(head.length());
        String versionId = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            String query = rest.substring(q + 1);
            rest = rest.substring(0, q);
            if (!query.startsWith(VERSION) || query.length() == VERSION.length()) {
                throw new IllegalArgumentException("not a document of " + owner + ": " + uri);
            }
            versionId = query.substring(VERSION.length());
        }
        if (!rest.startsWith(queuePrefix) || !NAME.matcher(rest.substring(queuePrefix.length())).matches()) {
            throw new IllegalArgumentException("not a document of " + owner + ": " + uri);
        }
        return new Location(rest, versionId);
    }
}
