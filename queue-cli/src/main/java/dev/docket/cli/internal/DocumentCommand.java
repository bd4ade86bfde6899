package dev.docket.cli.internal;

import dev.docket.queue.Job;
import dev.docket.queue.JobNotFoundException;
import dev.docket.queue.StoredDocument;
import dev.docket.queue.jdbc.PostgresDocumentSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code docket document --job ID --out FILE}: writes a completed job's document to a file. */
@Command(name = "document", mixinStandardHelpOptions = true,
        description = {"Write the document a completed job recorded to a file.",
                "Documents of the PostgreSQL sink (docket-pg:) are read from the database, those of the file-system "
                        + "sink (file:) from disk; for S3 (s3://) the command prints the reference to fetch with "
                        + "your S3 tools. The bytes are checked against the recorded SHA-256."})
final class DocumentCommand extends BaseCommand {
    @Option(names = "--job", paramLabel = "ID", required = true, description = "The completed job")
    long jobId;

    @Option(names = "--out", paramLabel = "FILE", required = true,
            description = "Where to write it ('-' for standard output); an existing file is not overwritten")
    String out;

    @Option(names = "--force", description = "Overwrite an existing --out file")
    boolean force;

    DocumentCommand(CliContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws IOException {
        try (Session s = session()) {
            Job job = s.store().find(jobId).orElseThrow(() -> new JobNotFoundException(jobId));
            StoredDocument doc = StoredDocument.of(job).orElseThrow(() -> CliException.error("job " + jobId + " ("
                    + job.status() + ") records no document"));
            String uri = doc.uri();
            if (uri.startsWith("s3://")) {
                throw CliException.error("job " + jobId + "'s document is in S3: " + uri + " (" + doc.size()
                        + " bytes, sha256 " + doc.sha256() + "); fetch it with your S3 tools");
            }
            if (!PostgresDocumentSink.isReference(uri) && !uri.startsWith("file:")) {
                throw CliException.error("job " + jobId + "'s document is at " + uri + ", which this command cannot read");
            }
            boolean stdout = out.equals("-");
            Path target = stdout ? null : Path.of(out).toAbsolutePath();
            if (target != null && Files.exists(target) && !force) {
                throw CliException.error("--out " + out + " exists; add --force to overwrite it");
            }
            Path tmp = target == null ? null : Files.createTempFile(target.getParent(), ".docket-document-", ".part");
            java.security.MessageDigest sha = sha256();
            long n;
            try {
                try (OutputStream o = new java.security.DigestOutputStream(stdout ? nonClosing(ctx.out())
                        : Files.newOutputStream(tmp, StandardOpenOption.WRITE), sha)) {
                    if (uri.startsWith("file:")) {
                        try (InputStream in = Files.newInputStream(Path.of(URI.create(uri)))) {
                            n = in.transferTo(o);
                        }
                    } else {
                        PostgresDocumentSink sink = PostgresDocumentSink.builder(s.dataSource()).schema(s.schema())
                                .createTable(false).build();
                        n = sink.copyTo(doc, o);
                    }
                }
                String got = java.util.HexFormat.of().formatHex(sha.digest());
                if (!got.equals(doc.sha256()) || n != doc.size()) {
                    throw CliException.error("job " + jobId + "'s document does not match its record: " + n + " bytes "
                            + "with sha256 " + got + ", recorded " + doc.size() + " bytes with sha256 " + doc.sha256());
                }
                if (tmp != null) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                if (tmp != null) {
                    Files.deleteIfExists(tmp);
                }
            }
            if (!stdout) {
                ctx.out().println("job " + jobId + ": wrote " + n + " bytes (" + doc.contentType() + ", sha256 "
                        + doc.sha256() + ") to " + target);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw CliException.error("job " + jobId + "'s document is gone: " + e.getMessage());
        } catch (java.io.FileNotFoundException e) {
            throw CliException.error("job " + jobId + "'s document is gone: " + e.getMessage());
        }
        return ExitCodes.OK;
    }

    private static OutputStream nonClosing(OutputStream o) {
        return new java.io.FilterOutputStream(o) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
