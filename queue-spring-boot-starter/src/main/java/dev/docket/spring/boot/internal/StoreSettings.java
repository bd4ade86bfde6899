package dev.docket.spring.boot.internal;

import dev.docket.queue.JobQueue;
import dev.docket.queue.StoreException;
import dev.docket.queue.jdbc.PostgresJobStore;
import dev.docket.queue.spi.JobStore;
import dev.docket.spring.boot.DocketProperties;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

/** {@code docket.*} to the store and the client, each refusal naming its property. Not part of the API. */
public final class StoreSettings {
    private static final Logger log = LoggerFactory.getLogger(StoreSettings.class);

    private StoreSettings() {
    }

    /** The PostgreSQL store on {@code dataSource}, LISTEN on a connection of its own when a URL is known. */
    public static PostgresJobStore postgres(DataSource dataSource, DocketProperties p, Environment environment) {
        PostgresJobStore.Builder b = PostgresJobStore.builder(dataSource);
        PropertyChecks.apply("docket.schema", p.getSchema(), b::schema);
        b.autoMigrate(p.isMigrate()).schemaManagedExternally(p.isSchemaManagedExternally())
                .notifications(p.isNotifications());
        b.statementTimeout(p.getStatementTimeout()).lockTimeout(p.getLockTimeout());
        DocketProperties.Listen listen = p.getListen();
        if (p.isNotifications() && listen.isOwnConnection()) {
            String url = listen.getUrl() != null ? listen.getUrl() : environment.getProperty("spring.datasource.url");
            if (url != null && url.startsWith("jdbc:postgresql:")) {
                Properties props = new Properties();
                String user = listen.getUrl() != null ? listen.getUsername()
                        : environment.getProperty("spring.datasource.username");
                String password = listen.getUrl() != null ? listen.getPassword()
                        : environment.getProperty("spring.datasource.password");
                if (user != null) {
                    props.setProperty("user", user);
                }
                if (password != null) {
                    props.setProperty("password", password);
                }
                b.listenUrl(url, props);
            } else if (listen.getUrl() != null) {
                throw PropertyChecks.invalid("docket.listen.url", listen.getUrl(), "must be a jdbc:postgresql: URL");
            } else {
                log.info("Docket: LISTEN holds one of the DataSource's connections (no jdbc:postgresql: URL in "
                        + "spring.datasource.url or docket.listen.url); count it in the pool size");
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw PropertyChecks.invalid(propertyOf(e.getMessage()), null, e.getMessage());
        } catch (StoreException e) {
            if (!p.isMigrate() && !p.isSchemaManagedExternally() && !e.isTransient()
                    && String.valueOf(e.getMessage()).contains("schema")) {
                throw new StoreException(e.getMessage() + " (Spring Boot: set docket.migrate=true to migrate it at "
                        + "start-up)", false, e);
            }
            throw e;
        }
    }

    private static String propertyOf(String message) {
        String m = message == null ? "" : message;
        if (m.startsWith("schema")) {
            return "docket.schema";
        }
        if (m.startsWith("statementTimeout")) {
            return "docket.statement-timeout";
        }
        if (m.startsWith("lockTimeout")) {
            return "docket.lock-timeout";
        }
        if (m.startsWith("autoMigrate")) {
            return "docket.migrate";
        }
        if (m.startsWith("listenUrl")) {
            return "docket.listen.url";
        }
        return "docket";
    }

    /** The client over {@code store}, with {@code docket.actor}. */
    public static JobQueue queue(JobStore store, DocketProperties p) {
        try {
            return JobQueue.builder(store).actor(p.getActor()).build();
        } catch (IllegalArgumentException e) {
            throw PropertyChecks.invalid("docket.actor", p.getActor(), e.getMessage());
        }
    }
}
