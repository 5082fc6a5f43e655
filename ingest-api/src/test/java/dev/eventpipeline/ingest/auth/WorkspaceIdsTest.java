package dev.eventpipeline.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventpipeline.ingest.IngestConfig;
import dev.eventpipeline.ingest.IngestMain;
import dev.eventpipeline.testing.ConsoleCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * A workspace id cannot hold ':' (record keys are split at their first ':') or anything outside the rule of
 * {@link WorkspaceIds}, wherever one is made: {@code token create}, the registry file, {@code auth.dev.workspace}.
 */
class WorkspaceIdsTest {

    /** Each breaks the rule in one way: the separator, the NUL of the event id, whitespace, non-ASCII, empty, too long. */
    private static final String[] BAD = {"org:eu", ":", "a\u0000b", "ac me", " acme", "acme\n", "äcme", "", "x".repeat(65)};

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"acme", "dev", "ws-1", "Org_EU.2", "ecahpwf5", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"})
    void accepts_letters_digits_dashes_underscores_and_dots(String id) {
        assertThat(WorkspaceIds.isValid(id)).isTrue();
    }

    @Test
    void refuses_a_colon_and_every_other_character_outside_the_rule() {
        assertThat(WorkspaceIds.isValid("x".repeat(64))).as("the longest allowed").isTrue();
        for (String bad : BAD) {
            assertThat(WorkspaceIds.isValid(bad)).as("'%s'", bad).isFalse();
        }
        assertThat(WorkspaceIds.isValid(null)).isFalse();
    }

    @Test
    void token_create_refuses_a_bad_workspace_id_with_a_usage_error_and_writes_nothing() {
        Path file = dir.resolve("tokens.json");
        ConsoleCapture.Result result = ConsoleCapture.run(() -> new CommandLine(new IngestMain()).execute("token", "create",
                "--file", file.toString(), "--workspace", "org:eu"));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("workspace id 'org:eu' is not valid").contains(WorkspaceIds.RULE);
        assertThat(result.stdout()).doesNotContain("ep_");
        assertThat(file).doesNotExist();
        for (String bad : BAD) {
            assertThatThrownBy(() -> TokenCommand.createToken(file, bad, "app", Set.of(ApiToken.WRITE), null, null))
                    .as("'%s'", bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workspace id");
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void a_registry_file_with_a_bad_workspace_id_fails_loading_naming_the_file_and_the_entry() throws Exception {
        Path file = dir.resolve("tokens.json");
        TokenCommand.createToken(file, "first", "app-first", Set.of(ApiToken.WRITE), null, null);
        TokenCommand.createToken(file, "second", "app-second", Set.of(ApiToken.WRITE), null, null);
        // Written by hand or by an older version: the second entry's workspace holds a ':'.
        String written = Files.readString(file);
        Files.writeString(file, written.replace("\"workspace_id\" : \"second\"", "\"workspace_id\" : \"org:eu\""));
        assertThat(Files.readString(file)).contains("org:eu");

        assertThatThrownBy(() -> TokenRegistry.load(file, null, "dev"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("token entry 1").hasMessageContaining("app_id app-second")
                .hasMessageContaining("'org:eu'").hasMessageContaining(WorkspaceIds.RULE);
    }

    @Test
    void auth_dev_workspace_with_a_bad_id_fails_the_configuration_naming_the_key() {
        for (String bad : BAD) {
            if (WorkspaceIds.isValid(bad.trim())) {
                continue; // Kafka's ConfigDef trims string settings: " acme" is the valid "acme", checked below
            }
            assertThatThrownBy(() -> new IngestConfig(Map.of(IngestConfig.AUTH_DEV_WORKSPACE, bad)))
                    .as("'%s'", bad).isInstanceOf(ConfigException.class).hasMessageContaining(IngestConfig.AUTH_DEV_WORKSPACE);
        }
        assertThat(new IngestConfig(Map.of(IngestConfig.AUTH_DEV_WORKSPACE, "ws-it")).devWorkspace()).isEqualTo("ws-it");
        assertThat(new IngestConfig(Map.of(IngestConfig.AUTH_DEV_WORKSPACE, " acme\n")).devWorkspace()).isEqualTo("acme");
    }
}
