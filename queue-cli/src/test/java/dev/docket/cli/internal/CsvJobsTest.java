package dev.docket.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.queue.NewJob;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** RFC 4180 parsing, strict UTF-8, and errors that name the line. */
class CsvJobsTest {

    static CsvJobs.Result parse(String text) {
        return CsvJobs.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsQuotedFieldsEscapedQuotesCrlfAndABom() {
        CsvJobs.Result r = parse("\uFEFFdocument_source,document_number\r\n"
                + "a,1\r\n"
                + "\"b, inc\",\"say \"\"hi\"\"\"\r\n"
                + "\"\",x\r\n");
        assertThat(r.errors()).containsExactly("line 4: documentSource must not be blank but was ''");

        CsvJobs.Result ok = parse("\uFEFFdocument_source,document_number\r\na,1\r\n\"b, inc\",\"say \"\"hi\"\"\"\r\n");
        assertThat(ok.ok()).isTrue();
        assertThat(ok.jobs()).containsExactly(NewJob.of("a", "1"), NewJob.of("b, inc", "say \"hi\""));
    }

    @Test
    void headerColumnsInAnyOrderAndOptionalColumnsWithDefaults() {
        CsvJobs.Result r = parse("document_number, DOCUMENT_SOURCE ,priority,run_after,max_attempts,payload,idempotency_key\n"
                + "1,a,,,,,\n"
                + "2,b,9,2030-01-31T09:00:00+01:00,2,\"{\"\"x\"\":1}\",key-2\n");
        assertThat(r.errors()).isEmpty();
        assertThat(r.jobs().get(0)).isEqualTo(NewJob.of("a", "1"));
        NewJob second = r.jobs().get(1);
        assertThat(second.documentSource()).isEqualTo("b");
        assertThat(second.priority()).isEqualTo(9);
        assertThat(second.runAfter()).isEqualTo(Instant.parse("2030-01-31T08:00:00Z"));
        assertThat(second.maxAttempts()).isEqualTo(2);
        assertThat(second.payload()).isEqualTo("{\"x\":1}");
        assertThat(second.idempotencyKey()).isEqualTo("key-2");
    }

    @Test
    void blankLinesAreSkippedAndLineNumbersCountPhysicalLinesIncludingQuotedNewlines() {
        CsvJobs.Result r = parse("document_source,document_number,payload\n"
                + "\n"
                + "a,1,\"{\n\"\"k\"\": 1}\"\n"
                + "a,2\n");
        assertThat(r.errors()).containsExactly("line 5: expected 3 field(s) like the header but found 2");
    }

    @Test
    void everyBadLineIsReportedInOrderAndNoJobIsReturned() {
        CsvJobs.Result r = parse("document_source,document_number,priority,run_after\n"
                + "a,1,high,\n"
                + "a,2,,next week\n"
                + "a,3,1,\n"
                + "a,4\"x,1,\n"
                + "\"a\"b,5,1,\n"
                + "a,\"6,1,\n"
                + "a,7,1,\n");
        assertThat(r.jobs()).isEmpty();
        assertThat(r.errors()).containsExactly(
                "line 2: priority must be a whole number but was 'high'",
                "line 3: run_after must be an ISO-8601 date-time with an offset like 2026-01-31T08:00:00Z but was 'next week'",
                "line 5: quote inside an unquoted field (quote the whole field and write the quote as \"\")",
                "line 6: unexpected 'b' after a closing quote (a quote inside a quoted field is written \"\")",
                "line 7: quoted field opened on line 7 is never closed");
    }

    @Test
    void headerProblemsAreReportedOnLineOne() {
        assertThat(parse("source,number\na,1\n").errors()).hasSize(2)
                .allSatisfy(e -> assertThat(e).startsWith("line 1: unknown column '"))
                .anySatisfy(e -> assertThat(e).contains("'number'"));
        assertThat(parse("document_source\na\n").errors())
                .containsExactly("line 1: the header must name document_source and document_number (missing document_number)");
        assertThat(parse("document_source,document_number,document_number\n").errors())
                .containsExactly("line 1: column 'document_number' appears twice");
        assertThat(parse("").errors()).singleElement().asString().startsWith("line 1: the file is empty");
        assertThat(parse("\"document_source,document_number\n").errors())
                .containsExactly("line 1: quoted field opened on line 1 is never closed");
    }

    @Test
    void headerOnlyIsNoJobsAndNoError() {
        CsvJobs.Result r = parse("document_source,document_number\n");
        assertThat(r.ok()).isTrue();
        assertThat(r.jobs()).isEmpty();
    }

    @Test
    void bytesThatAreNotUtf8AreAnErrorNamingEachLine() {
        byte[] latin1 = "document_source,document_number\nSoci\u00e9t\u00e9,1\nok,2\nCaf\u00e9,3\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        CsvJobs.Result r = CsvJobs.parse(latin1);
        assertThat(r.jobs()).isEmpty();
        assertThat(r.errors()).containsExactly(
                "line 2: not valid UTF-8 (byte 0xE9 at byte 5 of the line); save the file as UTF-8",
                "line 4: not valid UTF-8 (byte 0xE9 at byte 4 of the line); save the file as UTF-8");
        byte[] truncated = {'a', ',', (byte) 0xC3};
        assertThat(CsvJobs.parse(truncated).errors()).singleElement().asString().startsWith("line 1: not valid UTF-8");
    }

    @Test
    void aRunAfterOutsideTheSupportedRangeIsReportedWithItsLine() {
        CsvJobs.Result r = parse("document_source,document_number,run_after\n"
                + "a,1,2026-01-31T08:00:00Z\n"
                + "a,2,+10000-01-01T00:00:00Z\n"
                + "a,3,1969-12-31T23:59:59Z\n");
        assertThat(r.errors()).containsExactly(
                "line 3: runAfter must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z but was"
                        + " +10000-01-01T00:00:00Z",
                "line 4: runAfter must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z but was"
                        + " 1969-12-31T23:59:59Z");
        assertThat(r.jobs()).isEmpty();
    }
}
