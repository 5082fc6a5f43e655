package dev.eventpipeline.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.ingest.auth.ApiToken;
import dev.eventpipeline.ingest.auth.TokenRegistry;
import dev.eventpipeline.testing.ConsoleCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code event-pipeline.jar token create}: ingest-api's token options, the registry in the data directory. */
class TokenCreateTest {

    @TempDir
    Path dir;

    @Test
    void token_create_writes_the_digest_to_the_data_directory_with_every_option_of_ingest_api() throws Exception {
        ConsoleCapture.Result result = ConsoleCapture.run(() -> new CommandLine(new StandaloneMain()).execute("token", "create",
                "--data-dir", dir.toString(), "--workspace", "acme", "--app", "billing", "--scopes", "write", "--rate-limit", "600",
                "--intercom-version", "2.11"));
        assertThat(result.exitCode()).isZero();
        String token = result.stdout().trim();
        Path file = dir.resolve(TokenCreate.FILE);
        assertThat(Files.readString(file)).doesNotContain(token);
        ApiToken t = TokenRegistry.load(file, null, "dev").authenticate("Bearer " + token).orElseThrow();
        assertThat(t.workspaceId()).isEqualTo("acme");
        assertThat(t.appId()).isEqualTo("billing");
        assertThat(t.scopes()).containsExactly("write");
        assertThat(t.rateLimitPerMinute()).isEqualTo(600);
        assertThat(t.intercomVersion()).isEqualTo("2.11");
    }

    @Test
    void an_unknown_scope_fails_the_command_and_writes_nothing() {
        ConsoleCapture.Result result = ConsoleCapture.run(() -> new CommandLine(new StandaloneMain()).execute("token", "create",
                "--data-dir", dir.toString(), "--workspace", "acme", "--scopes", "admin"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("admin");
        assertThat(dir.resolve(TokenCreate.FILE)).doesNotExist();
    }
}
