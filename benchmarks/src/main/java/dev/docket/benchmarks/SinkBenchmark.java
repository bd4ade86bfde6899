package dev.docket.benchmarks;

import dev.docket.queue.Document;
import dev.docket.queue.DocumentSink;
import dev.docket.queue.InMemoryJobStore;
import dev.docket.queue.Job;
import dev.docket.queue.NewJob;
import dev.docket.queue.jdbc.PostgresDocumentSink;
import dev.docket.queue.s3.S3DocumentSink;
import dev.docket.queue.s3.S3SinkConfig;
import dev.docket.testing.S3rver;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Document sinks against their bare baseline, in one run, same server, same concurrency:
 * <ul>
 *   <li>S3: {@link S3DocumentSink#store} (SHA-256 + MD5 per upload, checksum headers, response verified) against a
 *       bare SDK {@code putObject} loop, on s3rver (127.0.0.1);</li>
 *   <li>PostgreSQL: {@link PostgresDocumentSink#store} against a bare JDBC insert of the same bytes into a table of
 *       the same shape.</li>
 * </ul>
 * Rounds alternate baseline and sink; the median round is reported. Usage:
 * {@code java -cp benchmarks.jar:lib/* dev.docket.benchmarks.SinkBenchmark [--docs 160] [--size 1048576]
 * [--concurrency 8] [--rounds 3] [--only s3|postgres]}. PostgreSQL from DOCKET_BENCH_JDBC_URL (default local).
 */
public final class SinkBenchmark {
    private final int docs;
    private final int size;
    private final int concurrency;
    private final int rounds;
    private final String only;
    private final byte[] bytes;

    private SinkBenchmark(String[] args) {
        int d = 160;
        int sz = 1024 * 1024;
        int c = 8;
        int r = 3;
        String o = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--docs": d = Integer.parseInt(args[++i]); break;
                case "--size": sz = Integer.parseInt(args[++i]); break;
                case "--concurrency": c = Integer.parseInt(args[++i]); break;
                case "--rounds": r = Integer.parseInt(args[++i]); break;
                case "--only": o = args[++i]; break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        this.docs = d;
        this.size = sz;
        this.concurrency = c;
        this.rounds = r;
        this.only = o;
        this.bytes = new byte[size];
        new Random(42).nextBytes(bytes);
    }

    public static void main(String[] args) throws Exception {
        new SinkBenchmark(args).run();
        System.exit(0);
    }

    interface Put {
        void put(int i) throws Exception;
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "sink benchmark: %d documents of %d bytes per round, %d concurrent, %d rounds; "
                + "%d cores%n", docs, size, concurrency, rounds, Runtime.getRuntime().availableProcessors());
        if (only == null || only.equals("s3")) {
            s3();
        }
        if (only == null || only.equals("postgres")) {
            postgres();
        }
    }

    private List<Job> claimed(int n) {
        InMemoryJobStore store = new InMemoryJobStore();
        for (int i = 0; i < n; i++) {
            store.enqueue(NewJob.of("bench", "doc-" + i));
        }
        return store.claim("bench", n, Duration.ofHours(1));
    }

    private void s3() throws Exception {
        String why = S3rver.available();
        if (why != null) {
            System.out.println("s3: skipped: " + why);
            return;
        }
        try (S3rver server = S3rver.start(Files.createTempDirectory("docket-bench-s3rver"), "bench");
                S3Client bare = S3Client.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
                        .forcePathStyle(true)
                        .httpClient(Apache5HttpClient.builder().maxConnections(50).build())
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(S3rver.ACCESS_KEY, S3rver.SECRET_KEY)))
                        .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                        .build();
                S3DocumentSink sink = S3DocumentSink.create(S3SinkConfig.builder("bench", "bench")
                        .endpointOverride(server.endpoint()).pathStyleAccess(true)
                        .credentials(S3rver.ACCESS_KEY, S3rver.SECRET_KEY).build())) {
            String prefix = "bare/" + UUID.randomUUID() + "/";
            compare("s3", i -> bare.putObject(p -> p.bucket("bench").key(prefix + i + ".pdf")
                    .contentType("application/pdf"), RequestBody.fromBytes(bytes)), sink);
        }
    }

    private void postgres() throws Exception {
        try (BenchDatabase db = BenchDatabase.fresh("docket_bench_sink")) {
            DataSource ds = db.pool("sink", concurrency);
            PostgresDocumentSink sink = PostgresDocumentSink.builder(ds).schema(db.schema()).deleteWithJob(false).build();
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + db.quotedSchema() + ".bare_document (LIKE " + db.quotedSchema()
                        + ".extraction_document INCLUDING ALL)");
            }
            String insert = "INSERT INTO " + db.quotedSchema() + ".bare_document (job_id, lease_token, content, sha256,"
                    + " size, content_type) VALUES (?, ?, ?, ?, ?, ?)";
            String zeros = "0".repeat(64);
            AtomicInteger ids = new AtomicInteger();
            compare("postgres", i -> {
                try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(insert)) {
                    ps.setLong(1, ids.incrementAndGet());
                    ps.setObject(2, UUID.randomUUID());
                    ps.setBytes(3, bytes);
                    ps.setString(4, zeros);
                    ps.setLong(5, bytes.length);
                    ps.setString(6, "application/pdf");
                    ps.executeUpdate();
                }
            }, sink);
        }
    }

    private void compare(String name, Put bare, DocumentSink sink) throws Exception {
        Document doc = Document.of(bytes, "application/pdf");
        // warm-up: JIT, connections
        timed(Math.min(docs, 4 * concurrency), bare);
        List<Job> warm = claimed(Math.min(docs, 4 * concurrency));
        timed(warm.size(), i -> sink.store(warm.get(i), doc));
        List<Double> bareRates = new ArrayList<>();
        List<Double> sinkRates = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            bareRates.add(docs / timed(docs, bare));
            List<Job> jobs = claimed(docs);
            sinkRates.add(docs / timed(docs, i -> sink.store(jobs.get(i), doc)));
        }
        double b = median(bareRates);
        double s = median(sinkRates);
        double mib = size / (1024.0 * 1024.0);
        System.out.printf(Locale.ROOT, "%s bare:  %7.1f docs/s  %7.1f MiB/s   rounds %s%n", name, b, b * mib, fmt(bareRates));
        System.out.printf(Locale.ROOT, "%s sink:  %7.1f docs/s  %7.1f MiB/s   rounds %s%n", name, s, s * mib, fmt(sinkRates));
        System.out.printf(Locale.ROOT, "%s sink / bare: %.2f%n", name, s / b);
    }

    /** Seconds to run {@code n} puts on {@code concurrency} threads. */
    private double timed(int n, Put put) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "docket-bench-sink");
            t.setDaemon(true);
            return t;
        });
        try {
            AtomicInteger next = new AtomicInteger();
            long t0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                fs.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        put.put(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    private static String fmt(List<Double> xs) {
        StringBuilder b = new StringBuilder("[");
        for (Double x : xs) {
            b.append(b.length() > 1 ? ", " : "").append(String.format(Locale.ROOT, "%.1f", x));
        }
        return b.append("]").toString();
    }
}
