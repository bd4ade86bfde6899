package dev.docket.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.queue.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyTest {
    ServerSocket echo;
    Thread echoThread;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoThread = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread t = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // the client or the proxy went away
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        echoThread.setDaemon(true);
        echoThread.start();
    }

    @AfterEach
    void stopEcho() throws IOException {
        echo.close();
    }

    @Test
    void forwardsBothWays() throws IOException {
        try (TcpProxy proxy = TcpProxy.start(0, "127.0.0.1", echo.getLocalPort()); Socket s = connect(proxy)) {
            assertThat(roundTrip(s, "hello")).isEqualTo("hello");
            assertThat(proxy.acceptedCount()).isEqualTo(1);
        }
    }

    @Test
    void aCutDropsOpenConnectionsRefusesNewOnesThenResumes() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(0, "127.0.0.1", echo.getLocalPort())) {
            Socket before = connect(proxy);
            assertThat(roundTrip(before, "a")).isEqualTo("a");
            proxy.cut(Duration.ofSeconds(30));
            assertThat(proxy.isCut()).isTrue();
            assertThat(before.getInputStream().read()).isEqualTo(-1); // dropped
            try (Socket during = connect(proxy)) {
                assertThat(during.getInputStream().read()).isEqualTo(-1); // accepted and closed at once
            }
            assertThat(proxy.refusedCount()).isEqualTo(1);
            proxy.resume();
            try (Socket after = connect(proxy)) {
                assertThat(roundTrip(after, "b")).isEqualTo("b");
            }
            before.close();
        }
    }

    @Test
    void aCutEndsByItself() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(0, "127.0.0.1", echo.getLocalPort())) {
            proxy.cut(Duration.ofMillis(200));
            assertThat(Await.within(Duration.ofSeconds(20), () -> !proxy.isCut())).as("the cut ended by itself").isTrue();
            try (Socket after = connect(proxy)) {
                assertThat(roundTrip(after, "c")).isEqualTo("c");
            }
        }
    }

    @Test
    void refusesToForwardOffThisMachine() {
        assertThatThrownBy(() -> TcpProxy.start(0, "192.0.2.10", 5432))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loopback");
    }

    private static Socket connect(TcpProxy proxy) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 5_000);
        s.setSoTimeout(20_000);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes());
        s.getOutputStream().flush();
        byte[] buf = new byte[text.length()];
        int n = 0;
        while (n < buf.length) {
            int r = s.getInputStream().read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return new String(buf, 0, n);
    }
}
