/** Test support shipped in the queue-s3 test-jar: a real S3-compatible server (s3rver) and a loopback proxy. */
package dev.docket.queue.s3.testing;
