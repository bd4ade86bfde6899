package dev.docket.extractor.playwright.internal;

import org.junit.jupiter.api.Test;

import dev.docket.queue.testing.Await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BlockingProxyTest {

    private static String ask(BlockingProxy proxy, String request) throws Exception {
        URI uri = URI.create(proxy.address());
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(10_000); // an unanswered request fails the test instead of hanging it
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void answersEveryRequestWith403AndForwardsNothing() throws Exception {
        try (BlockingProxy proxy = new BlockingProxy()) {
            assertThat(proxy.address()).startsWith("http://127.0.0.1:");
            String plain = ask(proxy, "GET http://evil.invalid/steal HTTP/1.1\r\nHost: evil.invalid\r\n\r\n");
            assertThat(plain).startsWith("HTTP/1.1 403 Forbidden").contains(BlockingProxy.BODY);
            String tunnel = ask(proxy, "CONNECT evil.invalid:443 HTTP/1.1\r\nHost: evil.invalid:443\r\n\r\n");
            assertThat(tunnel).startsWith("HTTP/1.1 403 Forbidden");
        }
    }

    @Test
    void closeStopsItsThread() throws Exception {
        BlockingProxy proxy = new BlockingProxy();
        assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().equals("docket-playwright-blocker"));
        proxy.close();
        proxy.close(); // idempotent
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("docket-playwright-blocker") && t.isAlive());
    }

    private static final String GET = "GET http://evil.invalid/x HTTP/1.1\r\nHost: evil.invalid\r\n\r\n";

    /** Connects and resets the connection at once (RST), as a browser that gave up on a blocked request can. */
    private static void connectAndReset(BlockingProxy proxy, String partialRequest) throws Exception {
        URI uri = URI.create(proxy.address());
        Socket s = new Socket(uri.getHost(), uri.getPort());
        s.getOutputStream().write(partialRequest.getBytes(StandardCharsets.US_ASCII));
        s.setSoLinger(true, 0);
        s.close();
    }

    @Test
    void connectionsResetByTheClientDoNotStopTheProxy() throws Exception {
        try (BlockingProxy proxy = new BlockingProxy()) {
            for (int i = 0; i < 20; i++) {
                connectAndReset(proxy, i % 2 == 0 ? "" : "GET http://evil.invalid/");
            }
            for (int i = 0; i < 3; i++) {
                assertThat(ask(proxy, GET)).as("request %d after the resets", i).startsWith("HTTP/1.1 403 Forbidden");
            }
            assertThat(proxy.ensureRunning()).isNull();
        }
    }

    @Test
    void connectionsAreAnsweredConcurrentlyAndEachHasADeadline() throws Exception {
        try (BlockingProxy proxy = new BlockingProxy(Duration.ofMinutes(5))) {
            URI uri = URI.create(proxy.address());
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket s = new Socket(uri.getHost(), uri.getPort());
                    s.getOutputStream().write("GET http://evil.invalid/".getBytes(StandardCharsets.US_ASCII)); // and nothing more
                    silent.add(s);
                }
                assertThat(ask(proxy, GET)).as("answered while 8 clients stall (their deadline is 5 minutes away)")
                        .startsWith("HTTP/1.1 403 Forbidden");
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
            }
        }
        try (BlockingProxy proxy = new BlockingProxy(Duration.ofMillis(200))) {
            URI uri = URI.create(proxy.address());
            try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET http://evil.invalid/".getBytes(StandardCharsets.US_ASCII));
                // the proxy gives up on a client that never finishes its request: it answers and closes
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 403");
            }
        }
    }

    @Test
    void aProxyWhoseListenerFailedIsSeenAndRestartedOnTheSameAddress() throws Exception {
        try (BlockingProxy proxy = new BlockingProxy()) {
            String address = proxy.address();
            proxy.failListenerForTest();
            assertThat(Await.within(Duration.ofSeconds(10), () -> !proxy.isAccepting())).isTrue();
            assertThat(proxy.ensureRunning()).as("restarted").isNull();
            assertThat(proxy.address()).isEqualTo(address);
            assertThat(ask(proxy, GET)).startsWith("HTTP/1.1 403 Forbidden");
            assertThat(proxy.isAccepting()).isTrue();
        }
    }

    @Test
    void aClosedProxyReportsItselfClosed() throws Exception {
        BlockingProxy proxy = new BlockingProxy();
        proxy.close();
        assertThat(proxy.ensureRunning()).contains("closed");
    }
}
