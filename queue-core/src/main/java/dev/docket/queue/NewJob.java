package dev.docket.queue;

import dev.docket.queue.internal.Json;
import java.time.Instant;
import java.util.Objects;

/**
 * A job to enqueue: "fetch document {@code documentNumber} from registry {@code documentSource}".
 * Immutable; build with {@link #of(String, String)} or {@link #builder(String, String)}. All
 * validation happens at construction, so a store never sees a bad job.
 *
 * <p>Limits: source and number 1-{@value #MAX_TEXT_LENGTH} characters without control characters
 * and not blank; payload valid JSON without duplicate keys in any object, of at most
 * {@value #MAX_PAYLOAD_LENGTH} characters both as written and with its numbers written out in plain
 * notation (PostgreSQL's {@code jsonb} returns {@code 1e100000} as 100,001 digits, so that payload
 * is refused); priority 0-{@value #MAX_PRIORITY} (higher runs first); maxAttempts
 * 1-{@value #MAX_ATTEMPTS}; idempotency key 1-{@value #MAX_TEXT_LENGTH} characters; runAfter
 * between {@link #MIN_RUN_AFTER} (1970-01-01T00:00:00Z) and {@link #MAX_RUN_AFTER}
 * (9999-12-31T23:59:59.999999Z); stores keep it to the microsecond (truncated), as PostgreSQL does.
 */
public final class NewJob {

    /** Longest accepted source, number and idempotency key. */
    public static final int MAX_TEXT_LENGTH = 255;
    /** Longest accepted payload, in characters. */
    public static final int MAX_PAYLOAD_LENGTH = 65_536;
    /** Highest accepted priority. */
    public static final int MAX_PRIORITY = 1_000_000;
    /** Highest accepted maxAttempts. */
    public static final int MAX_ATTEMPTS = 1_000;
    /** Attempts a job gets when none is given. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** Earliest accepted {@link Builder#runAfter(Instant) runAfter}. */
    public static final Instant MIN_RUN_AFTER = Instant.parse("1970-01-01T00:00:00Z");
    /** Latest accepted {@link Builder#runAfter(Instant) runAfter}. */
    public static final Instant MAX_RUN_AFTER = Instant.parse("9999-12-31T23:59:59.999999Z");

    private final String documentSource;
    private final String documentNumber;
    private final String payload;
    private final int priority;
    private final Instant runAfter;
    private final int maxAttempts;
    private final String idempotencyKey;

    private NewJob(Builder b) {
        this.documentSource = requireText("documentSource", b.documentSource);
        this.documentNumber = requireText("documentNumber", b.documentNumber);
        if (b.payload != null) {
            if (b.payload.length() > MAX_PAYLOAD_LENGTH) {
                throw new IllegalArgumentException("payload must be at most " + MAX_PAYLOAD_LENGTH
                        + " characters but was " + b.payload.length());
            }
            long expanded;
            try {
                expanded = Json.checkedExpandedLength(b.payload); // one pass: valid, and how long it prints
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("payload must be valid JSON: " + e.getMessage());
            }
            if (expanded > MAX_PAYLOAD_LENGTH) {
                throw new IllegalArgumentException("payload must be at most " + MAX_PAYLOAD_LENGTH
                        + " characters with its numbers written out in plain notation (as PostgreSQL returns them)"
                        + " but was " + expanded);
            }
        }
        this.payload = b.payload;
        if (b.priority < 0 || b.priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be 0-" + MAX_PRIORITY + " but was " + b.priority);
        }
        this.priority = b.priority;
        if (b.runAfter != null && (b.runAfter.isBefore(MIN_RUN_AFTER) || b.runAfter.isAfter(MAX_RUN_AFTER))) {
            throw new IllegalArgumentException("runAfter must be between " + MIN_RUN_AFTER + " and " + MAX_RUN_AFTER
                    + " but was " + b.runAfter);
        }
        this.runAfter = b.runAfter;
        if (b.maxAttempts < 1 || b.maxAttempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("maxAttempts must be 1-" + MAX_ATTEMPTS + " but was " + b.maxAttempts);
        }
        this.maxAttempts = b.maxAttempts;
        this.idempotencyKey = b.idempotencyKey == null ? null : requireText("idempotencyKey", b.idempotencyKey);
    }

