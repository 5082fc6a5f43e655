package dev.eventpipeline.standalone;

import java.nio.file.Path;
import java.time.Duration;

/** What the standalone pipeline is started with; see {@link StandaloneMain} for each option's meaning. */
public record StandaloneOptions(
        Path dataDir,
        String httpHost,
        int httpPort,
        int kafkaPort,
        String devToken,
        Duration metadataDelay,
        Duration dedupeWindow,
        String sinkJdbcUrl,
        int topicPartitions) {

    public String effectiveJdbcUrl() {
        return sinkJdbcUrl != null ? sinkJdbcUrl : "jdbc:sqlite:" + dataDir.resolve("events.db");
    }
}
