package dev.docket.extractor.playwright;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import dev.docket.queue.DocketException;
import dev.docket.queue.Document;
import dev.docket.testing.FakeRegistry;
import dev.docket.testing.TestExtractionContext;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a page can reach besides its source's allowed hosts, with real chromium: loopback and link-local hosts
 * not on the list, WebRTC's UDP, chromium's DevTools; and that the blocking proxy survives pages that abandon
 * their blocked requests. Fake registries on 127.0.0.1; nothing is sent to a non-loopback address (link-local
 * probes are made only once loopback was shown to go to the blocking proxy).
 */
class BrowserConfinementTest extends TwoSitesFixture {
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(30);
    /** The start of the blocking proxy's answer body. */
    private static final String BLOCKED = "Blocked by Docket";

    private static int port(FakeRegistry site) {
        return Integer.parseInt(site.hostAndPort().substring(site.hostAndPort().lastIndexOf(':') + 1));
    }

    /** What one sub-frame load of {@code url} got: "status body", or "failed". */
    private static String load(Page page, String url) {
        try {
            // chromium reports the URL in its canonical form (2130706433 is 127.0.0.1): matched by its unique path
            String path = url.substring(url.indexOf('/', url.indexOf("//") + 2));
            Response r = page.waitForResponse(response -> response.url().endsWith(path),
                    new Page.WaitForResponseOptions().setTimeout(5000),
                    () -> page.evaluate("u => { const f = document.createElement('iframe'); f.src = u; document.body.appendChild(f); }", url));
            return r.status() + " " + r.text();
        } catch (RuntimeException e) {
            return "failed: " + String.valueOf(e.getMessage()).split("\n")[0];
        }
    }

    @Test
    void onlyTheListedLoopbackHostsBypassTheBlockingProxyAndLinkLocalNever() throws Exception {
        int pa = port(registry);
        int pb = port(other);
        Map<String, String> seen = new LinkedHashMap<>();
        extractor = PlaywrightExtractor.builder(Chromium.config(tmp)
                        .allowHosts("by-name", "localhost:" + pa)
                        .allowHosts("by-ip", "127.0.0.1")
                        .build())
                .defaultFlow((page, job, ctx) -> {
                    page.navigate(job.documentNumber());
                    for (String url : job.documentSource().equals("by-name")
                            ? List.of("http://127.0.0.1:" + pa + "/probe-a", "http://127.0.0.1:" + pb + "/probe-b",
                            "http://localhost:" + pb + "/probe-c", "http://[::1]:" + pb + "/probe-d",
                            "http://127.0.0.2:" + pb + "/probe-e", "http://2130706433:" + pb + "/probe-f",
                            "http://localhost:" + pa + "/probe-ok")
                            : List.of("http://127.0.0.1:" + pb + "/probe-g", "http://localhost:" + pb + "/probe-h",
                            "http://[::1]:" + pb + "/probe-i", "http://127.0.0.2:" + pb + "/probe-j")) {
                        seen.put(url, load(page, url));
                    }
                    return Document.of(new byte[] {1}, "application/pdf");
                })
                .build();
        extractor.start();

        extractor.extract(TestJobs.job(1, "by-name", "http://localhost:" + pa + "/search"), TestExtractionContext.of(JOB_TIMEOUT, 0));
        assertThat(seen.get("http://localhost:" + pa + "/probe-ok")).as("the listed host and port").startsWith("404 ");
        seen.remove("http://localhost:" + pa + "/probe-ok");
        assertThat(seen).allSatisfy((url, what) -> assertThat(what).as(url).startsWith("403 " + BLOCKED));
        assertThat(other.requests()).as("the unlisted site on loopback was never contacted").isEmpty();
        assertThat(registry.requests()).as("the listed site only by its listed name").noneMatch(r -> r.contains("/probe-a"));

        seen.clear();
        extractor.extract(TestJobs.job(2, "by-ip", "http://127.0.0.1:" + pa + "/search"), TestExtractionContext.of(JOB_TIMEOUT, 0));
        assertThat(seen.get("http://127.0.0.1:" + pb + "/probe-g")).as("'127.0.0.1' allows that address on any port").startsWith("404 ");
        seen.remove("http://127.0.0.1:" + pb + "/probe-g");
        assertThat(seen).allSatisfy((url, what) -> assertThat(what).as(url).startsWith("403 " + BLOCKED));
        assertThat(other.requests()).containsExactly("GET /probe-g");

        // loopback goes to the blocking proxy unless listed, so the implicit bypass is off: link-local (cloud
        // metadata) goes there too; probed on port 8 (no service, and not on chromium's list of refused ports), never 80
        seen.clear();
        extractor.close();
        extractor = PlaywrightExtractor.builder(Chromium.config(tmp).allowHosts("meta", "localhost").build())
                .defaultFlow((page, job, ctx) -> {
                    page.navigate(job.documentNumber());
                    assertThat(load(page, "http://127.0.0.1:" + pb + "/probe-k")).startsWith("403 " + BLOCKED);
                    for (String url : List.of("http://169.254.169.254:8/latest/meta-data/", "http://[fe80::1]:8/")) {
                        seen.put(url, load(page, url));
                    }
                    return Document.of(new byte[] {1}, "application/pdf");
                })
                .build();
        extractor.start();
        extractor.extract(TestJobs.job(3, "meta", "http://localhost:" + pa + "/search"), TestExtractionContext.of(JOB_TIMEOUT, 0));
        assertThat(seen).hasSize(2).allSatisfy((url, what) -> assertThat(what).as(url).startsWith("403 " + BLOCKED));
        assertThat(other.requests()).as("'localhost' does not open 127.0.0.1").containsExactly("GET /probe-g");
    }

