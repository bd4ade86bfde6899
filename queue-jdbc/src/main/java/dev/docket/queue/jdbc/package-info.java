/**
 * The PostgreSQL {@link dev.docket.queue.spi.JobStore}: {@link dev.docket.queue.jdbc.PostgresJobStore}
 * and the schema migrations that create its tables ({@link dev.docket.queue.jdbc.SchemaMigrator}).
 * Everything under {@code dev.docket.queue.jdbc.internal} is an implementation detail that may
 * change in any release.
 */
package dev.docket.queue.jdbc;
