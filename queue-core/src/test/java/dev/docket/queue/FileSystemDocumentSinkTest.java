package dev.docket.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemDocumentSinkTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    /** SHA-256 of "abc" (FIPS 180-2 test vector). */
    private static final String SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @TempDir
    Path dir;

    private static Job job(long id, String number) {
        return new Job(id, "registry-a", number, null, JobStatus.PROCESSING, 0, 1, 5, T0, "w-1", null, null, T0, 0,
                null, null, null, T0, T0, null);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void writesTheDocumentToItsJobIdWithTheContentTypesExtension() throws IOException {
        FileSystemDocumentSink sink = new FileSystemDocumentSink(dir);

        StoredDocument stored = sink.store(job(42, "doc-42"), Document.of("abc".getBytes(StandardCharsets.UTF_8),
                "application/pdf"));

        Path file = dir.resolve("42.pdf");
        assertThat(file).hasBinaryContent("abc".getBytes(StandardCharsets.UTF_8));
        assertThat(stored.uri()).isEqualTo(file.toUri().toString());
        assertThat(stored.sha256()).isEqualTo(SHA256_ABC);
        assertThat(stored.size()).isEqualTo(3);
        assertThat(stored.contentType()).isEqualTo("application/pdf");
        assertThat(sink.fileFor(42, "pdf")).isEqualTo(file.toAbsolutePath().normalize());
        assertThat(files()).containsExactly("42.pdf");
    }

    @Test
    void aRetryOverwritesTheEarlierDocumentAndLeavesNoTemporaryFiles() throws IOException {
        FileSystemDocumentSink sink = new FileSystemDocumentSink(dir);
        sink.store(job(7, "doc-7"), Document.of(new byte[] {1, 2, 3, 4, 5}, "text/html"));

        byte[] second = "<p>second</p>".getBytes(StandardCharsets.UTF_8);
        StoredDocument stored = sink.store(job(7, "doc-7"), Document.of(second, "text/html; charset=utf-8"));

        assertThat(dir.resolve("7.html")).hasBinaryContent(second);
        assertThat(stored.size()).isEqualTo(second.length);
        assertThat(stored.sha256()).isEqualTo(FileSystemDocumentSink.sha256(second));
        assertThat(files()).containsExactly("7.html");
    }

    @Test
    void createsAMissingDirectory() throws IOException {
        Path nested = dir.resolve("a/b/c");
        FileSystemDocumentSink sink = new FileSystemDocumentSink(nested);

        sink.store(job(1, "doc-1"), Document.of(new byte[] {9}, "application/octet-stream"));

        assertThat(nested.resolve("1.bin")).hasBinaryContent(new byte[] {9});
    }

    @Test
    void theFileNameNeverComesFromJobText() throws IOException {
        FileSystemDocumentSink sink = new FileSystemDocumentSink(dir.resolve("docs"));

        StoredDocument stored = sink.store(job(5, "../../etc/passwd"), Document.of(new byte[] {1}, "image/png"));

        assertThat(stored.uri()).endsWith("/docs/5.png");
        assertThat(files()).containsExactly("docs");
        try (Stream<Path> s = Files.list(dir.resolve("docs"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("5.png");
        }
    }

    @Test
    void theStoredReferenceIsValidJson() throws IOException {
        StoredDocument stored = new FileSystemDocumentSink(dir).store(job(3, "d"),
                Document.of("abc".getBytes(StandardCharsets.UTF_8), "text/plain"));
        assertThat(dev.docket.queue.internal.Json.validate(stored.toJson())).isNull();
        assertThat(stored.toJson()).contains("\"sha256\":\"" + SHA256_ABC + "\"").contains("\"size\":3");
    }
}
