package dev.docket.queue.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.docket.queue.testing.Await;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The LISTEN thread without a database: a connection factory that keeps failing. */
class NotificationListenerTest {

    @Test
    void aPasswordInTheDriversMessageIsMaskedInEveryLogLineEvenAtDebug() {
        Logger logger = (Logger) LoggerFactory.getLogger(NotificationListener.class);
        Level before = logger.getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        logger.setLevel(Level.DEBUG);
        AtomicInteger attempts = new AtomicInteger();
        NotificationListener listener = new NotificationListener("docket-listen-test", "docket_jobs",
                new NotificationListener.ConnectionFactory() {
                    @Override
                    public Connection open() throws SQLException {
                        attempts.incrementAndGet();
                        throw new SQLException("could not connect to jdbc:postgresql://db:5432/app?user=app&password=hunter2"
                                + " (postgresql://app:s3cret@db/app)", "08001");
                    }

                    @Override
                    public String describe() {
                        return "jdbc:postgresql://db:5432/app";
                    }
                });
        try {
            listener.subscribe(() -> { });
            Await.until("three failed connection attempts", Duration.ofSeconds(20), () -> attempts.get() >= 3);
        } finally {
            listener.close();
            logger.detachAppender(logs);
            logger.setLevel(before);
        }
        List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
        assertThat(lines).anyMatch(l -> l.contains("still down"));
        assertThat(lines).allSatisfy(l -> assertThat(l).doesNotContain("hunter2").doesNotContain("s3cret"));
    }
}
