package dev.docket.queue.internal;

import dev.docket.queue.Job;
import dev.docket.queue.StoredDocument;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers about the document reference a completed job records as its result. */
public final class StoredDocuments {
    private static final String STRING = "\"((?:[^\"\\\\]|\\\\.)*)\"";
    private static final Pattern URI = field("uri", STRING);
    private static final Pattern SHA256 = field("sha256", STRING);
    private static final Pattern CONTENT_TYPE = field("contentType", STRING);
    private static final Pattern SIZE = field("size", "(-?[0-9]{1,19})");

    private StoredDocuments() {
    }

    private static Pattern field(String name, String value) {
        return Pattern.compile("\"" + name + "\"\\s*:\\s*" + value);
    }

    /** The hex SHA-256 of {@code bytes}, as every sink records it. */
    public static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /**
     * The lease token of a claimed job: every sink names the document of an attempt after it, so that a stale
     * owner's late write can never replace the new owner's.
     *
     * @throws IllegalArgumentException when the job holds no lease (it is not PROCESSING)
     */
    public static UUID attemptToken(Job job) {
        if (job.leaseToken() == null) {
            throw new IllegalArgumentException("job " + job.id() + " has no lease token: documents are stored "
                    + "for a claimed (PROCESSING) job only, but it is " + job.status());
        }
        return job.leaseToken();
    }

    /**
     * Checks that the document at {@code uri}, which a sink read as the document of attempt {@code attempt} of
     * job {@code jobId}, is the one of the current attempt of {@code job} (what {@code discard} may delete).
     *
     * @throws IllegalArgumentException naming the attempt, the job and the reference, when it is not
     */
    public static void requireAttemptOf(Job job, long jobId, UUID attempt, String uri) {
        if (jobId != job.id() || !attempt.equals(job.leaseToken())) {
            throw new IllegalArgumentException("not the document of attempt " + job.leaseToken() + " of job " + job.id()
                    + ": " + uri);
        }
    }

    /** True when the job's recorded result names {@code uri} as its document. */
    public static boolean referencedBy(Job job, String uri) {
        return job.result() != null && uri != null && parse(job.result()).map(d -> d.uri().equals(uri)).orElse(false);
    }

    /**
     * The reference a result written from {@link StoredDocument#toJson()} holds (in any key order and spacing,
     * as PostgreSQL {@code jsonb} gives it back), or empty when the result is not such a reference.
     */
    public static Optional<StoredDocument> parse(String resultJson) {
        if (resultJson == null) {
            return Optional.empty();
        }
        Matcher uri = URI.matcher(resultJson);
        Matcher sha = SHA256.matcher(resultJson);
        Matcher type = CONTENT_TYPE.matcher(resultJson);
        Matcher size = SIZE.matcher(resultJson);
        if (!uri.find() || !sha.find() || !type.find() || !size.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new StoredDocument(unescape(uri.group(1)), unescape(sha.group(1)),
                    Long.parseLong(size.group(1)), unescape(type.group(1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                b.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n': b.append('\n'); break;
                case 'r': b.append('\r'); break;
                case 't': b.append('\t'); break;
                case 'b': b.append('\b'); break;
                case 'f': b.append('\f'); break;
                case 'u':
                    if (i + 4 >= s.length()) {
                        throw new IllegalArgumentException("truncated \\u escape");
                    }
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                    break;
                default: b.append(n);
            }
        }
        return b.toString();
    }
}
