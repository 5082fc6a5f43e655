package dev.eventpipeline.store;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a walk through a contact's events stands: the {@code (created_at, id)} of the last event of
 * the page before. The next page holds the events strictly below it in the listing's order
 * ({@code created_at} descending, then {@code id} descending), so events that arrive during a walk never
 * shift it: each event that existed when the walk began is listed exactly once.
 *
 * <p>On the wire it is opaque and URL-safe: base64url without padding of 25 bytes, a format version
 * ({@value #VERSION}), {@code created_at} as a signed 64-bit big-endian integer, and the 16 bytes
 * behind the event id's 32 hex digits. It carries no contact or workspace: a cursor used with another
 * contact only positions that contact's own listing.
 *
 * <p>{@link #decode} accepts exactly the strings {@link #encode} produces; anything else (another
 * length, characters outside base64url, padding, bits a re-encoding would not give, another version)
 * is a {@link MalformedCursorException}, which the HTTP layer answers with {@code 400 parameter_invalid}.
 */
public record Cursor(long createdAt, String eventId) {

    static final byte VERSION = 1;
    private static final int ID_BYTES = 16;
    private static final int LENGTH = 1 + Long.BYTES + ID_BYTES;
    /** The length of every encoded cursor: 25 bytes in base64 without padding. */
    static final int ENCODED_LENGTH = (LENGTH * 8 + 5) / 6;
    /** The store's ids (the spec's deterministic event id); the sink stores no other. */
    private static final Pattern EVENT_ID = Pattern.compile("ev_[0-9a-f]{32}");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final HexFormat HEX = HexFormat.of();

    public Cursor {
        Objects.requireNonNull(eventId, "eventId");
        if (!EVENT_ID.matcher(eventId).matches()) {
            throw new IllegalArgumentException("not an event id of the store: " + eventId);
        }
    }

    /** The cursor after {@code event}: the next page starts below it. */
    public static Cursor after(EventQueries.Event event) {
        return new Cursor(event.createdAt(), event.id());
    }

    public String encode() {
        ByteBuffer bytes = ByteBuffer.allocate(LENGTH);
        bytes.put(VERSION).putLong(createdAt).put(HEX.parseHex(eventId, 3, eventId.length()));
        return ENCODER.encodeToString(bytes.array());
    }

    /** The cursor {@code text} encodes; see the class comment for what is malformed. */
    public static Cursor decode(String text) {
        // Checked before decoding, so that no input makes us allocate more than a cursor's worth.
        if (text == null || text.length() != ENCODED_LENGTH) {
            throw new MalformedCursorException("a cursor is " + ENCODED_LENGTH + " characters long");
        }
        byte[] bytes;
        try {
            bytes = DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedCursorException("a cursor is base64url without padding");
        }
        if (bytes.length != LENGTH || bytes[0] != VERSION) {
            throw new MalformedCursorException("not a cursor of this server");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, LENGTH - 1);
        long createdAt = buffer.getLong();
        byte[] id = new byte[ID_BYTES];
        buffer.get(id);
        Cursor cursor = new Cursor(createdAt, "ev_" + HEX.formatHex(id));
        // Base64 leaves unused bits in the last character that a lenient decoder ignores: one cursor, one text.
        if (!cursor.encode().equals(text)) {
            throw new MalformedCursorException("not a cursor of this server");
        }
        return cursor;
    }

    /** A cursor that this server did not issue, or that was altered. */
    public static final class MalformedCursorException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        public MalformedCursorException(String message) {
            super("malformed cursor: " + message);
        }
    }
}
