package dev.eventpipeline.ingest.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.eventpipeline.common.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tokens this instance accepts, held only as SHA-256 digests.
 *
 * <p>{@link #authenticate} hashes the presented token and compares it with every registered digest
 * using {@link MessageDigest#isEqual} (constant time) and without stopping at the first match, so the
 * time taken says nothing about which digest, or how much of one, matched. Registries hold a handful to
 * a few hundred tokens; a full scan of 32-byte digests costs microseconds.
 */
public final class TokenRegistry {

    /** The file format: {@code {"tokens":[{"digest":"<hex>","workspace_id":…}]}}. */
    public record TokenFile(List<ApiToken> tokens) {}

    private final List<ApiToken> tokens;
    private final byte[][] digests;

    public TokenRegistry(List<ApiToken> tokens) {
        this.tokens = List.copyOf(tokens);
        this.digests = new byte[tokens.size()][];
        for (int i = 0; i < tokens.size(); i++) {
            ApiToken t = tokens.get(i);
            if (t.digest() == null || t.workspaceId() == null || t.workspaceId().isBlank() || t.appId() == null || t.appId().isBlank()) {
                throw new IllegalArgumentException("token entry " + i + " needs digest, workspace_id and app_id");
            }
            if (!WorkspaceIds.isValid(t.workspaceId())) {
                throw new IllegalArgumentException("token entry " + i + " (app_id " + t.appId() + "): workspace_id '" + t.workspaceId()
                        + "' is not valid: it must be " + WorkspaceIds.RULE);
            }
            try {
                digests[i] = HexFormat.of().parseHex(t.digest().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("token entry " + i + ": digest is not hex", e);
            }
            if (digests[i].length != 32) {
                throw new IllegalArgumentException("token entry " + i + ": digest must be 64 hex digits of SHA-256");
            }
        }
    }

    /**
     * The tokens of {@code file} (when given) plus the dev token (when given). A bad entry of the file
     * fails with a message naming the file and the entry, so start-up stops before serving anyone.
     */
    public static TokenRegistry load(Path file, String devToken, String devWorkspace) {
        List<ApiToken> all = new ArrayList<>();
        if (file != null) {
            List<ApiToken> fromFile = readFile(file).tokens();
            try {
                new TokenRegistry(fromFile);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("token file " + file + ": " + e.getMessage(), e);
            }
            all.addAll(fromFile);
        }
        if (devToken != null) {
            all.add(new ApiToken(digestHex(devToken), devWorkspace, devWorkspace, Set.of(ApiToken.READ, ApiToken.WRITE), null, null));
        }
        return new TokenRegistry(all);
    }

    public static TokenFile readFile(Path file) {
        if (!Files.exists(file)) {
            return new TokenFile(List.of());
        }
        try {
            TokenFile parsed = Json.mapper().readValue(file.toFile(), new TypeReference<TokenFile>() {});
            return parsed.tokens() == null ? new TokenFile(List.of()) : parsed;
        } catch (IOException e) {
            throw new IllegalArgumentException("token file " + file + " is not a valid token registry: " + e.getMessage(), e);
        }
    }

    public int size() {
        return tokens.size();
    }

    /** The token an {@code Authorization} header carries, if it is registered. Never logs the header. */
    public Optional<ApiToken> authenticate(String authorizationHeader) {
        String presented = tokenOf(authorizationHeader);
        if (presented == null) {
            return Optional.empty();
        }
        byte[] digest = digest(presented);
        ApiToken found = null;
        for (int i = 0; i < digests.length; i++) {
            if (MessageDigest.isEqual(digests[i], digest) && found == null) {
                found = tokens.get(i);
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * The token in {@code Bearer <token>} or {@code Basic base64(<token>:)} (what legacy Intercom
     * clients send; a password, if any, is ignored as Intercom does). Scheme names are case-insensitive.
     */
    static String tokenOf(String header) {
        if (header == null) {
            return null;
        }
        String trimmed = header.trim();
        int space = trimmed.indexOf(' ');
        if (space <= 0) {
            return null;
        }
        String scheme = trimmed.substring(0, space).toLowerCase(Locale.ROOT);
        String credentials = trimmed.substring(space + 1).trim();
        if (credentials.isEmpty()) {
            return null;
        }
        if (scheme.equals("bearer")) {
            return credentials;
        }
        if (scheme.equals("basic")) {
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(credentials);
            } catch (IllegalArgumentException e) {
                return null; // not base64: treated as no token, which is a 401
            }
            String userPass = new String(decoded, StandardCharsets.UTF_8);
            int colon = userPass.indexOf(':');
            String user = colon < 0 ? userPass : userPass.substring(0, colon);
            return user.isEmpty() ? null : user;
        }
        return null;
    }

    public static String digestHex(String token) {
        return HexFormat.of().formatHex(digest(token));
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** For logs: how many tokens per workspace, never a digest. */
    public Map<String, Long> countByWorkspace() {
        Map<String, Long> out = new java.util.TreeMap<>();
        tokens.forEach(t -> out.merge(t.workspaceId(), 1L, Long::sum));
        return out;
    }
}