    @Test
    void aTrailingDotIsTheSameHostForTheListAndForChromium() throws Exception {
        int pa = port(registry);
        List<String> titles = new ArrayList<>();
        extractor = PlaywrightExtractor.builder(Chromium.config(tmp).allowHosts("dot", "LocalHost.:" + pa).build())
                .defaultFlow((page, job, ctx) -> {
                    for (String host : List.of("localhost", "localhost.")) {
                        Response r = page.navigate("http://" + host + ":" + pa + "/search");
                        titles.add(host + " " + r.status());
                    }
                    return Document.of(new byte[] {1}, "application/pdf");
                })
                .build();
        extractor.start();
        extractor.extract(TestJobs.job(1, "dot", "x"), TestExtractionContext.of(JOB_TIMEOUT, 0));
        assertThat(titles).containsExactly("localhost 200", "localhost. 200");
        assertThat(registry.requests()).filteredOn(r -> r.startsWith("GET /search")).hasSize(2);
    }

    @Test
    void webRtcSendsNoUdpAroundTheProxy() throws Exception {
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            int port = udp.getLocalPort();
            List<Object> fromPage = new ArrayList<>();
            extractor = PlaywrightExtractor.builder(Chromium.config(tmp).allowHosts("rtc", registry.hostAndPort()).build())
                    .defaultFlow((page, job, ctx) -> {
                        page.navigate(registry.base() + "/search");
                        fromPage.add(page.evaluate("async (port) => {\n"
                                + "  const out = [];\n"
                                + "  const pc = new RTCPeerConnection({ iceServers: [{ urls: 'stun:127.0.0.1:' + port },\n"
                                + "    { urls: 'turn:127.0.0.1:' + port + '?transport=udp', username: 'u', credential: 'p' }] });\n"
                                + "  pc.createDataChannel('x');\n"
                                + "  pc.onicecandidate = e => out.push(e.candidate ? e.candidate.candidate : 'end');\n"
                                + "  await pc.setLocalDescription(await pc.createOffer());\n"
                                + "  const peer = new RTCPeerConnection();\n"
                                + "  await peer.setRemoteDescription(pc.localDescription);\n"
                                + "  const answer = await peer.createAnswer();\n"
                                + "  await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp.replace(/a=candidate:.*\\r\\n/g, '') });\n"
                                + "  await pc.addIceCandidate({ candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 ' + port + ' typ host',\n"
                                + "    sdpMid: '0', sdpMLineIndex: 0 });\n"
                                + "  await new Promise(r => setTimeout(r, 1500));\n"
                                + "  out.push('ice ' + pc.iceConnectionState);\n"
                                + "  return out;\n"
                                + "}", port));
                        return Document.of(new byte[] {1}, "application/pdf");
                    })
                    .build();
            extractor.start();
            extractor.extract(TestJobs.job(1, "rtc", "x"), TestExtractionContext.of(JOB_TIMEOUT, 0));
            assertThat(fromPage).hasSize(1);

            udp.setSoTimeout(500);
            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            String received = null;
            try {
                udp.receive(packet);
                received = packet.getLength() + " bytes from " + packet.getSocketAddress();
            } catch (SocketTimeoutException expected) {
                // nothing came
            }
            assertThat(received).as("a UDP packet reached the test's socket (the page saw %s)", fromPage.get(0)).isNull();
        }
    }

    @Test
    void chromiumListensOnNoTcpPort() throws Exception {
        extractor = PlaywrightExtractor.builder(Chromium.config(tmp).allowHosts("reg-a", registry.hostAndPort()).build())
                .flow("reg-a", FakeRegistryFlow.searchFlow(registry).build()).build();
        extractor.start();
        extractor.extract(TestJobs.job(1, "reg-a", "A-1"), TestExtractionContext.of(JOB_TIMEOUT, 0));
        List<ProcessHandle> browsers = Chromium.browsers(tmp);
        assertThat(browsers).hasSize(1);
        Set<String> listening = listeningSocketInodes();
        List<String> found = new ArrayList<>();
        List<ProcessHandle> tree = Stream.concat(Stream.of(browsers.get(0)), browsers.get(0).descendants()).collect(Collectors.toList());
        for (ProcessHandle p : tree) {
            try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
                for (Path fd : (Iterable<Path>) fds::iterator) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[") && listening.contains(target.substring(8, target.length() - 1))) {
                            found.add("pid " + p.pid() + " " + p.info().command().orElse("?") + " " + target);
                        }
                    } catch (java.io.IOException e) {
                        // the fd was closed meanwhile
                    }
                }
            } catch (java.io.IOException e) {
                // the process exited meanwhile
            }
        }
        assertThat(tree).as("chromium and its helpers").hasSizeGreaterThan(1);
        assertThat(found).as("listening TCP sockets of chromium's processes").isEmpty();
    }

    private static Set<String> listeningSocketInodes() throws Exception {
        Set<String> inodes = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table), StandardCharsets.US_ASCII);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[3].equals("0A")) { // TCP_LISTEN
                    inodes.add(f[9]);
                }
            }
        }
        return inodes;
    }

    @Test
    void pagesThatAbandonTheirBlockedRequestsDoNotBreakTheBlockingProxy() throws Exception {
        StringBuilder images = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            images.append("<img src='http://blocked-").append(i).append(".invalid/pixel.png'>");
        }
        extractor = PlaywrightExtractor.builder(Chromium.config(tmp).navigationTimeout(Duration.ofSeconds(5))
                        .allowHosts("reg-a", registry.hostAndPort()).build())
                .defaultFlow((page, job, ctx) -> {
                    page.navigate(registry.base() + "/search");
                    for (int round = 0; round < 5; round++) {
                        // the page leaves at once: chromium drops its pending requests to the blocking proxy
                        page.setContent(images + "<form id='f' method='post' action='" + registry.base() + "/search'></form>"
                                + "<script>document.getElementById('f').submit()</script>",
                                new Page.SetContentOptions().setWaitUntil(com.microsoft.playwright.options.WaitUntilState.COMMIT));
                        page.waitForURL(u -> u.startsWith(registry.base() + "/results"));
                    }
                    // a page whose load needs the blocking proxy's answers
                    page.setContent("<img src='http://evil.invalid/a.png'><img src='http://other.invalid/b.png'>");
                    return Document.of(new byte[] {1}, "application/pdf");
                })
                .build();
        extractor.start();
        for (int job = 1; job <= 3; job++) {
            extractor.extract(TestJobs.job(job, "reg-a", "x"), TestExtractionContext.of(JOB_TIMEOUT, 0));
        }
        assertThat(extractor.health().ready()).isTrue();
    }

    @Test
    void theSandboxIsOffAsRootByDefaultAndForcingItOnFailsSayingHowToTurnItOff() throws Exception {
        boolean root = Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0);
        assumeTrue(root, "these tests run as root (chromium's sandbox is refused as root)");
        extractor = PlaywrightExtractor.builder(Chromium.config(tmp).allowHosts("reg-a", registry.hostAndPort()).build())
                .flow("reg-a", FakeRegistryFlow.searchFlow(registry).build()).build();
        extractor.start();
        extractor.extract(TestJobs.job(1, "reg-a", "A-1"), TestExtractionContext.of(JOB_TIMEOUT, 0));
        // (after a job: right after the launch, a helper forked but not yet started has chromium's command line)
        assertThat(Chromium.browsers(tmp)).singleElement()
                .satisfies(p -> assertThat(p.info().commandLine().orElse("")).contains("--no-sandbox"));
        extractor.close();

        extractor = PlaywrightExtractor.builder(Chromium.config(tmp).sandbox(true).allowHosts("reg-a", registry.hostAndPort()).build())
                .flow("reg-a", FakeRegistryFlow.searchFlow(registry).build()).build();
        assertThatThrownBy(extractor::start)
                .isInstanceOf(DocketException.class)
                .hasMessageContaining("sandbox")
                .hasMessageContaining("DOCKET_CHROMIUM_SANDBOX=false");
    }
}
