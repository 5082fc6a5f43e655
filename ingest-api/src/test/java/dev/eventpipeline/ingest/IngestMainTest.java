package dev.eventpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.ingest.auth.ApiToken;
import dev.eventpipeline.ingest.auth.TokenRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = new CommandLine(new IngestMain()).execute("token", "create", "--file", file.toString(),
                    "--workspace", "acme", "--app", "billing", "--scopes", "write", "--rate-limit", "600");
        } finally {
            System.setOut(original);
        }
        assertThat(code).isZero();
        String token = out.toString(StandardCharsets.UTF_8).trim();
        assertThat(Files.readString(file)).doesNotContain(token);
        ApiToken t = TokenRegistry.load(file, null, "dev").authenticate("Bearer " + token).orElseThrow();
        assertThat(t.workspaceId()).isEqualTo("acme");
        assertThat(t.appId()).isEqualTo("billing");
        assertThat(t.scopes()).containsExactly("write");
        assertThat(t.rateLimitPerMinute()).isEqualTo(600);
    }

    @Test
    void a_bad_setting_stops_start_up_with_exit_code_2_naming_the_key() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = new CommandLine(new IngestMain()).execute("--set", "http.port=not-a-port");
        } finally {
            System.setErr(original);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("http.port");
    }
}
