package dev.docket.queue.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Settings of an {@link S3DocumentSink}. Immutable; made by {@link #builder(String, String)}, which validates every
 * field at {@link Builder#build()}. Works with any S3-compatible store: AWS S3, MinIO, Ceph RGW, Cloudflare R2
 * (set {@link Builder#endpointOverride} and, for most non-AWS stores, {@link Builder#pathStyleAccess}).
 *
 * <p>Object keys are {@code <keyPrefix><queueName>/<job id>/<lease token>.<extension>}: the prefix and queue name
 * come from this configuration (validated), the rest from the claim, never from job text.
 */
public final class S3SinkConfig {
    /** The smallest part S3 accepts in a multipart upload (except the last). */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /** The most parts one multipart upload may have. */
    public static final int MAX_PARTS = 10_000;

    private static final Pattern BUCKET = Pattern.compile("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");
    private static final Pattern QUEUE = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");
    private static final Pattern PREFIX_SEGMENT = Pattern.compile("^[A-Za-z0-9!_.*'()-]{1,128}$");
    private static final Pattern REGION = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");
    private static final Pattern STORAGE_CLASS = Pattern.compile("^[A-Z][A-Z0-9_]{0,63}$");

    private final String bucket;
    private final String queueName;
    private final String keyPrefix;
    private final String region;
    private final URI endpointOverride;
    private final boolean pathStyleAccess;
    private final AwsCredentialsProvider credentials;
    private final String storageClass;
    private final long multipartThreshold;
    private final long partSize;
    private final long maxDocumentSize;
    private final long uploadBytesPerSecond;
    private final Duration maxUploadTime;
    private final int maxConnections;

    private S3SinkConfig(Builder b) {
        this.bucket = b.bucket;
        this.queueName = b.queueName;
        this.keyPrefix = b.keyPrefix;
        this.region = b.region;
        this.endpointOverride = b.endpointOverride;
        this.pathStyleAccess = b.pathStyleAccess;
        this.credentials = b.credentials;
        this.storageClass = b.storageClass;
        this.multipartThreshold = b.multipartThreshold;
        this.partSize = b.partSize;
        this.maxDocumentSize = b.maxDocumentSize;
        this.uploadBytesPerSecond = b.uploadBytesPerSecond;
        this.maxUploadTime = b.maxUploadTime;
        this.maxConnections = b.maxConnections;
    }

    /**
     * A builder.
     *
     * @param bucket    the bucket documents go to (S3 bucket naming: 3-63 of {@code a-z 0-9 . -})
     * @param queueName names this queue's documents inside the prefix: {@code [a-z0-9][a-z0-9_-]{0,62}}; give
     *                  every queue (schema) sharing a bucket its own, so that {@link dev.docket.queue.DocumentSweeper}
     *                  sweeps each queue's documents against that queue's jobs only
     */
    public static Builder builder(String bucket, String queueName) {
        return new Builder(bucket, queueName);
    }

    /** The bucket. */
    public String bucket() {
        return bucket;
    }

    /** The queue's name: the key segment after the prefix. */
    public String queueName() {
        return queueName;
    }

    /** Prepended to every key; empty or ending with {@code /}. Default {@code docket/}. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** The region, or {@code null} for the SDK's default region chain ({@code us-east-1} with an endpoint override). */
    public String region() {
        return region;
    }

    /** The endpoint of a non-AWS store (MinIO, Ceph, R2), or {@code null} for AWS. */
    public URI endpointOverride() {
        return endpointOverride;
    }

    /** Whether requests name the bucket in the path ({@code host/bucket/key}) instead of the host name. */
    public boolean pathStyleAccess() {
        return pathStyleAccess;
    }

    /** Where credentials come from; {@code null} for the SDK's default chain (environment, profile, instance role). */
    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    /** The storage class of new objects (e.g. {@code STANDARD_IA}), or {@code null} for the bucket's default. */
    public String storageClass() {
        return storageClass;
    }

    /** Documents of at least this many bytes go up in a multipart upload. Default 16 MiB. */
    public long multipartThreshold() {
        return multipartThreshold;
    }

    /** The size of each part of a multipart upload (the last may be smaller). Default 8 MiB. */
    public long partSize() {
        return partSize;
    }

    /** The largest document accepted; a larger one fails its job. Default 1 GiB. */
    public long maxDocumentSize() {
        return maxDocumentSize;
    }

    /** Upload bandwidth cap of this sink (all its uploads together), bytes per second; 0 for none (default). */
    public long uploadBytesPerSecond() {
        return uploadBytesPerSecond;
    }

    /**
     * How long one document's upload may take when the runtime gives no job deadline. With a deadline (see
     * {@link dev.docket.queue.DocumentSink#store(dev.docket.queue.Job, dev.docket.queue.Document,
     * dev.docket.queue.ExtractionContext)}) the upload stops at whichever comes first. Default 10 minutes.
     */
    public Duration maxUploadTime() {
        return maxUploadTime;
    }

    /** Connections of the HTTP client the sink builds for itself. Default 50. */
    public int maxConnections() {
        return maxConnections;
    }

    @Override
    public String toString() {
        // never the credentials
        return "S3SinkConfig{bucket=" + bucket + ", queueName=" + queueName + ", keyPrefix='" + keyPrefix + "'"
                + (region != null ? ", region=" + region : "")
                + (endpointOverride != null ? ", endpoint=" + endpointOverride : "")
                + (pathStyleAccess ? ", pathStyle" : "")
                + ", credentials=" + (credentials == null ? "default chain" : "given")
                + (storageClass != null ? ", storageClass=" + storageClass : "")
                + ", multipartThreshold=" + multipartThreshold + ", partSize=" + partSize
                + (uploadBytesPerSecond > 0 ? ", uploadBytesPerSecond=" + uploadBytesPerSecond : "")
                + ", maxUploadTime=" + maxUploadTime + "}";
    }

    /** Builds an {@link S3SinkConfig}. Not thread-safe. */
    public static final class Builder {
        private final String bucket;
        private final String queueName;
        private String keyPrefix = "docket/";
        private String region;
        private URI endpointOverride;
        private boolean pathStyleAccess;
        private AwsCredentialsProvider credentials;
        private String storageClass;
        private long multipartThreshold = 16L * 1024 * 1024;
        private long partSize = 8L * 1024 * 1024;
        private long maxDocumentSize = 1024L * 1024 * 1024;
        private long uploadBytesPerSecond;
        private Duration maxUploadTime = Duration.ofMinutes(10);
        private int maxConnections = 50;

        private Builder(String bucket, String queueName) {
            this.bucket = bucket;
            this.queueName = queueName;
        }

        /** Prepended to every key: empty, or {@code /}-separated segments of {@code A-Z a-z 0-9 ! _ . * ' ( ) -}. */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** The region (e.g. {@code eu-west-1}); default the SDK's chain, or {@code us-east-1} with an endpoint override. */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /** The endpoint of a non-AWS store, e.g. {@code http://minio:9000}. */
        public Builder endpointOverride(URI endpoint) {
            this.endpointOverride = endpoint;
            return this;
        }

        /** Path-style requests ({@code host/bucket/key}); most non-AWS stores need it. Default false. */
        public Builder pathStyleAccess(boolean pathStyle) {
            this.pathStyleAccess = pathStyle;
            return this;
        }

        /** Explicit credentials (the secret is never logged nor shown by {@code toString}). */
        public Builder credentials(String accessKeyId, String secretAccessKey) {
            if (accessKeyId == null || accessKeyId.isBlank()) {
                throw new IllegalArgumentException("accessKeyId must not be blank but was '" + accessKeyId + "'");
            }
            if (secretAccessKey == null || secretAccessKey.isEmpty()) {
                throw new IllegalArgumentException("secretAccessKey must not be empty");
            }
            this.credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
            return this;
        }

        /** Credentials from a provider of your own; {@code null} for the SDK's default chain (the default). */
        public Builder credentialsProvider(AwsCredentialsProvider provider) {
            this.credentials = provider;
            return this;
        }

        /** The storage class of new objects ({@code STANDARD}, {@code STANDARD_IA}, ...); default the bucket's. */
        public Builder storageClass(String storageClass) {
            this.storageClass = storageClass;
            return this;
        }

        /** Multipart upload from this size on; at least {@link #MIN_PART_SIZE}. */
        public Builder multipartThreshold(long bytes) {
            this.multipartThreshold = bytes;
            return this;
        }

        /** Part size of multipart uploads; at least {@link #MIN_PART_SIZE}. */
        public Builder partSize(long bytes) {
            this.partSize = bytes;
            return this;
        }

        /** The largest document accepted (at most {@code partSize * 10000}). */
        public Builder maxDocumentSize(long bytes) {
            this.maxDocumentSize = bytes;
            return this;
        }

        /** Upload bandwidth cap in bytes per second for this sink; 0 for none. */
        public Builder uploadBytesPerSecond(long bytesPerSecond) {
            this.uploadBytesPerSecond = bytesPerSecond;
            return this;
        }

        /** The longest one upload may take when the runtime gives no deadline. */
        public Builder maxUploadTime(Duration maxUploadTime) {
            this.maxUploadTime = maxUploadTime;
            return this;
        }

        /** Connections of the sink's own HTTP client (1 to 1000). */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /** Validates and builds. */
        public S3SinkConfig build() {
            if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
                throw new IllegalArgumentException("bucket must be a bucket name (3-63 of a-z 0-9 . -, starting and "
                        + "ending with a letter or digit) but was '" + bucket + "'");
            }
            if (queueName == null || !QUEUE.matcher(queueName).matches()) {
                throw new IllegalArgumentException("queueName must match [a-z0-9][a-z0-9_-]{0,62} but was '"
                        + queueName + "'");
            }
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (!keyPrefix.isEmpty()) {
                String p = keyPrefix.endsWith("/") ? keyPrefix.substring(0, keyPrefix.length() - 1) : keyPrefix;
                for (String segment : p.split("/", -1)) {
                    if (!PREFIX_SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                        throw new IllegalArgumentException("keyPrefix must be '/'-separated segments of "
                                + "A-Z a-z 0-9 ! _ . * ' ( ) - (no empty, '.' or '..' segment) but was '" + keyPrefix + "'");
                    }
                }
                if (keyPrefix.length() > 512) {
                    throw new IllegalArgumentException("keyPrefix must be at most 512 characters but was "
                            + keyPrefix.length());
                }
                keyPrefix = p + "/";
            }
            if (region != null && !REGION.matcher(region).matches()) {
                throw new IllegalArgumentException("region must look like 'eu-west-1' but was '" + region + "'");
            }
            if (endpointOverride != null) {
                String scheme = endpointOverride.getScheme();
                if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))
                        || endpointOverride.getHost() == null) {
                    throw new IllegalArgumentException("endpointOverride must be an http(s) URL with a host but was '"
                            + endpointOverride + "'");
                }
                if (endpointOverride.getRawQuery() != null || endpointOverride.getUserInfo() != null) {
                    throw new IllegalArgumentException("endpointOverride must have no query and no user info but was '"
                            + endpointOverride.getScheme() + "://" + endpointOverride.getHost() + "...'");
                }
            }
            if (storageClass != null && !STORAGE_CLASS.matcher(storageClass).matches()) {
                throw new IllegalArgumentException("storageClass must be an S3 storage class such as STANDARD or "
                        + "STANDARD_IA but was '" + storageClass + "'");
            }
            if (partSize < MIN_PART_SIZE) {
                throw new IllegalArgumentException("partSize must be at least " + MIN_PART_SIZE + " bytes (5 MiB) but was "
                        + partSize);
            }
            if (multipartThreshold < MIN_PART_SIZE) {
                throw new IllegalArgumentException("multipartThreshold must be at least " + MIN_PART_SIZE
                        + " bytes (5 MiB) but was " + multipartThreshold);
            }
            if (maxDocumentSize < 1 || maxDocumentSize > partSize * MAX_PARTS) {
                throw new IllegalArgumentException("maxDocumentSize must be between 1 and partSize * " + MAX_PARTS + " ("
                        + partSize * MAX_PARTS + ") but was " + maxDocumentSize);
            }
            if (uploadBytesPerSecond < 0) {
                throw new IllegalArgumentException("uploadBytesPerSecond must be 0 (no cap) or more but was "
                        + uploadBytesPerSecond);
            }
            if (uploadBytesPerSecond > 0 && uploadBytesPerSecond < 1024) {
                throw new IllegalArgumentException("uploadBytesPerSecond must be 0 (no cap) or at least 1024 but was "
                        + uploadBytesPerSecond);
            }
            if (maxUploadTime == null || maxUploadTime.isNegative() || maxUploadTime.isZero()) {
                throw new IllegalArgumentException("maxUploadTime must be greater than 0 but was " + maxUploadTime);
            }
            if (maxConnections < 1 || maxConnections > 1000) {
                throw new IllegalArgumentException("maxConnections must be between 1 and 1000 but was " + maxConnections);
            }
            return new S3SinkConfig(this);
        }
    }
}
