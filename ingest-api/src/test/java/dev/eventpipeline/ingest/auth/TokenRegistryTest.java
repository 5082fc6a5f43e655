package dev.eventpipeline.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenRegistryTest {

    @TempDir
    Path dir;

    @Test
    void created_token_is_stored_only_as_its_sha256_digest_and_authenticates() throws Exception {
        Path file = dir.resolve("tokens.json");
        String token = TokenCommand.createToken(file, "ws-a", "app-a", Set.of("write"), 600, "2.11");
        String second = TokenCommand.createToken(file, "ws-b", "app-b", Set.of("read", "write"), null, null);

        String stored = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(stored).doesNotContain(token).doesNotContain(second);
        String digest = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        assertThat(stored).contains(digest);

        TokenRegistry registry = TokenRegistry.load(file, null, "dev");
        assertThat(registry.size()).isEqualTo(2);
        ApiToken a = registry.authenticate("Bearer " + token).orElseThrow();
        assertThat(a.workspaceId()).isEqualTo("ws-a");
        assertThat(a.appId()).isEqualTo("app-a");
        assertThat(a.scopes()).containsExactly("write");
        assertThat(a.rateLimitPerMinute()).isEqualTo(600);
        assertThat(a.intercomVersion()).isEqualTo("2.11");
        assertThat(registry.authenticate("Bearer " + second).orElseThrow().workspaceId()).isEqualTo("ws-b");
        assertThat(registry.authenticate("Bearer " + token + "x")).isEmpty();
    }

    @Test
    void new_tokens_are_random_and_long() {
        String a = TokenCommand.newToken();
        String b = TokenCommand.newToken();
        assertThat(a).isNotEqualTo(b).startsWith("ep_").hasSizeGreaterThanOrEqualTo(40);
    }

    @Test
    void the_dev_token_is_registered_for_its_workspace_with_read_and_write() {
        TokenRegistry registry = TokenRegistry.load(null, "secret-dev", "dev");
        ApiToken t = registry.authenticate("Bearer secret-dev").orElseThrow();
        assertThat(t.workspaceId()).isEqualTo("dev");
        assertThat(t.scopes()).containsExactlyInAnyOrder("read", "write");
    }

    @Test
    void refuses_unknown_scopes_and_versions_when_creating() {
        Path file = dir.resolve("t.json");
        assertThatThrownBy(() -> TokenCommand.createToken(file, "w", "a", Set.of("admin"), null, null))
                .hasMessageContaining("admin");
        assertThatThrownBy(() -> TokenCommand.createToken(file, "w", "a", Set.of("read"), null, "9.9"))
                .hasMessageContaining("9.9");
        assertThat(file).doesNotExist();
    }

    @Test
    void a_malformed_registry_file_fails_with_its_name() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"tokens\":[{\"digest\":\"abc\",\"workspace_id\":\"w\",\"app_id\":\"a\"}]}");
        assertThatThrownBy(() -> TokenRegistry.load(file, null, "dev")).hasMessageContaining("digest");
        Files.writeString(file, "{not json");
        assertThatThrownBy(() -> TokenRegistry.load(file, null, "dev")).hasMessageContaining(file.toString());
    }

    @Test
    void parses_bearer_and_basic_headers() {
        assertThat(TokenRegistry.tokenOf("Bearer abc")).isEqualTo("abc");
        assertThat(TokenRegistry.tokenOf("Basic " + java.util.Base64.getEncoder().encodeToString("abc:".getBytes(StandardCharsets.UTF_8)))).isEqualTo("abc");
        assertThat(TokenRegistry.tokenOf("Basic " + java.util.Base64.getEncoder().encodeToString("abc:ignored".getBytes(StandardCharsets.UTF_8)))).isEqualTo("abc");
        assertThat(TokenRegistry.tokenOf("Digest abc")).isNull();
        assertThat(TokenRegistry.tokenOf(null)).isNull();
    }
}
