package dev.eventpipeline.common.records;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The value of {@code rate-limit-usage}: how many calls one ingest-api instance has admitted so far in one
 * 10-second rate-limit window, per app and per workspace. Counts are cumulative within the window, so a
 * lost or repeated report is healed by the next one; peers add up the latest count of every instance.
 *
 * @param v format version (1)
 * @param instanceId the reporting instance, random per process start
 * @param windowStart epoch second at which the window began (a multiple of 10)
 * @param sentAtMillis when the report was written (what peers measure the sync lag against)
 * @param counts one entry per app and per workspace whose count changed since the instance's last report
 */
public record RateLimitUsage(int v, String instanceId, long windowStart, long sentAtMillis, List<Count> counts) {

    public static final int CURRENT_VERSION = 1;

    /** Calls admitted in the window: by one app ({@code appId} set) or by a whole workspace ({@code appId} null). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Count(String workspaceId, String appId, int calls) {}
}
