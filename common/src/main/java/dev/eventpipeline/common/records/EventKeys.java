package dev.eventpipeline.common.records;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Record keys and the event id: the only place they are spelled.
 *
 * <p>The {@code raw-events} key is the event id ({@link #rawEventKey}): a function of the whole
 * de-duplication key, so every copy of an event lands in one partition, while the events of one name,
 * one contact or one workspace spread over all of them (docs/design.md, "Keys and partitioning"). Records
 * written before that rule are keyed {@code <workspace_id>:<event_name>} ({@link #definitionKey}), which
 * dedupe-stream still reads.
 */
public final class EventKeys {

    private static final HexFormat HEX = HexFormat.of();
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();
    /**
     * One digest per thread: {@code MessageDigest.getInstance} is a provider look-up per call, and the
     * dedupe stream computes an id per event. {@code digest()} leaves it reset for the next id.
     */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(EventKeys::sha256);

    private EventKeys() {}

    /**
     * {@code ev_} and the first 32 hex digits of SHA-256 over workspace, contact id, event name and
     * created_at (decimal), joined by a 0x00 byte. Any consumer can recompute it; the sink's primary key.
     */
    public static String eventId(String workspaceId, String contactId, String eventName, long createdAt) {
        return eventId(eventIdBytes(workspaceId, contactId, eventName, createdAt));
    }

    public static String eventId(RawEvent event) {
        return eventId(eventIdBytes(event));
    }

    /**
     * The 16 bytes behind the id's 32 hex digits: {@code eventId(eventIdBytes(e))} is {@code eventId(e)}. For a
     * caller that needs both the id and its bytes (dedupe-stream's store key) without hashing or parsing twice.
     */
    public static byte[] eventIdBytes(RawEvent event) {
        return eventIdBytes(event.workspaceId(), event.contact().id(), event.eventName(), event.createdAt());
    }

    /** The id of {@link #eventIdBytes}. */
    public static String eventId(byte[] idBytes) {
        return "ev_" + HEX.formatHex(idBytes);
    }

    private static byte[] eventIdBytes(String workspaceId, String contactId, String eventName, long createdAt) {
        MessageDigest sha256 = SHA_256.get();
        sha256.reset();
        sha256.update(workspaceId.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        sha256.update(contactId.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        sha256.update(eventName.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        sha256.update(Long.toString(createdAt).getBytes(StandardCharsets.UTF_8));
        return Arrays.copyOf(sha256.digest(), 16);
    }

    /** Key of {@code raw-events}: the event id. */
    public static String rawEventKey(RawEvent event) {
        return eventId(event);
    }

    /** Whether {@code key} is {@code eventId(idBytes)}, without building that string (once per raw record). */
    public static boolean isEventId(String key, byte[] idBytes) {
        if (key == null || key.length() != 3 + 2 * idBytes.length || !key.startsWith("ev_")) {
            return false;
        }
        for (int i = 0; i < idBytes.length; i++) {
            int b = idBytes[i] & 0xFF;
            if (key.charAt(3 + 2 * i) != HEX_DIGITS[b >>> 4] || key.charAt(4 + 2 * i) != HEX_DIGITS[b & 0xF]) {
                return false;
            }
        }
        return true;
    }

    /** The 16 bytes of an event id ({@code ev_} and 32 lower-case hex digits); throws on anything else. */
    public static byte[] eventIdBytes(String eventId) {
        if (eventId == null || eventId.length() != 35 || !eventId.startsWith("ev_")) {
            throw new IllegalArgumentException("not an event id: " + eventId);
        }
        return HEX.parseHex(eventId, 3, 35);
    }

    /** Key of {@code event-definitions} (and of {@code raw-events} records written before the event-id key). */
    public static String definitionKey(String workspaceId, String eventName) {
        return workspaceId + ":" + eventName;
    }

    /** Whether {@code key} is {@code definitionKey(workspaceId, eventName)}, without building that key (once per raw record). */
    public static boolean isDefinitionKey(String key, String workspaceId, String eventName) {
        int colon = workspaceId.length();
        return key != null && key.length() == colon + 1 + eventName.length() && key.charAt(colon) == ':'
                && key.startsWith(workspaceId) && key.endsWith(eventName);
    }

    /** Key of {@code clean-events}, {@code duplicate-events} and {@code contacts}. */
    public static String contactKey(String workspaceId, String contactId) {
        return workspaceId + ":" + contactId;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
