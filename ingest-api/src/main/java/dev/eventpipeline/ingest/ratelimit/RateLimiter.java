package dev.eventpipeline.ingest.ratelimit;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Intercom's rate limits: calls per app (token) and per workspace, counted in fixed 10-second
 * windows aligned to the Unix epoch, so {@code X-RateLimit-Reset} is the same second for every
 * instance's clients. A call is admitted only when both counters have room; a refused call consumes
 * nothing. Counters are per instance: with N instances behind a balancer each admits its share (the
 * docs say so). Memory is one counter per app and per workspace seen.
 */
public final class RateLimiter {

    public static final long WINDOW_SECONDS = 10;

    private final Clock clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

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

    public Decision acquire(String appKey, int appLimit, String workspaceKey, int workspaceLimit) {
        long nowMillis = clock.millis();
        long window = nowMillis / (WINDOW_SECONDS * 1000);
        long reset = (window + 1) * WINDOW_SECONDS;
        long retryAfter = Math.max(1, reset - nowMillis / 1000);
        Window app = windows.computeIfAbsent("app\u0000" + appKey, k -> new Window());
        Window workspace = windows.computeIfAbsent("ws\u0000" + workspaceKey, k -> new Window());
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

    /** One counter: the window index in the high 32 bits, the count in the low 32, updated by CAS. */
    private static final class Window {
        private final AtomicLong state = new AtomicLong();

        /** The count after this call, or -1 when the limit is reached (nothing counted). */
        int tryIncrement(long window, int limit) {
            while (true) {
                long s = state.get();
                long w = s >>> 32;
                int count = w == (window & 0xFFFFFFFFL) ? (int) s : 0;
                if (count >= limit) {
                    return -1;
                }
                long next = ((window & 0xFFFFFFFFL) << 32) | (count + 1);
                if (state.compareAndSet(s, next)) {
                    return count + 1;
                }
            }
        }

        void decrement(long window) {
            while (true) {
                long s = state.get();
                if ((s >>> 32) != (window & 0xFFFFFFFFL) || (int) s == 0) {
                    return; // the window moved on: nothing left to give back
                }
                if (state.compareAndSet(s, s - 1)) {
                    return;
                }
            }
        }
    }
}
