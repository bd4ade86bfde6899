package dev.docket.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.web.DashboardAuth;
import dev.docket.web.DocketDashboard;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The queue-web dashboard from docket.dashboard.*: started on the application's store, stopped on close. */
class DocketDashboardConfigurationTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withConfiguration(DocketAutoConfigurationTest.DOCKET)
                .withConfiguration(AutoConfigurations.of(DocketDashboardAutoConfiguration.class));
    }

    private static HttpResponse<String> get(URI uri, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void enabledItAnswersOnALoopbackPortAndStopsWhenTheContextCloses() {
        AtomicReference<URI> url = new AtomicReference<>();
        runner().withPropertyValues("docket.dashboard.enabled=true", "docket.dashboard.port=0").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(DocketDashboard.class);
            DocketDashboard dashboard = context.getBean(DocketDashboard.class);
            url.set(dashboard.url());
            assertThat(dashboard.url().getHost()).isEqualTo("127.0.0.1");
            HttpResponse<String> overview = get(dashboard.url(), null);
            assertThat(overview.statusCode()).isEqualTo(200);
            assertThat(overview.body()).contains("Docket");
        });
        assertThatThrownBy(() -> get(url.get(), null)).isInstanceOf(IOException.class);
    }

    @Test
    void bearerAuthRefusesRequestsWithoutTheToken() {
        String token = "0123456789abcdef-token";
        runner().withPropertyValues("docket.dashboard.enabled=true", "docket.dashboard.port=0",
                "docket.dashboard.auth=bearer", "docket.dashboard.token=" + token, "docket.dashboard.role=operator")
                .run(context -> {
                    URI url = context.getBean(DocketDashboard.class).url();
                    assertThat(get(url, null).statusCode()).isEqualTo(401);
                    assertThat(get(url, "Bearer " + token).statusCode()).isEqualTo(200);
                });
    }

    @Test
    void basicUsersSignInWithTheirPbkdf2Hash() {
        String hash = DashboardAuth.hashPassword("s3cret-pass".toCharArray());
        runner().withPropertyValues("docket.dashboard.enabled=true", "docket.dashboard.port=0",
                "docket.dashboard.auth=basic", "docket.dashboard.users.ops.password-hash=" + hash,
                "docket.dashboard.users.ops.role=operator").run(context -> {
                    URI url = context.getBean(DocketDashboard.class).url();
                    assertThat(get(url, null).statusCode()).isEqualTo(401);
                    String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("ops:s3cret-pass".getBytes());
                    assertThat(get(url, basic).statusCode()).isEqualTo(200);
                });
    }

    @Test
    void absentWhenDisabledOrWithoutQueueWeb() {
        runner().withPropertyValues("docket.dashboard.port=0")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DocketDashboard.class));
        runner().withPropertyValues("docket.dashboard.enabled=false", "docket.dashboard.port=0")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DocketDashboard.class));
        runner().withClassLoader(new FilteredClassLoader(DocketDashboard.class))
                .withPropertyValues("docket.dashboard.enabled=true", "docket.dashboard.port=0")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("docketDashboard"));
    }

    @Test
    void badDashboardPropertiesFailStartUpNamingTheProperty() {
        assertFails("docket.dashboard.port=70000", "docket.dashboard.port", "0-65535");
        assertFails("docket.dashboard.bind=0.0.0.0", "docket.dashboard.bind", "auth=basic or bearer");
        assertFails("docket.dashboard.refresh=10ms", "docket.dashboard.refresh", "1s-1h");
        assertFails("docket.dashboard.auth=bearer", "docket.dashboard.token", "16 characters");
        assertFails("docket.dashboard.auth=basic", "docket.dashboard.users", "at least one user");
        runner().withPropertyValues("docket.dashboard.enabled=true", "docket.dashboard.port=0",
                "docket.dashboard.auth=basic", "docket.dashboard.users.ops.password-hash=plain-password")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                        .hasMessageContaining("docket.dashboard.users.ops.password-hash")
                        .hasMessageNotContaining("plain-password"));
    }

    private void assertFails(String property, String named, String reason) {
        runner().withPropertyValues("docket.dashboard.enabled=true", "docket.dashboard.port=0", property)
                .run(context -> assertThat(context).getFailure().rootCause()
                        .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                        .hasMessageContaining(named).hasMessageContaining(reason));
    }
}
