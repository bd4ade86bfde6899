package dev.docket.web;

import dev.docket.queue.testing.Await;
import java.time.Duration;
import java.util.function.BooleanSupplier;

final class Awaits {
    private Awaits() {
    }

    static void until(BooleanSupplier condition) {
        if (!Await.within(Duration.ofSeconds(10), condition)) {
            throw new AssertionError("condition not reached within 10 s");
        }
    }
}