    /** A job with default priority, attempts and no payload. */
    public static NewJob of(String documentSource, String documentNumber) {
        return builder(documentSource, documentNumber).build();
    }

    /** A builder for a job with options. */
    public static Builder builder(String documentSource, String documentNumber) {
        return new Builder(documentSource, documentNumber);
    }

    public String documentSource() {
        return documentSource;
    }

    public String documentNumber() {
        return documentNumber;
    }

    /** JSON text or null. */
    public String payload() {
        return payload;
    }

    public int priority() {
        return priority;
    }

    /** Earliest claim time, or null for "now" (by the store's clock). */
    public Instant runAfter() {
        return runAfter;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** Null when none was given. */
    public String idempotencyKey() {
        return idempotencyKey;
    }

    private static String requireText(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank but was '" + value + "'");
        }
        if (value.length() > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException(field + " must be at most " + MAX_TEXT_LENGTH
                    + " characters but was " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(field + " must not contain control characters but had U+"
                        + String.format("%04X", (int) c) + " at index " + i);
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < value.length()
                        && Character.isLowSurrogate(value.charAt(i + 1));
                if (!paired) {
                    throw new IllegalArgumentException(field + " must be valid UTF-16 but had a lone surrogate at index " + i);
                }
                i++;
            }
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof NewJob)) {
            return false;
        }
        NewJob n = (NewJob) o;
        return priority == n.priority && maxAttempts == n.maxAttempts && documentSource.equals(n.documentSource)
                && documentNumber.equals(n.documentNumber) && Objects.equals(payload, n.payload)
                && Objects.equals(runAfter, n.runAfter) && Objects.equals(idempotencyKey, n.idempotencyKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(documentSource, documentNumber, payload, priority, runAfter, maxAttempts, idempotencyKey);
    }

    @Override
    public String toString() {
        return "NewJob{source=" + documentSource + ", number=" + documentNumber + ", priority=" + priority
                + ", maxAttempts=" + maxAttempts + (idempotencyKey == null ? "" : ", key=" + idempotencyKey) + "}";
    }

    /** Builds a {@link NewJob}; {@link #build()} validates every field. Not thread-safe. */
    public static final class Builder {
        private final String documentSource;
        private final String documentNumber;
        private String payload;
        private int priority;
        private Instant runAfter;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private String idempotencyKey;

        private Builder(String documentSource, String documentNumber) {
            this.documentSource = documentSource;
            this.documentNumber = documentNumber;
        }

        /** JSON handed to the extractor as {@link Job#payload()}. */
        public Builder payload(String json) {
            this.payload = json;
            return this;
        }

        /** Higher runs first; default 0. */
        public Builder priority(int priority) {
            this.priority = priority;
            return this;
        }

        /**
         * Not claimed before this instant: {@link NewJob#MIN_RUN_AFTER} to {@link NewJob#MAX_RUN_AFTER},
         * kept to the microsecond.
         */
        public Builder runAfter(Instant runAfter) {
            this.runAfter = runAfter;
            return this;
        }

        /** Attempts before the job fails for good; default {@value NewJob#DEFAULT_MAX_ATTEMPTS}. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * A second enqueue with the same key, while the first job is not terminal, returns the
         * existing job instead of creating another.
         */
        public Builder idempotencyKey(String key) {
            this.idempotencyKey = key;
            return this;
        }

        /** @throws IllegalArgumentException naming the first bad field and its value */
        public NewJob build() {
            return new NewJob(this);
        }
    }
}
