package dev.docket.extractor.playwright.internal;

import com.google.gson.JsonObject;
import com.microsoft.playwright.PlaywrightException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transport over a minimal WebSocket server that writes the frames each test needs. */
class JdkWebSocketTransportTest {
    private ServerSocket server;
    private Socket peer;

    @AfterEach
    void close() throws IOException {
        if (peer != null) {
            peer.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Accepts one client, answers its handshake, and returns the socket to write frames on. */
    private JdkWebSocketTransport connect() throws Exception {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                Socket s = server.accept();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                String key = null;
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    if (line.toLowerCase().startsWith("sec-websocket-key:")) {
                        key = line.substring(line.indexOf(':') + 1).trim();
                    }
                }
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                return s;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JdkWebSocketTransport t = JdkWebSocketTransport.connect(
                URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/pw"), Duration.ofSeconds(10));
        peer = accepted.get(10, TimeUnit.SECONDS);
        return t;
    }

    /** Writes one unmasked server frame. */
    private void frame(int opcode, boolean fin, byte[] payload) throws IOException {
        OutputStream out = peer.getOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            out.write(payload.length);
        } else {
            out.write(126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xFF);
        }
        out.write(payload);
        out.flush();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonObject pollUntilMessage(JdkWebSocketTransport t) {
        for (int i = 0; i < 1000; i++) {
            JsonObject m = t.poll(Duration.ofMillis(10));
            if (m != null) {
                return m;
            }
        }
        throw new AssertionError("no message within 10 s");
    }

    @Test
    void aMessageSplitIntoFragmentsIsDeliveredWhole() throws Exception {
        JdkWebSocketTransport t = connect();
        frame(0x1, false, utf8("{\"id\":1,"));
        frame(0x0, false, utf8("\"result\":{\"text\":\"caf"));
        frame(0x0, true, utf8("é\"}}"));
        frame(0x1, true, utf8("{\"id\":2}"));
        JsonObject first = pollUntilMessage(t);
        assertThat(first.get("id").getAsInt()).isEqualTo(1);
        assertThat(first.getAsJsonObject("result").get("text").getAsString()).isEqualTo("café");
        assertThat(pollUntilMessage(t).get("id").getAsInt()).isEqualTo(2);
        t.close();
    }

    @Test
    void moreMessagesThanTheQueueHoldsAreAllDeliveredInOrder() throws Exception {
        JdkWebSocketTransport t = connect();
        int n = JdkWebSocketTransport.MAX_QUEUED * 3;
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    frame(0x1, true, utf8("{\"id\":" + i + "}"));
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        for (int i = 0; i < n; i++) {
            assertThat(pollUntilMessage(t).get("id").getAsInt()).isEqualTo(i);
        }
        writer.get(10, TimeUnit.SECONDS);
        t.close();
    }

    @Test
    void theServersCloseFailsTheNextPollAfterTheMessagesBeforeIt() throws Exception {
        JdkWebSocketTransport t = connect();
        frame(0x1, true, utf8("{\"id\":1}"));
        frame(0x8, true, new byte[] {0x03, (byte) 0xE8});
        assertThat(pollUntilMessage(t).get("id").getAsInt()).isEqualTo(1);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 1000; i++) {
                t.poll(Duration.ofMillis(10));
            }
        }).isInstanceOf(PlaywrightException.class)
                .hasMessage("Playwright connection closed: the browser server closed the connection");
        assertThat(t.isOpen()).isFalse();
        assertThatThrownBy(() -> t.send(new JsonObject())).isInstanceOf(PlaywrightException.class)
                .hasMessageStartingWith("Playwright connection closed");
    }

    @Test
    void closeFromAnotherThreadFailsABlockedPollAtOnce() throws Exception {
        JdkWebSocketTransport t = connect();
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                t.poll(Duration.ofDays(1));
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        Thread.onSpinWait();
        t.close();
        assertThat(blocked.get(10, TimeUnit.SECONDS)).isInstanceOf(PlaywrightException.class)
                .hasMessage("Playwright connection closed: closed by Docket");
    }

    @Test
    void sentMessagesReachTheServerAsMaskedTextFrames() throws Exception {
        JdkWebSocketTransport t = connect();
        JsonObject m = new JsonObject();
        m.addProperty("id", 7);
        t.send(m);
        var in = new java.io.DataInputStream(peer.getInputStream());
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        assertThat(b0).as("FIN + text").isEqualTo(0x81);
        assertThat(b1 & 0x80).as("masked").isEqualTo(0x80);
        byte[] mask = new byte[4];
        in.readFully(mask);
        byte[] payload = new byte[b1 & 0x7F];
        in.readFully(payload);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
        }
        assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo("{\"id\":7}");
        t.close();
    }
}
