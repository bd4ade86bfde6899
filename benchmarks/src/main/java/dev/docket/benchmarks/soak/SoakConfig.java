package dev.docket.benchmarks.soak;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of one soak run. Immutable; {@link #quick()} and {@link #longRun()} are the two sizes,
 * {@link #parse(String[])} reads the command line.
 *
 * @param workers      worker processes kept alive (K)
 * @param jobs         jobs enqueued (M)
 * @param duration     the planned run: jobs are enqueued over the first 55%, faults injected over 80%
 * @param concurrency  slots per worker
 * @param lease        lease of every worker
 * @param heartbeat    heartbeat interval
 * @param staleCheck   stale-check interval
 * @param jobTimeout   job timeout (hangs run past it)
 * @param killEveryMin shortest pause between two SIGKILLs
 * @param killEveryMax longest pause between two SIGKILLs
 * @param cutEvery     pause between database cuts
 * @param cutFor       length of a cut
 * @param sigtermEvery pause between graceful restarts
 * @param drainTimeout how long to wait for the queue to drain once faults stop
 * @param seed         seed of every random choice (behaviours, fault times, victims)
 * @param logDir       where worker output goes
 * @param keepFailedSchema keep the run's schema when an invariant fails (post-mortem)
 */
public record SoakConfig(int workers, int jobs, Duration duration, int concurrency, Duration lease, Duration heartbeat,
        Duration staleCheck, Duration jobTimeout, Duration killEveryMin, Duration killEveryMax, Duration cutEvery,
        Duration cutFor, Duration sigtermEvery, Duration drainTimeout, long seed, Path logDir, boolean keepFailedSchema) {

    /** About a minute: K=3, M=2,000, lease 2 s. Also the JUnit test. */
    public static SoakConfig quick() {
        return new SoakConfig(3, 2_000, Duration.ofSeconds(60), 8, Duration.ofSeconds(2), Duration.ofMillis(500),
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(8),
                Duration.ofSeconds(15), Duration.ofSeconds(3), Duration.ofSeconds(25), Duration.ofMinutes(3), 20_260_101L,
                Path.of("target", "soak-logs"), false);
    }

    /** The long run: {@code --minutes 10}, K=4, M=50,000. */
    public static SoakConfig longRun() {
        return new SoakConfig(4, 50_000, Duration.ofMinutes(10), 8, Duration.ofSeconds(2), Duration.ofMillis(500),
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(45), Duration.ofSeconds(5), Duration.ofSeconds(90), Duration.ofMinutes(10), 20_260_101L,
                Path.of("target", "soak-logs"), false);
    }

    /** Deadline for enqueueing. */
    Duration enqueueWindow() {
        return duration.multipliedBy(55).dividedBy(100);
    }

    /** Deadline for injecting faults. */
    Duration faultWindow() {
        return duration.multipliedBy(80).dividedBy(100);
    }

    public SoakConfig withSeed(long s) {
        return new SoakConfig(workers, jobs, duration, concurrency, lease, heartbeat, staleCheck, jobTimeout,
                killEveryMin, killEveryMax, cutEvery, cutFor, sigtermEvery, drainTimeout, s, logDir, keepFailedSchema);
    }

    public SoakConfig withLogDir(Path dir) {
        return new SoakConfig(workers, jobs, duration, concurrency, lease, heartbeat, staleCheck, jobTimeout,
                killEveryMin, killEveryMax, cutEvery, cutFor, sigtermEvery, drainTimeout, seed, dir, keepFailedSchema);
    }

    /**
     * Reads {@code [--quick | --long] [--minutes N] [--workers K] [--jobs M] [--seed S] [--concurrency N]
     * [--lease-ms N] [--log-dir DIR] [--keep-failed-schema]}. {@code --minutes} alone selects the long preset.
     */
    public static SoakConfig parse(String[] args) {
        boolean longPreset = false;
        for (String a : args) {
            if (a.equals("--long") || a.equals("--minutes")) {
                longPreset = true;
            }
        }
        SoakConfig c = longPreset ? longRun() : quick();
        int workers = c.workers;
        int jobs = c.jobs;
        Duration duration = c.duration;
        long seed = c.seed;
        int concurrency = c.concurrency;
        Duration lease = c.lease;
        Path logDir = c.logDir;
        boolean keep = c.keepFailedSchema;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick", "--long" -> { }
                case "--minutes" -> duration = Duration.ofSeconds(Math.round(Double.parseDouble(value(args, ++i, a)) * 60));
                case "--workers" -> workers = Integer.parseInt(value(args, ++i, a));
                case "--jobs" -> jobs = Integer.parseInt(value(args, ++i, a));
                case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                case "--concurrency" -> concurrency = Integer.parseInt(value(args, ++i, a));
                case "--lease-ms" -> lease = Duration.ofMillis(Long.parseLong(value(args, ++i, a)));
                case "--log-dir" -> logDir = Path.of(value(args, ++i, a));
                case "--keep-failed-schema" -> keep = true;
                default -> throw new IllegalArgumentException("unknown option '" + a + "'; usage: [--quick | --long]"
                        + " [--minutes N] [--workers K] [--jobs M] [--seed S] [--concurrency N] [--lease-ms N]"
                        + " [--log-dir DIR] [--keep-failed-schema]");
            }
        }
        if (workers < 1 || jobs < 1 || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("workers, jobs and minutes must be positive");
        }
        Duration heartbeat = lease.dividedBy(4);
        return new SoakConfig(workers, jobs, duration, concurrency, lease, heartbeat, c.staleCheck, c.jobTimeout,
                c.killEveryMin, c.killEveryMax, c.cutEvery, c.cutFor, c.sigtermEvery, c.drainTimeout, seed, logDir, keep);
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }
}
