package dev.docket.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which password the CLI connects with: --password, --password-file, --password-stdin or the environment. */
class ConnectionSettingsTest {
    static final Map<String, String> ENV = Map.of(ConnectionSettings.ENV_URL, "jdbc:postgresql://127.0.0.1:5432/test",
            ConnectionSettings.ENV_PASSWORD, "from-env");

    @TempDir
    Path dir;

    static InputStream stdin(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    static ConnectionSettings resolve(CommonOptions primary, CommonOptions fallback, String stdin) {
        return ConnectionSettings.resolve(primary, fallback, ENV, stdin(stdin));
    }

    @Test
    void theFileGivesItsFirstLineWithoutLineEnd() throws IOException {
        Path file = dir.resolve("pw");
        Files.writeString(file, " sp,ace)d@/pw \r\nsecond line\n");
        CommonOptions o = new CommonOptions();
        o.passwordFile = file;

        assertThat(resolve(o, new CommonOptions(), "").password()).isEqualTo(" sp,ace)d@/pw ");
        assertThat(resolve(new CommonOptions(), o, "").password()).as("given before the command").isEqualTo(" sp,ace)d@/pw ");
    }

    @Test
    void standardInputGivesItsFirstLine() {
        CommonOptions o = new CommonOptions();
        o.passwordStdin = true;

        assertThat(resolve(o, new CommonOptions(), "pw-from-stdin\nnext").password()).isEqualTo("pw-from-stdin");
        assertThat(resolve(o, new CommonOptions(), "no-newline").password()).isEqualTo("no-newline");
        assertThatThrownBy(() -> resolve(o, new CommonOptions(), "")).isInstanceOf(CliException.class)
                .hasMessage("--password-stdin: standard input is empty: its first line must be the password");
    }

    @Test
    void theOptionThenTheEnvironment() {
        CommonOptions o = new CommonOptions();
        o.password = "from-option";
        assertThat(resolve(o, new CommonOptions(), "").password()).isEqualTo("from-option");
        assertThat(resolve(new CommonOptions(), new CommonOptions(), "ignored").password()).isEqualTo("from-env");
    }

    @Test
    void severalPasswordOptionsOrABadFileAreErrors() throws IOException {
        CommonOptions o = new CommonOptions();
        o.password = "p";
        CommonOptions before = new CommonOptions();
        before.passwordStdin = true;
        assertThatThrownBy(() -> resolve(o, before, "x")).isInstanceOf(CliException.class)
                .hasMessage("give only one of --password, --password-file and --password-stdin");

        CommonOptions missing = new CommonOptions();
        missing.passwordFile = dir.resolve("nope");
        assertThatThrownBy(() -> resolve(missing, new CommonOptions(), "")).isInstanceOf(CliException.class)
                .hasMessageStartingWith("--password-file: cannot read " + dir.resolve("nope"));

        Path big = dir.resolve("big");
        Files.write(big, new byte[ConnectionSettings.MAX_PASSWORD_BYTES + 1]);
        CommonOptions huge = new CommonOptions();
        huge.passwordFile = big;
        assertThatThrownBy(() -> resolve(huge, new CommonOptions(), "")).isInstanceOf(CliException.class)
                .hasMessageContaining("must hold at most " + ConnectionSettings.MAX_PASSWORD_BYTES + " bytes");
    }

    @Test
    void aPasswordReadLaterIsMaskedToo() {
        Secrets s = new Secrets("known-one").with("read,from)file");
        assertThat(s.mask("a known-one b read,from)file c read%2Cfrom%29file")).isEqualTo("a *** b *** c ***");
    }
}
