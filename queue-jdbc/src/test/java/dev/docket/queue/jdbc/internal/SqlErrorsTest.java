package dev.docket.queue.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.StoreException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {

    @ParameterizedTest
    @ValueSource(strings = {"08000", "08001", "08003", "08006", "08P01", "40001", "40P01", "57P01", "57P02", "57P03",
        "53300", "55P03", "57014"})
    void connectionSerializationDeadlockAndShutdownStatesAreTransient(String state) {
        StoreException e = SqlErrors.translate("claim jobs", "docket", new SQLException("boom", state));
        assertThat(e.isTransient()).isTrue();
        assertThat(e.getMessage()).contains("claim jobs").contains("docket").contains(state).contains("retry later");
        assertThat(e.getCause()).isInstanceOf(SQLException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"23505", "22P02", "42601", "42501", "XX000"})
    void otherStatesAreNotTransient(String state) {
        assertThat(SqlErrors.translate("claim jobs", "docket", new SQLException("boom", state)).isTransient()).isFalse();
    }

    @Test
    void aClosedConnectionOrAPoolTimeoutIsTransient() {
        assertThat(SqlErrors.isTransient(new SQLException("This connection has been closed."))).isTrue();
        assertThat(SqlErrors.isTransient(new SQLException("Connection is closed"))).isTrue();
        assertThat(SqlErrors.isTransient(new SQLTransientConnectionException("pool - Connection is not available,"
                + " request timed out after 1000ms."))).isTrue();
        assertThat(SqlErrors.isTransient(new SQLRecoverableException("gone"))).isTrue();
        assertThat(SqlErrors.isTransient(new SQLException("wrapper", null, new java.net.SocketException("reset"))))
                .isTrue();
    }

    @Test
    void aMissingTableSaysHowToCreateIt() {
        StoreException e = SqlErrors.translate("claim jobs", "jobs_a",
                new SQLException("relation \"jobs_a.extraction_queue\" does not exist", "42P01"));
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).startsWith("schema 'jobs_a' has no Docket tables: run SchemaMigrator.migrate(")
                .contains("autoMigrate");
    }

    @Test
    void passwordsInDriverMessagesAreMasked() {
        StoreException e = SqlErrors.translate("connect", "docket",
                new SQLException("cannot open jdbc:postgresql://db/app?password=hunter2", "08001"));
        assertThat(e.getMessage()).doesNotContain("hunter2").contains("password=***");
    }
}
