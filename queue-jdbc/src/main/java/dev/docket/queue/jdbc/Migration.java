package dev.docket.queue.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** One versioned script of {@link SchemaMigrator}, read from the jar. */
final class Migration {
    private static final String RESOURCE_DIR = "/dev/docket/queue/jdbc/migrations/";

    final int version;
    final String description;
    final String file;

    Migration(int version, String description, String file) {
        this.version = version;
        this.description = description;
        this.file = file;
    }

    String load() {
        String path = RESOURCE_DIR + file;
        try (InputStream in = SchemaMigrator.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("migration " + path + " is missing from the queue-jdbc jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read migration " + path, e);
        }
    }

    /** The hex SHA-256 of the script, recorded as its checksum. */
    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
