package dev.eventpipeline.dedupe.topology;

import dev.eventpipeline.dedupe.metrics.DedupeMetrics;
import java.time.Duration;

/**
 * What the topology depends on, and nothing else: no clients, no files.
 *
 * @param topicPrefix prepended to every topic name
 * @param dedupeWindow W: a copy received less than W after an earlier copy is a duplicate
 * @param metadataDelay how long a key added to an existing definition stays pending
 * @param metadataCheckInterval how often (wall clock) pending keys are checked
 * @param metrics where the processor and the exception handlers count
 */
public record TopologySettings(
        String topicPrefix, Duration dedupeWindow, Duration metadataDelay, Duration metadataCheckInterval, DedupeMetrics metrics) {

    public TopologySettings {
        requirePositive(dedupeWindow, "dedupeWindow");
        requirePositive(metadataDelay, "metadataDelay");
        requirePositive(metadataCheckInterval, "metadataCheckInterval");
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
        }
    }
}
