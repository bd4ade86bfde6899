package dev.docket.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** A child JVM for {@link ChildJvmTest}: a shutdown hook that writes a marker file, then waits forever. */
public final class HookProbe {
    private HookProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path marker = Path.of(args[0]);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.writeString(marker, "hook ran\n");
            } catch (java.io.IOException e) {
                System.err.println("could not write the marker: " + e);
            }
        }));
        System.out.println("READY");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
