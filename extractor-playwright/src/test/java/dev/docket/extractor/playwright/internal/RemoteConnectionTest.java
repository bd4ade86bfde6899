package dev.docket.extractor.playwright.internal;

import com.microsoft.playwright.PlaywrightException;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RemoteConnectionTest {

    @Test
    void aServerWithAWrongHandshakeAcceptKeyIsRefused() throws Exception {
        // RFC 6455 section 1.3: the accept key proves the server read this handshake; the JDK client checks it
        java.util.concurrent.CountDownLatch testDone = new java.util.concurrent.CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (java.net.Socket s = server.accept()) {
                    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                            java.nio.charset.StandardCharsets.US_ASCII));
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        // read the request
                    }
                    s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    testDone.await(30, java.util.concurrent.TimeUnit.SECONDS); // hold the socket open until the test ends
                } catch (Exception e) {
                    // the client hung up
                }
            }, "docket-test-ws-server");
            t.setDaemon(true);
            t.start();
            String ws = "ws://127.0.0.1:" + server.getLocalPort() + "/x";
            assertThatThrownBy(() -> RemoteConnection.open(ws, Duration.ofSeconds(5), "docket-test-reader"))
                    .isInstanceOf(PlaywrightException.class)
                    .hasMessageContaining("cannot connect to the browser server at " + ws);
        } finally {
            testDone.countDown();
        }
    }

    @Test
    void aServerThatIsNotABrowserServerIsRefusedWithAClearMessage() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        http.start();
        try {
            String ws = "ws://127.0.0.1:" + http.getAddress().getPort() + "/x";
            assertThatThrownBy(() -> RemoteConnection.open(ws, Duration.ofSeconds(5), "docket-test-reader"))
                    .isInstanceOf(PlaywrightException.class)
                    .hasMessageContaining(ws)
                    .hasMessageContaining("refused the WebSocket upgrade");
        } finally {
            http.stop(0);
        }
    }

    @Test
    void aServerThatNeverAnswersTheHandshakeFailsWithinTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String ws = "ws://127.0.0.1:" + silent.getLocalPort() + "/x";
            assertThatThrownBy(() -> RemoteConnection.open(ws, Duration.ofMillis(500), "docket-test-reader"))
                    .isInstanceOf(PlaywrightException.class)
                    .hasMessageContaining("cannot connect to the browser server at " + ws)
                    .hasMessageContaining("no WebSocket handshake within PT0.5S");
        }
    }

    @Test
    void nothingListeningIsRefusedWithAClearMessage() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String ws = "ws://127.0.0.1:" + port + "/x";
        assertThatThrownBy(() -> RemoteConnection.open(ws, Duration.ofSeconds(2), "docket-test-reader"))
                .isInstanceOf(PlaywrightException.class)
                .hasMessageContaining("cannot connect to the browser server at " + ws);
    }
}
