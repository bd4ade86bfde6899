package dev.docket.extractor.playwright.internal;

import dev.docket.queue.Document;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Content types and signatures; {@code HostileDocumentsTest} runs them through chromium. */
class MediaTypesTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aServersContentTypeBecomesItsLowerCaseMediaTypeAndCharset() throws Exception {
        assertThat(MediaTypes.clean("Application/PDF")).isEqualTo("application/pdf");
        assertThat(MediaTypes.clean(" text/html ; Charset=\"UTF-8\" ; name=\"r\u00e9sum\u00e9.html\"")).isEqualTo("text/html; charset=utf-8");
        assertThat(MediaTypes.clean("text/plain; charset=\"not a token\"")).isEqualTo("text/plain");
        assertThat(MediaTypes.clean("application/pdf; name=x.pdf")).isEqualTo("application/pdf");
        // whatever clean() returns, a Document accepts
        Document.of(new byte[] {1}, MediaTypes.clean("a/" + "b".repeat(127) + "; charset=" + "c".repeat(40)));
    }

    @Test
    void aContentTypeWithControlCharactersOrWithoutTypeAndSubtypeIsInvalid() {
        for (String bad : new String[] {"application/pdf\u0000", "application/pdf\r\nSet-Cookie: a=b", "pdf", "/pdf", "application/",
                "appli cation/pdf", "application/p\u00e9f", "text/html; charset=utf-8\u007f", " "}) {
            assertThatThrownBy(() -> MediaTypes.clean(bad)).as("'%s'", bad).isInstanceOf(MediaTypes.InvalidMediaType.class);
        }
        assertThat(MediaTypes.printable("a\u0001b\u00e9")).isEqualTo("a\\u0001b\\u00e9");
    }

    @Test
    void bytesAreCheckedAgainstTheSignatureOfTheDeclaredType() {
        byte[] pdf = ascii("%PDF-1.7\n...");
        byte[] html = ascii("\uFEFF  \n<!DOCTYPE html><title>Session expired</title>".replace("\uFEFF", "\u00EF\u00BB\u00BF"));
        byte[] zip = {'P', 'K', 3, 4, 20, 0};
        byte[] ole = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1, 0};
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10};

        assertThat(MediaTypes.mismatch("application/pdf", pdf)).isNull();
        assertThat(MediaTypes.mismatch("application/pdf", ascii("junk from a generator\n%PDF-1.4\n"))).isNull();
        assertThat(MediaTypes.mismatch("application/pdf; charset=binary", html)).startsWith("text/html");
        assertThat(MediaTypes.mismatch("application/pdf", jpeg)).isEqualTo("image/jpeg");
        assertThat(MediaTypes.mismatch("application/pdf", new byte[] {1, 2, 3})).contains("unrecognised").contains("01 02 03");
        assertThat(MediaTypes.mismatch("image/jpeg", jpeg)).isNull();
        assertThat(MediaTypes.mismatch("application/vnd.openxmlformats-officedocument.wordprocessingml.document", zip)).isNull();
        assertThat(MediaTypes.mismatch("application/vnd.openxmlformats-officedocument.wordprocessingml.document", html)).startsWith("text/html");
        assertThat(MediaTypes.mismatch("application/msword", ole)).isNull();
        assertThat(MediaTypes.mismatch("application/msword", zip)).startsWith("application/zip");
        // types without a known signature are not checked
        assertThat(MediaTypes.mismatch("text/html", pdf)).isNull();
        assertThat(MediaTypes.mismatch("application/octet-stream", html)).isNull();
    }

    @Test
    void sniffingNamesKnownFormatsAndMarkup() {
        assertThat(MediaTypes.sniff(ascii("%PDF-1.4"))).isEqualTo("application/pdf");
        assertThat(MediaTypes.sniff(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})).isEqualTo("image/png");
        assertThat(MediaTypes.sniff(ascii("<html><body>x"))).isEqualTo("text/html");
        assertThat(MediaTypes.sniff(ascii("<?xml version='1.0'?><a/>"))).isEqualTo("application/xml");
        assertThat(MediaTypes.sniff(new byte[] {0, 1, 2})).isEqualTo("application/octet-stream");
    }
}
