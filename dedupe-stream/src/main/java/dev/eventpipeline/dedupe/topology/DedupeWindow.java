package dev.eventpipeline.dedupe.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The de-duplication memory: for each event id, when a copy was last received and which request was
 * the first copy. It lives in a segmented window store so that old entries go away by dropping whole
 * segments, never by per-key deletes, and the disk holds only the recent past.
 *
 * <p>Entries are filed under time buckets of width W (the window). A copy received at {@code t} can only
 * have an earlier copy within W in the bucket of {@code t} or the one before, so a lookup is at most two
 * point reads ({@link WindowStore#fetch(Object, long)} reads one key of one segment, with RocksDB's bloom
 * filter answering most misses) instead of a range scan over {@code [t - W, t]}. A record stamped earlier
 * than one already processed (the API instances' clocks differ a little) may have its copy in the next
 * bucket; only such records, behind stream time and in an older bucket, pay a third read.
 *
 * <p>Time is receive time, never {@code created_at}. A record received more than W before the
 * partition's stream time is treated as received at stream time − W: its bucket may already be gone,
 * and a put there would be dropped silently (the store ignores expired puts), letting its next copy
 * pass as new. With that clamp every lookup reaches back at most 3W behind stream time, which is the
 * retention ({@link #retention}).
 *
 * <p>Key: the 16 bytes of the event id. Value: see {@link #entry}.
 */
public final class DedupeWindow {

    private final WindowStore<Bytes, byte[]> store;
    private final long windowMs;

    public DedupeWindow(WindowStore<Bytes, byte[]> store, Duration window) {
        this.store = store;
        this.windowMs = window.toMillis();
    }

    /** How long the store must keep an entry: two buckets plus the W of lateness the clamp allows. */
    public static Duration retention(Duration window) {
        return window.multipliedBy(3);
    }

    /** The time a copy counts as received: its record timestamp, clamped to at most W behind stream time. */
    public long receiveTime(long recordTimestamp, long streamTime) {
        return Math.max(recordTimestamp, streamTime - windowMs);
    }

    /**
     * Remembers this copy and answers whether it is a later copy. Returns the request id of the first
     * copy when an earlier copy was received less than W before (or after, for a copy that arrives out of
     * order) {@code receivedAt}; returns {@code null} when this copy is the first within the window.
     */
    public String observe(Bytes eventKey, long receivedAt, String requestId, long streamTime) {
        long bucket = bucketOf(receivedAt);
        long foundIn = bucket;
        byte[] last = store.fetch(eventKey, bucket);
        if (last == null && bucket >= windowMs) {
            foundIn = bucket - windowMs;
            last = store.fetch(eventKey, foundIn);
        }
        if (last == null && bucketOf(streamTime) > bucket) {
            // Out of order across a bucket boundary (API instances' clocks differ by a little): a copy
            // stamped later but processed earlier sits in the next bucket. In-order records never pay this read.
            foundIn = bucket + windowMs;
            last = store.fetch(eventKey, foundIn);
        }
        if (last != null) {
            long lastSeen = ByteBuffer.wrap(last).getLong();
            if (Math.abs(receivedAt - lastSeen) < windowMs) {
                // Each copy refreshes the window; the first request id stays.
                long newest = Math.max(lastSeen, receivedAt);
                if (newest != lastSeen || bucketOf(newest) != foundIn) {
                    // A copy: the array may be the cache's own.
                    byte[] refreshed = last.clone();
                    ByteBuffer.wrap(refreshed).putLong(newest);
                    store.put(eventKey, refreshed, bucketOf(newest));
                }
                return firstRequestId(last);
            }
        }
        store.put(eventKey, entry(receivedAt, requestId), bucket);
        return null;
    }

    private long bucketOf(long time) {
        return Math.floorDiv(time, windowMs) * windowMs;
    }

    /*
     * An entry: the last-seen time (8 bytes), a tag, and the first request id. ingest-api's request ids
     * are UUIDs: written as their 16 bytes (tag 0) they halve the entry, on disk and in the changelog.
     * Anything else is kept as UTF-8 text (tag 1), so every id reads back exactly as it was.
     */
    private static final byte UUID_BYTES = 0;
    private static final byte TEXT = 1;

    static byte[] entry(long receivedAt, String requestId) {
        if (isCanonicalUuid(requestId)) {
            long msb = 0;
            long lsb = 0;
            int nibbles = 0;
            for (int i = 0; i < requestId.length(); i++) {
                char c = requestId.charAt(i);
                if (c == '-') {
                    continue;
                }
                long nibble = Character.digit(c, 16);
                if (nibbles++ < 16) {
                    msb = msb << 4 | nibble;
                } else {
                    lsb = lsb << 4 | nibble;
                }
            }
            return ByteBuffer.allocate(Long.BYTES + 1 + 16).putLong(receivedAt).put(UUID_BYTES).putLong(msb).putLong(lsb).array();
        }
        byte[] id = requestId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Long.BYTES + 1 + id.length).putLong(receivedAt).put(TEXT).put(id).array();
    }

    /**
     * Whether the text is exactly what {@link java.util.UUID#toString} writes (lower-case hex, dashes at 8, 13,
     * 18 and 23), so that it reads back identical. Checked by hand: a regular expression here cost more than the
     * rest of the entry.
     */
    static boolean isCanonicalUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-' : c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static String firstRequestId(byte[] entry) {
        ByteBuffer b = ByteBuffer.wrap(entry, Long.BYTES, entry.length - Long.BYTES);
        if (b.get() == UUID_BYTES) {
            // UUID.toString is lower-case and canonical: exactly the text that was stored.
            return new java.util.UUID(b.getLong(), b.getLong()).toString();
        }
        return new String(entry, Long.BYTES + 1, entry.length - Long.BYTES - 1, StandardCharsets.UTF_8);
    }
}
