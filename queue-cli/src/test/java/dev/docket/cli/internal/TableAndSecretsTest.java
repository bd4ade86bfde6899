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

    @Test
    void secretsAreFoundInArgumentsAndTheEnvironment() {
        Secrets s = ConnectionSettings.secretsIn(new String[] {"--password", "pw-option", "--password=pw-equals",
                "--jdbc-url", "jdbc:postgresql://h/db?user=u&password=p%40ram"},
                java.util.Map.of("DOCKET_DB_PASSWORD", "pw-env", "DOCKET_JDBC_URL", "jdbc:postgresql://u:pw-info@h/db"));
        assertThat(s.mask("pw-option pw-equals p@ram p%40ram pw-env pw-info")).isEqualTo("*** *** *** *** *** ***");
    }
}
