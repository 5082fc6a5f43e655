package dev.eventpipeline.ingest.contacts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Contact ids that are a pure function of what identifies the contact, so that every instance creating
 * the same user at the same moment creates the <em>same</em> contact: both records land on one key of
 * the compacted {@code contacts} topic and converge, and a workspace never holds two users for one
 * {@code external_id} (http-api.md, {@code POST /contacts}). Leads, and users created from an email only
 * through {@code POST /contacts}, have random ids: nothing identifies them but the id.
 *
 * <p>24 hex digits, like Intercom's ids: the first 12 bytes of SHA-256 over workspace, identifier kind and
 * value, each followed by a 0x00 byte. Changing this function would split every existing derived user in
 * two on the next create; it is part of the data format.
 */
public final class ContactIds {

    private ContactIds() {}

    /** The id of the user with this {@code external_id} (POST /contacts, and trust mode's {@code user_id}). */
    public static String forExternalId(String workspaceId, String externalId) {
        return derived(workspaceId, "user_id", externalId);
    }

    /** The id trust mode gives a user it creates from an email alone (normalised as the email index is). */
    public static String forEmail(String workspaceId, String email) {
        return derived(workspaceId, "email", WorkspaceContacts.normaliseEmail(email));
    }

    private static String derived(String workspaceId, String kind, String value) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {workspaceId, kind, value}) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
