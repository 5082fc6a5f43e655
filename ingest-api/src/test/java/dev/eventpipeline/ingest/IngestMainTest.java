package dev.eventpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.ingest.auth.ApiToken;
import dev.eventpipeline.ingest.auth.TokenRegistry;
import dev.eventpipeline.testing.ConsoleCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line of ingest-api.jar: the token command and start-up refusal of bad settings. */
class IngestMainTest {

    @TempDir
    Path dir;

    @Test
    void token_create_prints_a_token_once_that_the_written_registry_accepts() throws Exception {
        Path file = dir.resolve("tokens.json");
        ConsoleCapture.Result result = ConsoleCapture.run(() -> new CommandLine(new IngestMain()).execute("token", "create",
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
        ConsoleCapture.Result result = ConsoleCapture.run(() -> new CommandLine(new IngestMain()).execute("--set", "http.port=not-a-port"));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("http.port");
    }
}
