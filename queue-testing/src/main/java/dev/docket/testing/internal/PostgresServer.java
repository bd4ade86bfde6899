package dev.docket.testing.internal;

import dev.docket.testing.DocketPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the tests' PostgreSQL server is and how it was found ({@link DocketPostgres} says the order), and the
 * masking of passwords in what is logged about it.
 *
 * @param url      the server's JDBC URL
 * @param user     the user, null when the URL carries it
 * @param password the password, null when none
 * @param origin   how it was found, for the log
 */
public record PostgresServer(String url, String user, String password, String origin) {
    private static final Logger log = LoggerFactory.getLogger(DocketPostgres.class);
    /** How long the Docker probe may take before Testcontainers is skipped. */
    private static final Duration DOCKER_PROBE_TIMEOUT = Duration.ofSeconds(15);
    /** {@code password=...} (and its spellings) as a query or property parameter (as queue-jdbc's JdbcUrls). */
    private static final Pattern PASSWORD_PARAM = Pattern.compile(
            "(?i)\\b(password|passwd|pwd|sslpassword|sslkeypassword|secret)=([^&;\\s,)]*)");
    /** {@code scheme://user:password@host}. */
    private static final Pattern USER_INFO = Pattern.compile("(//[^/?#@:\\s]*):([^@/?#\\s]*)@");
    private static PostgresServer server;

    /** The connection properties: credentials and short connect and login timeouts. */
    public Properties properties() {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", "5");
        p.setProperty("loginTimeout", "10");
        return p;
    }

    /** The URL (masked), user and origin; never the password. */
    @Override
    public String toString() {
        return "PostgresServer[" + mask(url) + ", user " + user + ", " + origin + "]";
    }

    /** Masks passwords in a JDBC URL or in a driver message quoting one. */
    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = PASSWORD_PARAM.matcher(text).replaceAll("$1=***");
        return USER_INFO.matcher(masked).replaceAll("$1:***@");
    }

    

    /**
     * The server for this JVM's tests, found once: {@code DOCKET_TEST_JDBC_URL}, else Testcontainers when Docker
     * answers, else the local default.
     *
     * @throws IllegalStateException saying how to provide one when none answers
     */
    public static synchronized PostgresServer find() {
        if (server != null) {
            return server;
        }
        List<String> tried = new ArrayList<>();
        String envUrl = System.getenv(DocketPostgres.URL_ENV);
        if (envUrl != null && !envUrl.isBlank()) {
            PostgresServer s = new PostgresServer(envUrl.trim(), System.getenv(DocketPostgres.USER_ENV), System.getenv(DocketPostgres.PASSWORD_ENV), DocketPostgres.URL_ENV);
            String problem = probe(s);
            if (problem == null) {
                return server = announce(s);
            }
            // an explicit choice that does not answer is an error, not a reason to test elsewhere
            throw noDatabase(List.of(DocketPostgres.URL_ENV + "=" + mask(s.url()) + ": " + problem));
        }
        String docker = dockerProblem();
        if (docker == null) {
            try {
                PostgresServer s = Containers.start();
                String problem = probe(s);
                if (problem == null) {
                    return server = announce(s);
                }
                tried.add("Testcontainers " + DocketPostgres.CONTAINER_IMAGE + ": " + problem);
            } catch (RuntimeException | LinkageError e) {
                tried.add("Testcontainers " + DocketPostgres.CONTAINER_IMAGE + ": " + e);
            }
        } else {
            tried.add("Testcontainers: " + docker);
        }
        PostgresServer local = new PostgresServer(DocketPostgres.LOCAL_URL, DocketPostgres.LOCAL_USER, null, "local default");
        String problem = probe(local);
        if (problem == null) {
            return server = announce(local);
        }
        tried.add(DocketPostgres.LOCAL_URL + " (user " + DocketPostgres.LOCAL_USER + "): " + problem);
        throw noDatabase(tried);
    }

    private static PostgresServer announce(PostgresServer s) {
        log.info("tests use PostgreSQL at {} ({})", mask(s.url()), s.origin());
        return s;
    }

    private static IllegalStateException noDatabase(List<String> tried) {
        return new IllegalStateException("No PostgreSQL for the tests. Provide one of: (1) " + DocketPostgres.URL_ENV
                + "=jdbc:postgresql://host:5432/db (credentials in the URL or in " + DocketPostgres.USER_ENV + "/" + DocketPostgres.PASSWORD_ENV
                + "); (2) a running Docker daemon, for Testcontainers (" + DocketPostgres.CONTAINER_IMAGE + "); (3) PostgreSQL 13+"
                + " on 127.0.0.1:5432 with a database 'test' that user 'postgres' can use (e.g. trust auth;"
                + " on Debian: pg_ctlcluster <version> main start). Tried: " + String.join("; ", tried));
    }

    /** Null when connecting works, else why not. */
    private static String probe(PostgresServer s) {
        try (Connection c = DriverManager.getConnection(s.url(), s.properties())) {
            c.isValid(5);
            return null;
        } catch (SQLException e) {
            return mask(e.getMessage());
        }
    }

    /** Null when a Docker daemon answers quickly, else why Testcontainers is skipped. */
    private static String dockerProblem() {
        boolean configured = System.getenv("DOCKER_HOST") != null
                || Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
        if (!configured) {
            return "no Docker (no DOCKER_HOST, no /var/run/docker.sock)";
        }
        CompletableFuture<Boolean> available = CompletableFuture.supplyAsync(Containers::dockerAvailable);
        try {
            return available.get(DOCKER_PROBE_TIMEOUT.toSeconds(), TimeUnit.SECONDS) ? null : "Docker does not answer";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while probing Docker";
        } catch (Exception e) {
            available.cancel(true);
            return "Docker probe failed or took longer than " + DOCKER_PROBE_TIMEOUT.toSeconds() + "s: " + e;
        }
    }

    /** Kept apart so Testcontainers classes load only when Docker looks available. */
    private static final class Containers {
        private static org.testcontainers.containers.PostgreSQLContainer<?> container;

        static boolean dockerAvailable() {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        }

        static PostgresServer start() {
            if (container == null) {
                @SuppressWarnings("resource") // one container per JVM, stopped by Testcontainers' reaper
                org.testcontainers.containers.PostgreSQLContainer<?> c =
                        new org.testcontainers.containers.PostgreSQLContainer<>(DocketPostgres.CONTAINER_IMAGE)
                                .withDatabaseName("test").withUsername("postgres").withPassword("postgres");
                c.start();
                container = c;
            }
            return new PostgresServer(container.getJdbcUrl(), container.getUsername(), container.getPassword(), "Testcontainers");
        }
    }
}
