package dev.docket.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.docket.extractor.playwright.FleetConfig;
import dev.docket.extractor.playwright.FormSearchFlow;
import dev.docket.extractor.playwright.PlaywrightConfig;
import dev.docket.extractor.playwright.PlaywrightExtractor;
import dev.docket.extractor.playwright.RegistryFlow;
import dev.docket.queue.ExtractionException;
import java.net.URLEncoder;
import java.time.Duration;
import java.util.List;

/**
 * Two registries wired into one {@link PlaywrightExtractor} (the README's "Extracting with
 * Playwright" snippets): registry A is a search form ({@link FormSearchFlow}), registry B needs a
 * login and has documents at known URLs (a custom {@link RegistryFlow}).
 */
public final class RegistryFlows {
    private RegistryFlows() {
    }

    /** Registry A: pick the register, type the number, submit, follow the document link. */
    public static RegistryFlow registryA(String baseUrl) {
        RegistryFlow registryA = FormSearchFlow.builder()
                .startUrl(baseUrl + "/search")
                .sourceField("#register")                 // optional: an <input> or <select>, filled with job.documentSource()
                .sourceValue("RCS")                       // optional: a fixed value instead of the source name
                .numberField("#number")                   // filled with job.documentNumber()
                .submit("button[type=submit]")
                .resultLink("a.document")                 // its href is fetched; without href it is clicked and the download taken
                .notFound(".no-results")                  // visible → ExtractionException PERMANENT
                .expectedContentTypes("application/pdf")  // anything else → PERMANENT
                .build();
        return registryA;
    }

    /** Registry B: log in once per browser session, then open the act's page and fetch its PDF. */
    public static RegistryFlow registryB(String baseUrl, String user, String password) {
        RegistryFlow registryB = (page, job, ctx) -> {
            page.navigate(baseUrl + "/login");
            if (page.locator("#logout").count() == 0) {               // the session may still be logged in
                page.fill("#user", user);
                page.fill("#password", password);
                page.click("#login");
            }
            ctx.checkpoint();                                         // stops here if the job was cancelled
            page.navigate(baseUrl + "/acts/" + URLEncoder.encode(job.documentNumber(), UTF_8));
            if (page.locator(".error-404").isVisible()) {
                throw ExtractionException.permanent("registry B has no act " + job.documentNumber());
            }
            String href = page.locator("a.pdf").first().getAttribute("href");
            return ctx.fetch(href, List.of("application/pdf"));      // or ctx.download(() -> page.click("#export"), types)
        };
        return registryB;
    }

    /** One extractor for both registries; {@code hostA}/{@code hostB} are what their pages may reach. */
    public static PlaywrightExtractor extractor(String baseA, String hostA, String baseB, String hostB) {
        PlaywrightConfig config = PlaywrightConfig.fromEnvironment()          // DOCKET_CHROMIUM_PATH, SESSION_TIMEOUT, ...
                .allowHosts("registry-a", hostA)
                .allowHosts("registry-b", hostB)
                .build();
        RegistryFlow registryA = registryA(baseA);
        RegistryFlow registryB = registryB(baseB, System.getenv().getOrDefault("REGISTRY_B_USER", "demo"),
                System.getenv().getOrDefault("REGISTRY_B_PASSWORD", "demo"));
        PlaywrightExtractor extractor = PlaywrightExtractor.builder(config)
                .flow("registry-a", registryA)
                .flow("registry-b", registryB)
                .defaultFlow(registryA)                               // optional: sources without their own flow
                .build();
        return extractor;
    }

    /** Browser recycling and the memory marks set in code (docs/playwright.md, "The browser fleet"). */
    public static PlaywrightConfig fleetConfig() {
        PlaywrightConfig config = PlaywrightConfig.builder()
                .allowHosts("registry-a", "registry-a.example")
                .fleet(FleetConfig.builder()
                        .browserMaxJobs(500)                          // retire a browser after 500 jobs
                        .browserIdleTimeout(Duration.ofMinutes(5))    // stop a browser without a job for 5 min
                        .memoryWaterMarks(0.90, 0.80)                 // hold claims above 90 % of the limit, resume below 80 %
                        .build())
                .build();
        return config;
    }
}
