package dev.docket.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    int run(ByteArrayOutputStream err, String... args) {
        return DocketDemo.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), false);
    }

    @Test
    void badOptionsExitTwoWithAMessageAndTheUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(err, "--jobs", "0")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--jobs must be a whole number 1-10000 but was '0'")
                .contains("usage:");
        err.reset();
        assertThat(run(err, "--frobnicate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option '--frobnicate'");
        err.reset();
        assertThat(run(err, "--jdbc-url", "jdbc:mysql://x/y")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--jdbc-url must start with jdbc:postgresql:");
        err.reset();
        assertThat(run(err, "--concurrency")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--concurrency needs a value");
    }

    @Test
    void helpExitsZero() {
        assertThat(run(new ByteArrayOutputStream(), "--help")).isZero();
    }

    @Test
    void theRegistryServesDeterministicValidPdfs() {
        byte[] a = DemoRegistry.pdfFor("s", "DOC-1");
        assertThat(new String(a, StandardCharsets.US_ASCII)).startsWith("%PDF-1.4").endsWith("%%EOF\n");
        assertThat(a).isEqualTo(DemoRegistry.pdfFor("s", "DOC-1")).isNotEqualTo(DemoRegistry.pdfFor("s", "DOC-2"));
    }
}
