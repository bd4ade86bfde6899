package dev.docket.extractor.playwright.internal;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class BlockingProxyTest {

    private static String ask(BlockingProxy proxy, String request) throws Exception {
        URI uri = URI.create(proxy.address());
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
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
}
