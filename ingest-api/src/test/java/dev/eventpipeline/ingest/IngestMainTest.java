package dev.eventpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.config.CommandLines;
import dev.eventpipeline.ingest.auth.ApiToken;
import dev.eventpipeline.ingest.auth.TokenRegistry;
import dev.eventpipeline.testing.ConsoleCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line of ingest-api.jar: the token command and start-up refusal of bad settings. */
class IngestMainTest {

    @TempDir
    Path dir;

    @Test
    void token_create_prints_a_token_once_that_the_written_registry_accepts() throws Exception {
        Path file = dir.resolve("tokens.json");
        ConsoleCapture.Result result = ConsoleCapture.run(() -> CommandLines.create(new IngestMain()).execute("token", "create",
                "--file", file.toString(), "--workspace", "acme", "--app", "billing", "--scopes", "write", "--rate-limit", "600"));
        assertThat(result.exitCode()).isZero();
        String token = result.stdout().trim();
        assertThat(Files.readString(file)).doesNotContain(token);
        ApiToken t = TokenRegistry.load(file, null, "dev").authenticate("Bearer " + token).orElseThrow();
        assertThat(t.workspaceId()).isEqualTo("acme");
        assertThat(t.appId()).isEqualTo("billing");
        assertThat(t.scopes()).containsExactly("write");
        assertThat(t.rateLimitPerMinute()).isEqualTo(600);
    }

    @Test
    void a_bad_setting_stops_start_up_with_exit_code_2_naming_the_key() {
        ConsoleCapture.Result result = ConsoleCapture.run(() -> CommandLines.create(new IngestMain()).execute("--set", "http.port=not-a-port"));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr().lines()).singleElement().asString().contains("http.port");
    }

    @Test
    void a_misspelt_key_stops_start_up_with_exit_code_2_naming_it_and_the_key_meant() {
        ConsoleCapture.Result result = ConsoleCapture.run(() -> CommandLines.create(new IngestMain())
                .execute("--set", "rate.limit.app.per.minit=5"));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).isEqualTo("ingest-api: unknown setting 'rate.limit.app.per.minit' in --set;"
                + " did you mean 'rate.limit.app.per.minute'?" + System.lineSeparator());
    }

    @Test
    void a_misspelt_key_in_the_config_file_is_refused_too() throws Exception {
        Path file = dir.resolve("ingest.properties");
        Files.writeString(file, "rate.limit.app.per.minute=600\ncontacts.mod=trust\n");
        ConsoleCapture.Result result = ConsoleCapture.run(() -> CommandLines.create(new IngestMain()).execute("--config", file.toString()));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("'contacts.mod'", file.toString(), "'contacts.mode'");
    }

    @Test
    void settings_come_from_the_file_the_environment_and_set_in_rising_precedence() throws Exception {
        Path file = dir.resolve("ingest.properties");
        Files.writeString(file, "rate.limit.app.per.minute=600\nhttp.port=1000\ncontacts.mode=trust\n");
        IngestMain main = new IngestMain();
        CommandLines.create(main).parseArgs("--config", file.toString(), "--set", "http.port=3000");
        IngestConfig config = main.config(Map.of("HTTP_PORT", "2000", "RATE_LIMIT_APP_PER_MINUTE", "1200"));
        assertThat(config.httpPort()).isEqualTo(3000);
        assertThat(config.getInt(IngestConfig.RATE_LIMIT_APP_PER_MINUTE)).isEqualTo(1200);
        assertThat(config.trustMode()).isTrue();
    }
}
