/** Internals of queue-testing; not an API. */
package dev.docket.testing.internal;
