package dev.docket.queue.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.docket.queue.Job;
import dev.docket.queue.spi.JobOutcome;
import dev.docket.queue.JobStatus;
import dev.docket.queue.NewJob;
import dev.docket.queue.StaleCriteria;
import dev.docket.queue.StoreException;
import dev.docket.queue.spi.WorkerHeartbeat;
import dev.docket.queue.testing.Await;
import dev.docket.testing.DocketPostgres;
import dev.docket.testing.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database goes away (a TCP proxy between the store and PostgreSQL is cut) and comes back:
 * operations fail with transient {@link StoreException}s meanwhile, the LISTEN connection
 * reconnects by itself, and work resumes where it stopped.
 */
class ConnectionLossTest {
    private static final Duration LEASE = Duration.ofSeconds(60);
    @RegisterExtension
    static DocketPostgres db = DocketPostgres.migrated();

    @Test
    void operationsFailTransientlyWhileCutAndResumeAfterRestore() throws Exception {
        try (TcpProxy proxy = db.proxy()) {
            HikariDataSource viaProxy = db.newDataSource(db.jdbcUrlVia("127.0.0.1", proxy.port()), 4,
                    Duration.ofMillis(500));
            PostgresJobStore direct = PostgresJobStore.builder(db.dataSource()).schema(db.schema())
                    .notifications(false).build();
            try (PostgresJobStore store = PostgresJobStore.builder(viaProxy).schema(db.schema()).build()) {
                AtomicInteger wakeUps = new AtomicInteger();
                store.subscribe(wakeUps::incrementAndGet);
                Await.until("listening through the proxy", store::isListening);
                store.enqueueAll(List.of(NewJob.of("rcs", "1"), NewJob.of("rcs", "2")));
                Job held = store.claim("w-1", 1, LEASE).get(0);
                long listenConnections = store.listenConnectionCount();

                proxy.cut();

                assertTransient(() -> store.claim("w-1", 1, LEASE));
                assertTransient(() -> store.finish(held.lease(), JobOutcome.completed(null)));
                assertTransient(() -> store.enqueue(NewJob.of("rcs", "3")));
                assertTransient(() -> store.heartbeat(WorkerHeartbeat.of("w-1", List.of(held.lease()), LEASE)));
                assertTransient(() -> store.findStale(new StaleCriteria(true, null, null), 10));
                assertTransient(store::now);
                Await.until("the listener notices the cut", () -> !store.isListening());
                assertThat(direct.find(held.id()).orElseThrow().status()).as("nothing was written")
                        .isEqualTo(JobStatus.PROCESSING);

                proxy.resume();

                Await.until("the listener reconnects by itself", store::isListening);
                assertThat(store.listenConnectionCount()).isGreaterThan(listenConnections);
                Job done = Await.value("the finishing write goes through once the database is back",
                        () -> attempt(() -> store.finish(held.lease(), JobOutcome.completed(null))), j -> j != null);
                assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
                assertThat(store.heartbeat(WorkerHeartbeat.of("w-1", List.of(), LEASE))).isEmpty();
                assertThat(store.claim("w-1", 1, LEASE)).hasSize(1);

                int before = wakeUps.get();
                direct.enqueue(NewJob.of("rcs", "after-outage"));
                Await.until("woken again by another process's enqueue", () -> wakeUps.get() > before);
            } finally {
                direct.close();
            }
        }
    }

    @Test
    void buildingAStoreWhileTheDatabaseIsUnreachableFailsTransiently() throws Exception {
        try (TcpProxy proxy = db.proxy()) {
            proxy.cut();
            HikariDataSource viaProxy = db.newDataSource(db.jdbcUrlVia("127.0.0.1", proxy.port()), 2,
                    Duration.ofMillis(500));
            assertThatThrownBy(() -> PostgresJobStore.builder(viaProxy).schema(db.schema()).build())
                    .isInstanceOf(StoreException.class)
                    .satisfies(e -> assertThat(((StoreException) e).isTransient()).isTrue());
        }
    }

    private static void assertTransient(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(((StoreException) e).isTransient()).as("transient: %s", e.getMessage())
                        .isTrue());
    }

    /** The value, or null when the store is still unreachable. */
    private static <T> T attempt(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (StoreException e) {
            if (!e.isTransient()) {
                throw e;
            }
            return null;
        }
    }
}
