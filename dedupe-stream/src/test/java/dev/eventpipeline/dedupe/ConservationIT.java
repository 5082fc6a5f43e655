package dev.eventpipeline.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.config.KafkaSettings;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.testing.SharedKafka;
import dev.eventpipeline.testing.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conservation invariant over a mixed load on the real broker: every raw record ends up in exactly
 * one of clean-events, duplicate-events and dead-letter-events (read committed), and clean ids are unique.
 */
class ConservationIT {

    static final int TOTAL = 50_000;
    static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path stateDir;

    @Test
    void every_raw_record_ends_in_exactly_one_output_topic_and_clean_ids_are_unique() {
        long seed = Long.getLong("dedupe.seed", System.nanoTime());
        System.out.println("ConservationIT seed " + seed + " (rerun with -Ddedupe.seed=" + seed + ")");
        String bootstrap = SharedKafka.bootstrapServers();
        String prefix = TestTopics.uniquePrefix("conservation");
        MixedLoad load = MixedLoad.generate(seed, Topics.RAW_EVENTS.name(prefix), TOTAL, 0.15, 500, Instant.now());

        try (DedupeService service = DedupeService.start(new DedupeConfig(settings(bootstrap, prefix, stateDir)))) {
            service.awaitRunning(TIMEOUT);
            Pipeline.produce(bootstrap, load.records);
            Pipeline.awaitOutputs(bootstrap, prefix, TOTAL, TIMEOUT);
        }
        // Closed: every transaction is committed or aborted, so what we read now is final.
        Pipeline.assertConserved(bootstrap, prefix, load);
    }

    @Test
    void one_hot_event_name_spreads_over_every_partition_and_is_conserved_with_its_definition_exact() {
        long seed = Long.getLong("dedupe.seed", System.nanoTime());
        System.out.println("ConservationIT (one name) seed " + seed + " (rerun with -Ddedupe.seed=" + seed + ")");
        String bootstrap = SharedKafka.bootstrapServers();
        String prefix = TestTopics.uniquePrefix("hot-name");
        int total = 20_000;
        MixedLoad load = MixedLoad.generate(seed, Topics.RAW_EVENTS.name(prefix), total, 0.15, 500, Instant.now(), 1);

        try (DedupeService service = DedupeService.start(new DedupeConfig(settings(bootstrap, prefix, stateDir)))) {
            service.awaitRunning(TIMEOUT);
            Pipeline.produce(bootstrap, load.records);
            Pipeline.awaitOutputs(bootstrap, prefix, total, TIMEOUT);
        }
        Pipeline.assertConserved(bootstrap, prefix, load);
        // The name's records are on all three partitions, each with at least a fifth of them (keyed by event id).
        Map<Integer, Long> perPartition = dev.eventpipeline.testing.TopicReader.readToEnd(bootstrap, Topics.RAW_EVENTS.name(prefix),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer(), TIMEOUT).stream()
                .collect(java.util.stream.Collectors.groupingBy(r -> r.partition(), java.util.stream.Collectors.counting()));
        assertThat(perPartition).hasSize(3).allSatisfy((p, n) -> assertThat(n).isGreaterThan(total / 5L));
    }

    static Map<String, Object> settings(String bootstrap, String prefix, Path stateDir) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(KafkaSettings.BOOTSTRAP_SERVERS, bootstrap);
        settings.put(KafkaSettings.TOPIC_PREFIX, prefix);
        settings.put(KafkaSettings.TOPIC_PARTITIONS, 3);
        settings.put(DedupeConfig.APPLICATION_ID, prefix + "dedupe");
        settings.put(DedupeConfig.STATE_DIR, stateDir.toString());
        settings.put(DedupeConfig.MANAGEMENT_PORT, -1);
        return settings;
    }
}
