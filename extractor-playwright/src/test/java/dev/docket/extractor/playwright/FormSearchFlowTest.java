package dev.docket.extractor.playwright;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Builder validation; the flow itself runs against real chromium in {@link PlaywrightExtractorTest}. */
class FormSearchFlowTest {

    private static FormSearchFlow.Builder valid() {
        return FormSearchFlow.builder().startUrl("https://registry.example.org/search").numberField("#n").submit("#go").resultLink("a.doc");
    }

    @Test
    void aCompleteFlowBuilds() {
        assertThat(valid().notFound(".none").sourceField("#src").sourceValue("RCS").build().toString())
                .contains("registry.example.org").contains("application/pdf");
    }

    @Test
    void buildRejectsMissingOrBadSettingsNamingTheField() {
        assertThatThrownBy(() -> valid().startUrl("file:///etc/passwd").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("startUrl").hasMessageContaining("file:///etc/passwd");
        assertThatThrownBy(() -> valid().numberField(" ").build()).hasMessageContaining("numberField");
        assertThatThrownBy(() -> valid().submit(null).build()).hasMessageContaining("submit");
        assertThatThrownBy(() -> valid().resultLink(null).build()).hasMessageContaining("resultLink");
        assertThatThrownBy(() -> valid().sourceValue("RCS").build()).hasMessageContaining("sourceField");
        assertThatThrownBy(() -> valid().expectedContentTypes().build()).hasMessageContaining("expectedContentTypes");
        assertThatThrownBy(() -> valid().expectedContentTypes("pdf").build()).hasMessageContaining("'pdf'");
    }
}
