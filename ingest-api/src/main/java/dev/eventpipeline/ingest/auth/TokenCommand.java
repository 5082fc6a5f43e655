package dev.eventpipeline.ingest.auth;

import dev.eventpipeline.ingest.api.IntercomVersions;
import dev.eventpipeline.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The "create a token" command: makes a random token, appends its SHA-256 digest (never the token)
 * to the registry file and returns the token, which the caller prints once. Kept as a static method
 * so that both {@code ingest-api.jar token create} and the standalone launcher can expose it.
 */
public final class TokenCommand {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenCommand() {}

    /** A new token: {@code ep_} and 32 random bytes, base64url (256 bits; unguessable, safe in headers). */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "ep_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Creates a token for {@code workspaceId}/{@code appId} with {@code scopes}, stores its digest in
     * {@code file} (created if missing, replaced atomically) and returns the token in clear.
     * {@code rateLimitPerMinute} and {@code intercomVersion} may be null (service defaults).
     */
    public static synchronized String createToken(Path file, String workspaceId, String appId, Set<String> scopes,
                                                  Integer rateLimitPerMinute, String intercomVersion) {
        for (String scope : scopes) {
            if (!scope.equals(ApiToken.READ) && !scope.equals(ApiToken.WRITE)) {
                throw new IllegalArgumentException("unknown scope '" + scope + "': use read and/or write");
            }
        }
        if (intercomVersion != null && !IntercomVersions.isValid(intercomVersion)) {
            throw new IllegalArgumentException("unknown Intercom-Version '" + intercomVersion + "'");
        }
        WorkspaceIds.requireValid(workspaceId);
        String token = newToken();
        List<ApiToken> tokens = new ArrayList<>(TokenRegistry.readFile(file).tokens());
        tokens.add(new ApiToken(TokenRegistry.digestHex(token), workspaceId, appId, Set.copyOf(scopes), rateLimitPerMinute, intercomVersion));
        new TokenRegistry(tokens); // validates the whole registry before it is written
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".tokens", ".tmp");
            Files.write(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(new TokenRegistry.TokenFile(tokens)));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write token file " + file, e);
        }
        return token;
    }
}
