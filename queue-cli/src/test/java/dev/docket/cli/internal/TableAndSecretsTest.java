package dev.docket.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TableAndSecretsTest {

    static String print(Table t) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        t.print(new PrintStream(buf, true, StandardCharsets.UTF_8), "  ");
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void alignsColumnsTextLeftNumbersRight() {
        Table t = new Table("ID", "NAME", "RATE", "NOTE");
        t.row(7, "short", "7.5%", null);
        t.row(1234, "a longer name", "12.0%", null);
        assertThat(print(t)).isEqualTo(""
                + "    ID  NAME            RATE  NOTE\n"
                + "     7  short           7.5%  -\n"
                + "  1234  a longer name  12.0%  -\n");
    }

    @Test
    void controlCharactersAndTerminalEscapesBecomeSpacesAndLongCellsAreCut() {
        Table t = Table.keyValues();
        t.row("error", "line1\nline2\u001b[31mred");
        t.row("long", "x".repeat(300));
        String out = print(t);
        assertThat(out).doesNotContain("\u001b").contains("line1 line2 [31mred");
        assertThat(out.lines().toList().get(1)).hasSize(2 + "error".length() + 2 + Table.MAX_CELL).endsWith("x…");
        assertThat(out).doesNotStartWith("  \n");
    }

    @Test
    void secretsMaskUrlsSqlAndKnownPasswordsLongestFirst() {
        Secrets s = new Secrets("hunter2hunter2", "hunter2", null, "ab");
        assertThat(s.mask("jdbc:postgresql://h/db?user=u&password=x1")).isEqualTo("jdbc:postgresql://h/db?user=u&password=***");
        assertThat(s.mask("ALTER ROLE app PASSWORD 'it''s'")).isEqualTo("ALTER ROLE app PASSWORD '***'");
        assertThat(s.mask("auth failed: hunter2hunter2 / hunter2")).isEqualTo("auth failed: *** / ***");
        assertThat(s.mask("about tabs")).as("secrets shorter than 4 characters are not searched").isEqualTo("about tabs");
        assertThat(s.mask(null)).isNull();
    }

    /** Secret texts with every character that ends a naive pattern: quotes, separators, brackets, URL delimiters. */
    static final String[] HARD_SECRETS = {"se,cr)et", "p@ss/w0rd", "a'b''c", "x;y&z=w", "sp ace(d)", "back\\slash",
        "$dollar$", "semi;colon", "quo\"te", "h#sh?q"};

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "ALTER ROLE app PASSWORD 'se,cr)et@/x''y' VALID UNTIL 'infinity'",
        "alter role app with encrypted password 'p@ss/w0rd'",
        "ALTER ROLE app PASSWORD $$se,cr)et@/x'$$",
        "ALTER ROLE app PASSWORD $tag$se,cr$)et$tag$",
        "ALTER ROLE app PASSWORD E'se\\'cr,et'",
        "ALTER ROLE app PASSWORD e'se\\\\'",
        "ALTER ROLE app PASSWORD U&'se\\0063r,et'",
        "CREATE ROLE app LOGIN PASSWORD /* note */ 'se,cr)et'",
        "CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'app', password 'se,cr)et')",
        "ALTER ROLE app PASSWORD 'se,cr)et and the text was cut by track_activity_query_size",
        "ALTER ROLE app PASSWORD $x$se,cr)et cut",
        "SELECT dblink_connect('host=h password=se,cr)et dbname=d')",
        "SELECT dblink_connect('host=h password=''se,cr)et'' dbname=d')",
        "connection refused: jdbc:postgresql://db/app?user=u&password=se,cr)et&ssl=true",
        "postgresql://app:se,cr)et@db:5432/app",
        "postgresql://app:p@ss/w0rd@db:5432/app",
        "jdbc:postgresql://app:se,cr)et@db/app",
    })
    void secretsMaskPasswordsWhateverTheirCharactersAndQuoting(String text) {
        String masked = new Secrets().mask(text);
        assertThat(masked).as(text).contains("***").doesNotContain("se,cr").doesNotContain("cr)et")
                .doesNotContain("ss/w0").doesNotContain("0063r").doesNotContain("cr,et").doesNotContain("se\\");
    }

    @Test
    void secretsLeaveTheRestOfTheTextAlone() {
        Secrets s = new Secrets();
        assertThat(s.mask("ALTER ROLE app PASSWORD 'x' VALID UNTIL '2030-01-01'"))
                .isEqualTo("ALTER ROLE app PASSWORD '***' VALID UNTIL '2030-01-01'");
        assertThat(s.mask("ALTER ROLE app PASSWORD $$x$$; SELECT 1")).isEqualTo("ALTER ROLE app PASSWORD '***'; SELECT 1");
        assertThat(s.mask("ALTER ROLE app PASSWORD NULL")).isEqualTo("ALTER ROLE app PASSWORD NULL");
        assertThat(s.mask("FATAL: password authentication failed for user \"app\""))
                .isEqualTo("FATAL: password authentication failed for user \"app\"");
        assertThat(s.mask("SELECT password_hash FROM users WHERE id = 1"))
                .isEqualTo("SELECT password_hash FROM users WHERE id = 1");
        assertThat(s.mask("jdbc:postgresql://db:5432/app?user=me@corp.example&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/app?user=me@corp.example&ssl=true");
        assertThat(s.mask("see https://registry.example/@scope/pkg")).isEqualTo("see https://registry.example/@scope/pkg");
    }

    @Test
    void hostileTextIsMaskedInLinearTime() {
        String hostile = "-".repeat(200_000) + " " + "a".repeat(200_000) + " password=" + "x".repeat(100_000);
        assertThat(new Secrets().mask(hostile)).endsWith("password=***");
    }

    @Test
    void knownPasswordsWithAnyCharacterAreMaskedVerbatimAndUrlEncoded() {
        for (String secret : HARD_SECRETS) {
            Secrets s = new Secrets(secret);
            String encoded = java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8);
            assertThat(s.mask("auth failed for " + secret + " / " + encoded + " end"))
                    .as(secret).isEqualTo("auth failed for *** / *** end");
        }
    }

    @Test
    void passwordsInArgumentsAreFoundWhateverTheirCharacters() {
        for (String secret : HARD_SECRETS) {
            if (secret.contains("?") || secret.contains("#")) {
                continue; // unencoded, these end a URL's authority for every parser: not a user info password
            }
            Secrets inUrl = ConnectionSettings.secretsIn(new String[] {"--jdbc-url",
                "jdbc:postgresql://u:" + secret + "@h/db"}, java.util.Map.of());
            assertThat(inUrl.mask("text " + secret + " text")).as(secret).isEqualTo("text *** text");
            Secrets inEnvUrl = ConnectionSettings.secretsIn(new String[0],
                    java.util.Map.of("DOCKET_JDBC_URL", "jdbc:postgresql://u:" + secret + "@h/db"));
            assertThat(inEnvUrl.mask("text " + secret + " text")).as(secret).isEqualTo("text *** text");
        }
    }

    @Test
    void secretsAreFoundInArgumentsAndTheEnvironment() {
        Secrets s = ConnectionSettings.secretsIn(new String[] {"--password", "pw-option", "--password=pw-equals",
                "--jdbc-url", "jdbc:postgresql://h/db?user=u&password=p%40ram"},
                java.util.Map.of("DOCKET_DB_PASSWORD", "pw-env", "DOCKET_JDBC_URL", "jdbc:postgresql://u:pw-info@h/db"));
        assertThat(s.mask("pw-option pw-equals p@ram p%40ram pw-env pw-info")).isEqualTo("*** *** *** *** *** ***");
        Secrets malformed = ConnectionSettings.secretsIn(new String[] {"--jdbc-url",
            "jdbc:postgresql://h/db?password=100%zz"}, java.util.Map.of());
        assertThat(malformed.mask("was 100%zz")).isEqualTo("was ***");
    }
}
