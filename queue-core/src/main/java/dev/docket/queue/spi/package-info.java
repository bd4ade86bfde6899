/**
 * The store SPI: what a {@link dev.docket.queue.spi.JobStore} implementation writes, and the value types
 * only implementers need ({@link dev.docket.queue.spi.JobLease}, {@link dev.docket.queue.spi.JobOutcome},
 * {@link dev.docket.queue.spi.WorkerHeartbeat}). Applications hold a store and pass it to
 * {@link dev.docket.queue.JobQueue} and {@link dev.docket.queue.WorkerRuntime}; they call the queue, not the
 * store.
 *
 * <p><b>This SPI evolves faster than the user API</b> of {@code dev.docket.queue}: a minor release may add
 * methods to {@code JobStore} (with defaults where it can) or change its value types. Run the contract suite
 * ({@code JobStoreContractTest}) on your store after every upgrade.
 */
package dev.docket.queue.spi;
