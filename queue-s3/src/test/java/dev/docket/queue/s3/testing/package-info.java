/** Test support for queue-s3's own tests: a loopback HTTP proxy that can corrupt uploads (s3rver itself is in queue-testing). */
package dev.docket.queue.s3.testing;
