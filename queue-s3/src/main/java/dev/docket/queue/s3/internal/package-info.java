/** Internals of the S3 sink; not an API. */
package dev.docket.queue.s3.internal;
