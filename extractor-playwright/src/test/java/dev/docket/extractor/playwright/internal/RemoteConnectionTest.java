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
    void theHandshakeAcceptKeyIsTheOneOfRfc6455() {
        // the example of RFC 6455, section 1.3
        assertThat(RemoteConnection.WebSocketTransport.expectedAccept("dGhlIHNhbXBsZSBub25jZQ=="))
                .isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
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
