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
            + "  --out DIR        where documents go (default ./docket-demo-output)\n";

    int jobs = 40;
    int concurrency = 4;
    String jdbcUrl;
    boolean chaos;
    boolean help;
    Path out = Path.of("docket-demo-output");

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
                case "--help":
                case "-h":
                    o.help = true;
                    break;
                default:
                    throw new IllegalArgumentException("unknown option '" + a + "'");
            }
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
