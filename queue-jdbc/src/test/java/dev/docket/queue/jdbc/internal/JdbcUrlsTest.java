package dev.docket.queue.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:postgresql://db:5432/app?user=app&password=s3cret|jdbc:postgresql://db:5432/app?user=app&password=***",
        "jdbc:postgresql://db/app?password=s3cret&ssl=true|jdbc:postgresql://db/app?password=***&ssl=true",
        "jdbc:postgresql://db/app?PASSWORD=s3cret|jdbc:postgresql://db/app?PASSWORD=***",
        "jdbc:postgresql://db/app?sslpassword=k3y&user=u|jdbc:postgresql://db/app?sslpassword=***&user=u",
        "jdbc:sqlserver://db;user=sa;password=s3cret;encrypt=true|jdbc:sqlserver://db;user=sa;password=***;encrypt=true",
        "postgresql://app:s3cret@db:5432/app|postgresql://app:***@db:5432/app",
        "jdbc:postgresql://app:s3cret@db/app?password=other|jdbc:postgresql://app:***@db/app?password=***",
        "jdbc:postgresql://db:5432/app?user=app|jdbc:postgresql://db:5432/app?user=app",
        "jdbc:postgresql://db:5432,db2:5432/app|jdbc:postgresql://db:5432,db2:5432/app",
    })
    void masksEveryPasswordAndLeavesTheRest(String url, String masked) {
        assertThat(JdbcUrls.mask(url)).isEqualTo(masked).doesNotContain("s3cret").doesNotContain("k3y");
    }

    @Test
    void masksPasswordsQuotedInsideMessages() {
        String message = "Connection to jdbc:postgresql://db/app?user=u&password=hunter2 refused";
        assertThat(JdbcUrls.mask(message)).isEqualTo("Connection to jdbc:postgresql://db/app?user=u&password=*** refused");
    }

    @Test
    void nullStaysNull() {
        assertThat(JdbcUrls.mask(null)).isNull();
    }
}
