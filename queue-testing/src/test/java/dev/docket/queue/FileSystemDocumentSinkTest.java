package dev.docket.queue;

import dev.docket.queue.spi.JobOutcome;
import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.testing.DocumentSinkContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemDocumentSinkTest extends DocumentSinkContract {
    /** SHA-256 of "abc" (FIPS 180-2 test vector). */
    private static final String SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @TempDir
    Path dir;

    @Override
    protected DocumentSink createSink() {
        return new FileSystemDocumentSink(dir);
    }

    @Override
    protected byte[] read(StoredDocument document) throws IOException {
        return Files.readAllBytes(Path.of(java.net.URI.create(document.uri())));
    }

    @Override
    protected boolean exists(StoredDocument document) {
        return Files.exists(Path.of(java.net.URI.create(document.uri())));
    }

    private FileSystemDocumentSink fs() {
        return (FileSystemDocumentSink) sink;
    }

    private List<String> files(Path in) throws IOException {
        try (Stream<Path> s = Files.list(in)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void writesTheDocumentUnderTheJobIdAndLeaseTokenWithTheContentTypesExtension() throws IOException {
        Job job = claimed(store, "doc-42");

        StoredDocument stored = sink.store(job, Document.of("abc".getBytes(StandardCharsets.UTF_8), "application/pdf"));

        Path file = dir.resolve(job.id() + "-" + job.leaseToken() + ".pdf");
        assertThat(file).hasBinaryContent("abc".getBytes(StandardCharsets.UTF_8));
        assertThat(stored.uri()).isEqualTo(file.toUri().toString());
        assertThat(stored.sha256()).isEqualTo(SHA256_ABC);
        assertThat(stored.size()).isEqualTo(3);
        assertThat(fs().fileFor(job, "pdf")).isEqualTo(file.toAbsolutePath().normalize());
        assertThat(fs().fileOf(stored)).isEqualTo(file.toAbsolutePath().normalize());
        assertThat(files(dir)).containsExactly(file.getFileName().toString());
    }

    @Test
    void fileOfACompletedJobIsTheDocumentItsFinishingWriteRecorded() throws IOException {
        Job job = claimed(store, "doc-1");
        StoredDocument stored = sink.store(job, doc("%PDF-1 x"));
        Job done = store.finish(job.lease(), JobOutcome.completed(stored.toJson()));

        assertThat(fs().fileOf(done)).hasContent("%PDF-1 x");
        assertThat(StoredDocument.of(done)).contains(stored);
    }

    @Test
    void aSecondStoreOfTheSameAttemptReplacesItsOwnFileAndLeavesNoTemporaryFiles() throws IOException {
        Job job = claimed(store, "doc-7");
        sink.store(job, Document.of(new byte[] {1, 2, 3, 4, 5}, "text/html"));

        byte[] second = "<p>second</p>".getBytes(StandardCharsets.UTF_8);
        StoredDocument stored = sink.store(job, Document.of(second, "text/html; charset=utf-8"));

        assertThat(Path.of(java.net.URI.create(stored.uri()))).hasBinaryContent(second);
        assertThat(stored.sha256()).isEqualTo(FileSystemDocumentSink.sha256(second));
        assertThat(files(dir)).containsExactly(job.id() + "-" + job.leaseToken() + ".html");
    }

    @Test
    void createsAMissingDirectory() throws IOException {
        Path nested = dir.resolve("a/b/c");
        Job job = claimed(store, "doc-1");

        StoredDocument stored = new FileSystemDocumentSink(nested).store(job,
                Document.of(new byte[] {9}, "application/octet-stream"));

        assertThat(Path.of(java.net.URI.create(stored.uri()))).hasBinaryContent(new byte[] {9})
                .hasParent(nested.toAbsolutePath().normalize());
    }

    @Test
    void theSweepKeepsTheFilesOfAFailureSnapshotWhileItsJobExists() throws IOException {
        Job job = claimed(store, "doc-snap");
        Job named = job.toBuilder().leaseToken(java.util.UUID.nameUUIDFromBytes("snapshot".getBytes(StandardCharsets.UTF_8)))
                .build();
        StoredDocument listed = fs().store(named, Document.of(new byte[] {1}, "image/png"));
        Job unlisted = job.toBuilder().leaseToken(java.util.UUID.nameUUIDFromBytes("other".getBytes(StandardCharsets.UTF_8)))
                .build();
        StoredDocument orphan = fs().store(unlisted, Document.of(new byte[] {2}, "image/png"));
        store.recordEvent(job.id(), JobEventType.SNAPSHOT_SAVED, "w", new FailureSnapshot(1, "TRANSIENT", "x",
                List.of(new FailureSnapshot.File("screenshot", listed))).toMessage());
        store.finish(job.lease(), JobOutcome.failed("x"));

        clock.advance(Duration.ofHours(3));
        DocumentSweeper.sweep(store, fs(), Duration.ofHours(1));

        assertThat(exists(listed)).isTrue();
        assertThat(exists(orphan)).as("not listed by any event: a leftover").isFalse();
    }

    @Test
    void theSweepIgnoresFilesItDidNotWrite() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "keep me");
        Files.writeString(dir.resolve("1-not-a-token.pdf"), "keep me");

        clock.advance(Duration.ofHours(3));
        DocumentSweeper.sweep(store, fs(), Duration.ofHours(1));

        assertThat(files(dir)).containsExactly("1-not-a-token.pdf", "notes.txt");
    }
}
