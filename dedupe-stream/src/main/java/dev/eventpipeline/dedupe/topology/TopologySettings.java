package dev.eventpipeline.dedupe.topology;

import dev.eventpipeline.dedupe.metrics.DedupeMetrics;
import java.time.Duration;

/**
 * What the topology depends on, and nothing else: no clients, no files.
 *
 * @param topicPrefix prepended to every topic name of the pipeline
 * @param applicationId the Streams application id; the topology's own topics are named after it, as
 *     Kafka Streams names its internal topics ({@link #definitionRequestsTopic()}, ...)
 * @param dedupeWindow W: a copy received less than W after an earlier copy is a duplicate
 * @param metadataDelay how long a key added to an existing definition stays pending
 * @param metadataCheckInterval how often (wall clock) pending keys are checked
 * @param metrics where the processors and the exception handlers count
 */
public record TopologySettings(
        String topicPrefix, String applicationId, Duration dedupeWindow, Duration metadataDelay, Duration metadataCheckInterval,
        DedupeMetrics metrics) {

    public TopologySettings {
        if (applicationId == null || applicationId.isBlank()) {
            throw new IllegalArgumentException("applicationId must be set");
        }
        requirePositive(dedupeWindow, "dedupeWindow");
        requirePositive(metadataDelay, "metadataDelay");
        requirePositive(metadataCheckInterval, "metadataCheckInterval");
    }

    /**
     * Events whose metadata may change their definition, on their way to the definition's owner task; keyed
     * by definition. Must have as many partitions as {@code raw-events} (see DedupeTopology).
     */
    public String definitionRequestsTopic() {
        return applicationId + "-definition-requests";
    }

    /** raw-events records written before the event-id key, re-keyed by event id. Partitions as raw-events. */
    public String rekeyTopic() {
        return applicationId + "-raw-events-rekey";
    }

    /** The de-duplication memory of the name-keyed topology, re-partitioned by event id at the upgrade. Partitions as raw-events. */
    public String seedTopic() {
        return applicationId + "-dedupe-seed";
    }

    /** The changelog of the name-keyed topology's de-duplication store, the source of the seeds. */
    public String legacyDedupeChangelog() {
        return applicationId + "-" + DedupeTopology.LEGACY_DEDUPE_STORE + "-changelog";
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
        }
    }
}
