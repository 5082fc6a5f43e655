package dev.eventpipeline.ingest.auth;

import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * What a workspace id may hold: 1 to 64 ASCII letters, digits, {@code -}, {@code _} and {@code .}.
 * Checked wherever a workspace id is made: {@code token create}, the token registry file when it is
 * loaded, and {@code auth.dev.workspace}; every record's workspace comes from its token.
 *
 * <p>Why so narrow: every record key is {@code <workspace_id>:<rest>} and its readers split it at the
 * first {@code ':'} (contact ids and event names may contain one), so a {@code ':'} in a workspace id
 * would make a key name two records; the event id hashes fields joined by a 0x00 byte, which a NUL
 * would make ambiguous; and ids appear in logs, where whitespace or control characters would hide.
 * Ids any system of record hands out (Intercom's are 8 characters, a UUID 36) fit.
 */
public final class WorkspaceIds {

    /** The rule, in words, for error messages and docs. */
    public static final String RULE = "1 to 64 characters, each an ASCII letter, a digit, '-', '_' or '.'";

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private WorkspaceIds() {}

    public static boolean isValid(String workspaceId) {
        return workspaceId != null && VALID.matcher(workspaceId).matches();
    }

    /** {@code workspaceId}, or an {@link IllegalArgumentException} that quotes it and states the rule. */
    public static String requireValid(String workspaceId) {
        if (!isValid(workspaceId)) {
            throw new IllegalArgumentException("workspace id '" + workspaceId + "' is not valid: it must be " + RULE);
        }
        return workspaceId;
    }

    /** The rule as a {@link ConfigDef} validator, so a bad setting stops start-up naming its key. */
    public static ConfigDef.Validator configValidator() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (!isValid((String) value)) {
                    throw new ConfigException(name, value, "a workspace id must be " + RULE);
                }
            }

            @Override
            public String toString() {
                return RULE;
            }
        };
    }
}
