package dev.eventpipeline.ingest.ratelimit;

import dev.eventpipeline.common.records.RateLimitUsage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Intercom's rate limits: calls per app (token) and per workspace, counted in fixed 10-second windows
 * aligned to the Unix epoch, so {@code X-RateLimit-Reset} is the same second on every instance. A call is
 * admitted only when both counters have room; a refused call consumes nothing.
 *
 * <p>The limits are the app's and the workspace's, not this instance's (http-api.md): a counter's room is
 * the limit minus this instance's count minus the latest counts its peers reported for the same window
 * ({@link #applyPeerReport}, fed by {@link UsageSync} from the {@code rate-limit-usage} topic). The
 * request path only reads those numbers from memory; it never waits for a peer. The price is that peers'
 * calls are seen one sync interval (plus Kafka's delivery) late, so all instances together may admit the
 * calls that arrive at the others within that delay beyond the limit. An instance that hears from no peer
 * (Kafka unreachable, or alone) limits with what it knows: its own calls and what peers reported last.
 *
 * <p>Memory is one counter per app and per workspace seen here or reported by a peer (a few dozen bytes
 * each). Counters are never dropped: a request holds its counter without a lock, so a counter removed as
 * idle could swallow the call that revives it.
 */
public final class RateLimiter {

    public static final long WINDOW_SECONDS = 10;
    private static final long WINDOW_MILLIS = WINDOW_SECONDS * 1000;

    private final Clock clock;
    private final ConcurrentHashMap<Key, Counter> counters = new ConcurrentHashMap<>();

    public RateLimiter(Clock clock) {
        this.clock = clock;
    }

    /** Per-minute limits as Intercom states them, enforced per 10-second window (rounded up). */
    public static int perWindow(int perMinute) {
        // In long: an operator who lifts the limit to Integer.MAX_VALUE must not overflow into a negative limit.
        return (int) ((perMinute + 5L) / 6);
    }

    /** What one call gets: admitted or not, and the values of the three X-RateLimit headers. */
    public record Decision(boolean allowed, int limit, int remaining, long resetEpochSeconds, int exceededLimit, long retryAfterSeconds) {}

    /** What a counter counts: one app of a workspace ({@code appId} set) or a whole workspace ({@code appId} null). */
    record Key(String workspaceId, String appId) {}

    public Decision acquire(String workspaceId, String appId, int appLimit, int workspaceLimit) {
        long nowMillis = clock.millis();
        long window = nowMillis / WINDOW_MILLIS;
        long reset = (window + 1) * WINDOW_SECONDS;
        long retryAfter = Math.max(1, reset - nowMillis / 1000);
        Counter app = counter(new Key(workspaceId, appId));
        Counter workspace = counter(new Key(workspaceId, null));
        int appCount = app.tryIncrement(window, appLimit);
        if (appCount < 0) {
            return new Decision(false, appLimit, 0, reset, appLimit, retryAfter);
        }
        int wsCount = workspace.tryIncrement(window, workspaceLimit);
        if (wsCount < 0) {
            app.decrement(window);
            return new Decision(false, appLimit, 0, reset, workspaceLimit, retryAfter);
        }
        int remaining = Math.min(appLimit - appCount, workspaceLimit - wsCount);
        return new Decision(true, appLimit, Math.max(0, remaining), reset, 0, retryAfter);
    }

    private Counter counter(Key key) {
        Counter c = counters.get(key);
        return c != null ? c : counters.computeIfAbsent(key, k -> new Counter());
    }

    /** The window a time falls in (its start is {@code window * 10} epoch seconds). */
    static long windowOf(long epochMillis) {
        return epochMillis / WINDOW_MILLIS;
    }

    long currentWindow() {
        return windowOf(clock.millis());
    }

    /**
     * This instance's counts in {@code window} that changed since the last call (and every count when
     * {@code all}), marking them reported. Called by one thread, the sync's publisher.
     */
    List<RateLimitUsage.Count> takeChangedCounts(long window, boolean all) {
        List<RateLimitUsage.Count> changed = new ArrayList<>();
        counters.forEach((key, c) -> {
            int count = c.localCount(window);
            if (count > 0 && (all || count != c.reportedCount || c.reportedWindow != window)) {
                c.reportedCount = count;
                c.reportedWindow = window;
                changed.add(new RateLimitUsage.Count(key.workspaceId(), key.appId(), count));
            }
        });
        return changed;
    }

    /**
     * A peer's report: its cumulative counts for one window. Later reports of the same peer replace
     * earlier ones; a report for an older window than the peer's last is ignored. Called by one thread,
     * the sync's consumer.
     */
    void applyPeerReport(RateLimitUsage report) {
        long window = report.windowStart() / WINDOW_SECONDS;
        for (RateLimitUsage.Count entry : report.counts()) {
            counter(new Key(entry.workspaceId(), entry.appId())).peerCount(report.instanceId(), window, entry.calls());
        }
    }

    int size() {
        return counters.size();
    }

    /**
     * One counter: this instance's count (window index in the high 32 bits, count in the low 32, updated
     * by CAS on the request path) and the sum of the peers' latest counts for one window (written by the
     * sync's consumer thread, read by requests as one volatile long).
     */
    private static final class Counter {
        private final AtomicLong local = new AtomicLong();
        /** Window in the high 32 bits, the peers' summed count in the low 32. */
        private volatile long peers;
        /** Each peer's latest report for this key: window in the high 32 bits, count in the low 32. Consumer thread only. */
        private final Map<String, Long> byPeer = new HashMap<>();
        /** What the publisher last reported; publisher thread only. */
        private int reportedCount;
        private long reportedWindow = -1;

        /** The count (this instance's) after this call, or -1 when the limit is reached (nothing counted). */
        int tryIncrement(long window, int limit) {
            int others = peerCount(window);
            long w = window & 0xFFFFFFFFL;
            while (true) {
                long s = local.get();
                int count = (s >>> 32) == w ? (int) s : 0;
                if (count + (long) others >= limit) {
                    return -1;
                }
                long next = (w << 32) | (count + 1);
                if (local.compareAndSet(s, next)) {
                    return count + 1 + others;
                }
            }
        }

        void decrement(long window) {
            long w = window & 0xFFFFFFFFL;
            while (true) {
                long s = local.get();
                if ((s >>> 32) != w || (int) s == 0) {
                    return; // the window moved on: nothing left to give back
                }
                if (local.compareAndSet(s, s - 1)) {
                    return;
                }
            }
        }

        int localCount(long window) {
            long s = local.get();
            return (s >>> 32) == (window & 0xFFFFFFFFL) ? (int) s : 0;
        }

        int peerCount(long window) {
            long p = peers;
            return (p >>> 32) == (window & 0xFFFFFFFFL) ? (int) p : 0;
        }

        void peerCount(String instance, long window, int calls) {
            long w = window & 0xFFFFFFFFL;
            Long previous = byPeer.get(instance);
            if (previous != null) {
                long pw = previous >>> 32;
                if (pw > w || pw == w && (int) (long) previous >= calls) {
                    return; // an older window, or no news (counts only grow within a window)
                }
            }
            byPeer.put(instance, (w << 32) | calls);
            // Instances that stopped (a restart gets a new id) drop out once their window is over.
            byPeer.values().removeIf(v -> (v >>> 32) < w);
            long sum = 0;
            for (Long v : byPeer.values()) {
                sum += (int) (long) v;
            }
            long current = peers;
            // Only a newer or equal window replaces the sum: a late report of an old window must not reset it.
            if ((current >>> 32) <= w) {
                peers = (w << 32) | Math.min(sum, Integer.MAX_VALUE);
            }
        }
    }
}
