package dev.eventpipeline.common.topics;

import java.time.Duration;

/**
 * The one rule for how long {@code raw-events} keeps a record, used by every service that creates the
 * topic (ingest-api and dedupe-stream), so the retention no longer depends on which of them starts first.
 *
 * <p>The spec asks for a retention of at least the de-duplication window W. We keep W plus a week: a
 * dedupe-stream that is down (or far behind) for up to a week beyond its window still finds every
 * accepted request on its return, so nothing acknowledged with a 2xx expires unread.
 *
 * <p>dedupe-stream owns W: it creates {@code raw-events} with {@link #forWindow} of its configured window
 * and raises the retention of an existing topic that keeps less (never lowers it; see
 * {@link TopicProvisioner#raiseRetention}). ingest-api does not know W; when it creates the topic first it
 * uses the default window, which is what dedupe-stream will want unless configured otherwise.
 */
public final class RawEventsRetention {

    /** The de-duplication window when none is configured (spec: 7 days). dedupe-stream's default. */
    public static final Duration DEFAULT_DEDUPE_WINDOW = Duration.ofDays(7);

    /** Kept beyond the window so a stream that is down for days loses no input. */
    public static final Duration BEYOND_WINDOW = Duration.ofDays(7);

    private RawEventsRetention() {}

    /** The retention.ms {@code raw-events} needs for a de-duplication window of {@code window}. */
    public static Duration forWindow(Duration window) {
        return window.plus(BEYOND_WINDOW);
    }
}
