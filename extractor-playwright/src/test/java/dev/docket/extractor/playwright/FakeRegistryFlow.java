package dev.docket.extractor.playwright;

import dev.docket.testing.FakeRegistry;

/** The {@link FormSearchFlow} for queue-testing's {@link FakeRegistry} site. */
final class FakeRegistryFlow {
    private FakeRegistryFlow() {
    }

    /** A search flow for {@code registry}: its search page, its form fields, its result link and not-found marker. */
    static FormSearchFlow.Builder searchFlow(FakeRegistry registry) {
        return FormSearchFlow.builder()
                .startUrl(registry.searchUrl())
                .sourceField(FakeRegistry.SOURCE_FIELD)
                .numberField(FakeRegistry.NUMBER_FIELD)
                .submit(FakeRegistry.SUBMIT)
                .resultLink(FakeRegistry.RESULT_LINK)
                .notFound(FakeRegistry.NOT_FOUND)
                .expectedContentTypes("application/pdf");
    }
}
