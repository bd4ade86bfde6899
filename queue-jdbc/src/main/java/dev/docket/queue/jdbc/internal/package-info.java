/**
 * Internals of {@code queue-jdbc}: statements, row mapping, the finish batcher, the LISTEN
 * connection, error translation and URL masking. Not an API: may change in any release.
 */
package dev.docket.queue.jdbc.internal;
