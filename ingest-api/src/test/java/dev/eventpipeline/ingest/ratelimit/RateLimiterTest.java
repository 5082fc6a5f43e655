package dev.eventpipeline.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.records.RateLimitUsage;
import dev.eventpipeline.ingest.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimiterTest {

    /** 08:00:03 UTC: window [08:00:00, 08:00:10), whose start is this epoch second. */
    private static final Instant START = Instant.parse("2026-11-27T08:00:03Z");
    private static final long WINDOW_START = START.getEpochSecond() - START.getEpochSecond() % 10;

    private final MutableClock clock = new MutableClock(START);
    private final RateLimiter limiter = new RateLimiter(clock);

    @ParameterizedTest(name = "{0} a minute is {1} per 10 s")
    @CsvSource({"10000, 1667", "25000, 4167", "1000, 167", "6, 1", "7, 2", "2147483647, 357913942"})
    void per_minute_limits_become_the_ceiling_of_a_sixth_per_window_without_overflow(int perMinute, int perWindow) {
        assertThat(RateLimiter.perWindow(perMinute)).isEqualTo(perWindow);
    }

    private static RateLimitUsage report(String instance, long windowStart, RateLimitUsage.Count... counts) {
        return new RateLimitUsage(1, instance, windowStart, 0, List.of(counts));
    }

    private int admitted(int calls, int appLimit, int workspaceLimit) {
        int admitted = 0;
        for (int i = 0; i < calls; i++) {
            if (limiter.acquire("ws", "app", appLimit, workspaceLimit).allowed()) {
                admitted++;
            }
        }
        return admitted;
    }

    @Test
    void the_peers_reported_calls_of_this_window_count_against_the_limit_and_the_remaining_header() {
        limiter.applyPeerReport(report("peer-1", WINDOW_START, new RateLimitUsage.Count("ws", "app", 4)));
        limiter.applyPeerReport(report("peer-2", WINDOW_START, new RateLimitUsage.Count("ws", "app", 3)));
        RateLimiter.Decision first = limiter.acquire("ws", "app", 10, 100);
        assertThat(first.allowed()).isTrue();
        assertThat(first.remaining()).isEqualTo(10 - 4 - 3 - 1);
        assertThat(admitted(10, 10, 100)).isEqualTo(2);
    }

    @Test
    void a_peers_workspace_count_limits_every_app_of_the_workspace() {
        limiter.applyPeerReport(report("peer", WINDOW_START, new RateLimitUsage.Count("ws", null, 8)));
        assertThat(admitted(10, 100, 10)).isEqualTo(2);
        RateLimiter.Decision refused = limiter.acquire("ws", "other-app", 100, 10);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.exceededLimit()).isEqualTo(10);
    }

    @Test
    void a_later_report_of_a_peer_replaces_its_earlier_one_and_a_stale_one_changes_nothing() {
        limiter.applyPeerReport(report("peer", WINDOW_START, new RateLimitUsage.Count("ws", "app", 5)));
        limiter.applyPeerReport(report("peer", WINDOW_START, new RateLimitUsage.Count("ws", "app", 7)));
        limiter.applyPeerReport(report("peer", WINDOW_START, new RateLimitUsage.Count("ws", "app", 6))); // late, out of order
        limiter.applyPeerReport(report("peer", WINDOW_START - 10, new RateLimitUsage.Count("ws", "app", 9))); // an older window
        assertThat(limiter.acquire("ws", "app", 10, 100).remaining()).isEqualTo(10 - 7 - 1);
    }

    @Test
    void peers_counts_of_another_window_do_not_count_and_a_new_window_starts_from_zero() {
        limiter.applyPeerReport(report("peer", WINDOW_START, new RateLimitUsage.Count("ws", "app", 10)));
        assertThat(limiter.acquire("ws", "app", 10, 100).allowed()).isFalse();
        clock.advance(Duration.ofSeconds(7)); // the next window
        assertThat(limiter.acquire("ws", "app", 10, 100).remaining()).isEqualTo(9);
        limiter.applyPeerReport(report("peer", WINDOW_START + 10, new RateLimitUsage.Count("ws", "app", 2)));
        assertThat(limiter.acquire("ws", "app", 10, 100).remaining()).isEqualTo(10 - 2 - 2);
    }

    @Test
    void only_counts_that_changed_since_the_last_report_are_reported() {
        long window = limiter.currentWindow();
        limiter.acquire("ws", "a", 10, 100);
        limiter.acquire("ws", "b", 10, 100);
        assertThat(limiter.takeChangedCounts(window, false)).containsExactlyInAnyOrder(
                new RateLimitUsage.Count("ws", "a", 1), new RateLimitUsage.Count("ws", "b", 1), new RateLimitUsage.Count("ws", null, 2));
        assertThat(limiter.takeChangedCounts(window, false)).isEmpty();
        limiter.acquire("ws", "a", 10, 100);
        assertThat(limiter.takeChangedCounts(window, false)).containsExactlyInAnyOrder(
                new RateLimitUsage.Count("ws", "a", 2), new RateLimitUsage.Count("ws", null, 3));
        // A peer's counters are never reported as this instance's own.
        limiter.applyPeerReport(report("peer", WINDOW_START, new RateLimitUsage.Count("ws", "c", 4)));
        assertThat(limiter.takeChangedCounts(window, false)).isEmpty();
    }

    @Test
    void a_refused_call_consumes_nothing_here_so_peers_are_not_told_of_it() {
        limiter.applyPeerReport(report("peer", WINDOW_START, new RateLimitUsage.Count("ws", null, 10)));
        assertThat(limiter.acquire("ws", "app", 100, 10).allowed()).isFalse();
        assertThat(limiter.takeChangedCounts(limiter.currentWindow(), false)).isEmpty();
    }
}
