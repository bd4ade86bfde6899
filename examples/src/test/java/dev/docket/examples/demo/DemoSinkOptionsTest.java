package dev.docket.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class DemoSinkOptionsTest {
    @Test
    void theSinkIsChosenOnTheCommandLine() {
        assertThat(DemoOptions.parse(new String[0]).sink).isEqualTo("fs");
        DemoOptions s3 = DemoOptions.parse(new String[] {"--sink", "s3", "--s3-endpoint", "http://127.0.0.1:9000",
                "--s3-bucket", "docs"});
        assertThat(s3.sink).isEqualTo("s3");
        assertThat(s3.s3Endpoint).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(s3.s3Bucket).isEqualTo("docs");
        assertThat(DemoOptions.parse(new String[] {"--sink", "postgres", "--jdbc-url", "jdbc:postgresql://h/db"}).sink)
                .isEqualTo("postgres");
    }

    @Test
    void aSinkWithoutWhatItNeedsIsAUsageError() {
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--sink", "ftp"}))
                .hasMessageContaining("--sink must be fs, postgres or s3 but was 'ftp'");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--sink", "postgres"}))
                .hasMessageContaining("--sink postgres needs --jdbc-url");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--sink", "s3", "--s3-bucket", "docs"}))
                .hasMessageContaining("--sink s3 needs --s3-endpoint URL and --s3-bucket NAME");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--s3-bucket", "docs"}))
                .hasMessageContaining("go with --sink s3");
    }
}
