package dev.docket.queue;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DocumentTest {
    private static final byte[] BYTES = "%PDF-1.4".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aMediaTypeWithParametersIsAccepted() {
        assertThat(Document.of(BYTES, " application/pdf ").contentType()).isEqualTo("application/pdf");
        assertThat(Document.of(BYTES, "text/html; charset=utf-8").contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(Document.of(BYTES, "text/plain;charset=\"UTF-8\";format=flowed").fileExtension()).isEqualTo("txt");
        assertThat(Document.of(BYTES, "application/vnd.openxmlformats-officedocument.wordprocessingml.document").contentType())
                .startsWith("application/vnd.");
    }

    @Test
    void aContentTypeThatIsNotAMediaTypeIsRejectedSayingWhatIsExpected() {
        for (String bad : new String[] {"pdf", "application/", "/pdf", "application/pdf\u0001", "application/pdf\r\nX-Evil: 1",
                "text/html; charset=utf-8\u001b[31m", "application/pdf; x=\"a\nb\"", "appli cation/pdf", "application/pdf; =x",
                "application/pdf; x", "application/pdf;;", "t\u00e9xt/html", "application/pdf; x=\"unterminated"}) {
            assertThatThrownBy(() -> Document.of(BYTES, bad)).as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("contentType must be a media type")
                    .hasMessageNotContaining("\u0001").hasMessageNotContaining("\n").hasMessageNotContaining("\u001b");
        }
        assertThatThrownBy(() -> Document.of(BYTES, "application/pdf\u0001")).hasMessageContaining("\\u0001");
    }

    @Test
    void aContentTypeLongerThanTheLimitIsRejected() {
        String longType = "application/pdf; x=" + "a".repeat(Document.MAX_CONTENT_TYPE_LENGTH);
        assertThatThrownBy(() -> Document.of(BYTES, longType)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most " + Document.MAX_CONTENT_TYPE_LENGTH + " characters");
        assertThat(Document.of(BYTES, "a/" + "b".repeat(Document.MAX_CONTENT_TYPE_LENGTH - 2)).contentType())
                .hasSize(Document.MAX_CONTENT_TYPE_LENGTH);
    }

    @Test
    void blankOrMissingContentIsRejected() {
        assertThatThrownBy(() -> Document.of(BYTES, " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("contentType");
        assertThatThrownBy(() -> Document.of(new byte[0], "application/pdf")).isInstanceOf(IllegalArgumentException.class);
    }
}
