package dev.docket.examples.demo;

import java.nio.file.Path;

/** The demo's command line: {@code [--jobs N] [--concurrency C] [--jdbc-url URL] [--chaos] [--out DIR]}. */
final class DemoOptions {
    static final String USAGE = "usage: java -jar examples/target/docket-demo.jar [--jobs N] [--concurrency C] "
            + "[--jdbc-url URL] [--chaos] [--out DIR]\n"
            + "  --jobs N         jobs to enqueue (1-10000, default 40)\n"
            + "  --concurrency C  jobs extracted at once (1-32, default 4)\n"
            + "  --jdbc-url URL   use PostgreSQL (schema docket_demo, migrated and emptied) instead of the in-memory\n"
            + "                   store; user and password from DOCKET_DB_USER / DOCKET_DB_PASSWORD (default postgres)\n"
            + "  --chaos          also: hang a page past the job timeout, kill chromium mid-job, abandon a second\n"
            + "                   worker while it holds jobs; the summary shows how each was recovered\n"
            + "  --out DIR        where documents go (default ./docket-demo-output)\n"
            + "  --sink fs|postgres|s3  the document sink: files in --out (default), the extraction_document table\n"
            + "                   (needs --jdbc-url), or an S3-compatible store (needs --s3-endpoint and --s3-bucket;\n"
            + "                   credentials from the AWS SDK's default chain, e.g. AWS_ACCESS_KEY_ID)\n"
            + "  --s3-endpoint URL  the store, e.g. http://127.0.0.1:9000 (MinIO); path-style requests\n"
            + "  --s3-bucket NAME the bucket (must exist); keys docket/demo/<job id>/<lease token>.pdf\n"
            + "  --dashboard      serve the dashboard on 127.0.0.1 (any free port) while the demo runs; prints its URL\n";

    int jobs = 40;
    int concurrency = 4;
    String jdbcUrl;
    boolean chaos;
    boolean help;
    Path out = Path.of("docket-demo-output");
    /** fs, postgres or s3. */
    String sink = "fs";
    java.net.URI s3Endpoint;
    String s3Bucket;
    boolean dashboard;

    static DemoOptions parse(String[] args) {
        DemoOptions o = new DemoOptions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--jobs":
                    o.jobs = intValue(a, value(args, ++i, a), 1, 10_000);
                    break;
                case "--concurrency":
                    o.concurrency = intValue(a, value(args, ++i, a), 1, 32);
                    break;
                case "--jdbc-url":
                    o.jdbcUrl = value(args, ++i, a);
                    if (!o.jdbcUrl.startsWith("jdbc:postgresql:")) {
                        throw new IllegalArgumentException("--jdbc-url must start with jdbc:postgresql:");
                    }
                    break;
                case "--chaos":
                    o.chaos = true;
                    break;
                case "--out":
                    o.out = Path.of(value(args, ++i, a));
                    break;
                case "--sink":
                    o.sink = value(args, ++i, a);
                    if (!java.util.Set.of("fs", "postgres", "s3").contains(o.sink)) {
                        throw new IllegalArgumentException("--sink must be fs, postgres or s3 but was '" + o.sink + "'");
                    }
                    break;
                case "--s3-endpoint":
                    String e = value(args, ++i, a);
                    try {
                        o.s3Endpoint = java.net.URI.create(e);
                    } catch (IllegalArgumentException bad) {
                        throw new IllegalArgumentException("--s3-endpoint must be a URL but was '" + e + "'");
                    }
                    break;
                case "--s3-bucket":
                    o.s3Bucket = value(args, ++i, a);
                    break;
                case "--dashboard":
                    o.dashboard = true;
                    break;
                case "--help":
                case "-h":
                    o.help = true;
                    break;
                default:
                    throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        if (o.sink.equals("postgres") && o.jdbcUrl == null) {
            throw new IllegalArgumentException("--sink postgres needs --jdbc-url");
        }
        if (o.sink.equals("s3") && (o.s3Endpoint == null || o.s3Bucket == null)) {
            throw new IllegalArgumentException("--sink s3 needs --s3-endpoint URL and --s3-bucket NAME");
        }
        if (!o.sink.equals("s3") && (o.s3Endpoint != null || o.s3Bucket != null)) {
            throw new IllegalArgumentException("--s3-endpoint and --s3-bucket go with --sink s3");
        }
        return o;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int intValue(String option, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number " + min + "-" + max + " but was '" + v + "'");
        }
    }
}
