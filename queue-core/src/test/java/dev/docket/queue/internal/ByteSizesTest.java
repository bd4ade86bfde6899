package dev.docket.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteSizesTest {
    @Test
    void bytesAreShownInBinaryUnits() {
        assertThat(ByteSizes.format(0)).isEqualTo("0 B");
        assertThat(ByteSizes.format(1023)).isEqualTo("1023 B");
        assertThat(ByteSizes.format(1536)).isEqualTo("1.5 KiB");
        assertThat(ByteSizes.format(2L * 1024 * 1024 * 1024)).isEqualTo("2.0 GiB");
        assertThat(ByteSizes.format(5L << 50)).isEqualTo("5120.0 TiB");
    }

    @Test
    void extractorFiguresShowBytesInUnits() {
        assertThat(ExtractorFigures.display("memory.limit.bytes", 2L * 1024 * 1024 * 1024)).isEqualTo("memory.limit 2.0 GiB");
        assertThat(ExtractorFigures.display("processes.defunct", 3)).isEqualTo("processes.defunct 3");
    }
}
