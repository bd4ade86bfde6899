/**
 * Test support for code that uses or implements Docket: add {@code dev.docket:queue-testing} in test scope and
 * nothing else (it brings queue-core, the JUnit Jupiter API, AssertJ and HikariCP).
 *
 * <ul>
 *   <li><b>Contract suites</b> for implementers: subclass {@link dev.docket.testing.JobStoreContractTest}
 *       (your {@code JobStore}; its sections are {@code @Nested} classes) or
 *       {@link dev.docket.testing.DocumentSinkContract} (your {@code DocumentSink}).</li>
 *   <li><b>Time</b>: {@link dev.docket.queue.testing.ManualClock}, a {@code java.time.Clock} a test moves by
 *       hand; {@link dev.docket.queue.testing.Await} for the rare wait on background work (with a deadline).</li>
 *   <li><b>Stores that misbehave</b>: {@link dev.docket.queue.testing.ForwardingJobStore} (override one call) and
 *       {@link dev.docket.queue.testing.FaultInjectingJobStore} (lost database, failing finishes, no claims).</li>
 *   <li><b>What the runtime did</b>: {@link dev.docket.testing.RecordingWorkerListener}; an
 *       {@code ExtractionContext} for testing an extractor on its own:
 *       {@link dev.docket.testing.TestExtractionContext}.</li>
 *   <li><b>PostgreSQL</b>: {@link dev.docket.testing.DocketPostgres}, a JUnit 5 extension with a fresh,
 *       migrated schema ({@code DOCKET_TEST_JDBC_URL}, else Testcontainers when Docker answers, else
 *       {@code jdbc:postgresql://127.0.0.1:5432/test}); needs {@code queue-jdbc} on the test classpath.</li>
 *   <li><b>Faults and fakes on the network</b>: {@link dev.docket.testing.TcpProxy} (cut and resume
 *       connections), {@link dev.docket.testing.FakeRegistry} (a registry site on 127.0.0.1 for extractors),
 *       {@link dev.docket.testing.S3rver} (a real S3-compatible server for {@code queue-s3}).</li>
 * </ul>
 *
 * <p>Everything here is for tests: none of it belongs in production code.
 */
package dev.docket.testing;
