package dev.eventpipeline.ingest.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Set;

/**
 * One entry of the token registry: the SHA-256 digest of the token (hex), never the token itself,
 * and what the token may do. {@code rateLimitPerMinute} and {@code intercomVersion} may be null
 * (the service's defaults apply).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiToken(
        String digest,
        String workspaceId,
        String appId,
        Set<String> scopes,
        Integer rateLimitPerMinute,
        String intercomVersion) {

    public static final String READ = "read";
    public static final String WRITE = "write";

    public boolean allows(String scope) {
        return scopes != null && scopes.contains(scope);
    }
}
