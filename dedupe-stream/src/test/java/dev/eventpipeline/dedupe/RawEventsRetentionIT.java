package dev.eventpipeline.dedupe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventpipeline.common.config.KafkaSettings;
import dev.eventpipeline.common.topics.RawEventsRetention;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.testing.SharedKafka;
import dev.eventpipeline.testing.TestTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/**
 * dedupe-stream owns the rule "raw-events keeps records for the window + 7 days": whoever created the
 * topic, and with whatever retention, after dedupe-stream's start-up it keeps at least that long, and
 * never less than it did before.
 */
class RawEventsRetentionIT {

    private static final Duration WINDOW = Duration.ofDays(30);
    private static final long REQUIRED_MS = RawEventsRetention.forWindow(WINDOW).toMillis();

    @Test
    void creates_raw_events_with_the_window_plus_a_week() throws Exception {
        String prefix = TestTopics.uniquePrefix("retention-new");
        DedupeService.ensureTopics(config(prefix));
        assertThat(retentionMs(prefix)).isEqualTo(Duration.ofDays(37).toMillis()).isEqualTo(REQUIRED_MS);
    }

    @Test
    void raises_a_retention_shorter_than_the_window_plus_a_week() throws Exception {
        String prefix = TestTopics.uniquePrefix("retention-short");
        // As ingest-api leaves it when it starts first: the default window's retention, 14 days.
        createRawEvents(prefix, RawEventsRetention.forWindow(RawEventsRetention.DEFAULT_DEDUPE_WINDOW).toMillis());
        DedupeService.ensureTopics(config(prefix));
        // The controller has the new value when the alter returns; the broker that answers a describe
        // learns it from the metadata log a moment later.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(retentionMs(prefix)).isEqualTo(REQUIRED_MS));
    }

    @Test
    void leaves_a_longer_or_unlimited_retention_alone() throws Exception {
        String longer = TestTopics.uniquePrefix("retention-long");
        long ninetyDays = Duration.ofDays(90).toMillis();
        createRawEvents(longer, ninetyDays);
        DedupeService.ensureTopics(config(longer));

        String forever = TestTopics.uniquePrefix("retention-forever");
        createRawEvents(forever, -1);
        DedupeService.ensureTopics(config(forever));

        // An alter would reach the answering broker later than it returns (see above): once a topic created
        // after both calls is visible, anything they changed is too, as the metadata log is applied in order.
        awaitMetadataAfterThisPoint();
        assertThat(retentionMs(longer)).isEqualTo(ninetyDays);
        assertThat(retentionMs(forever)).isEqualTo(-1);
    }

    private static DedupeConfig config(String prefix) {
        return new DedupeConfig(Map.of(KafkaSettings.BOOTSTRAP_SERVERS, SharedKafka.bootstrapServers(),
                KafkaSettings.TOPIC_PREFIX, prefix, KafkaSettings.TOPIC_PARTITIONS, "1",
                DedupeConfig.DEDUPE_WINDOW, WINDOW.toDays() + "d"));
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()));
    }

    private static void createRawEvents(String prefix, long retentionMs) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(Topics.RAW_EVENTS.name(prefix), 1, (short) 1)
                    .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs))))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void awaitMetadataAfterThisPoint() throws Exception {
        String marker = TestTopics.uniquePrefix("retention-marker");
        createRawEvents(marker, 1000);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(retentionMs(marker)).isEqualTo(1000));
    }

    private static long retentionMs(String prefix) throws Exception {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.RAW_EVENTS.name(prefix));
        try (Admin admin = admin()) {
            return Long.parseLong(admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic)
                    .get(TopicConfig.RETENTION_MS_CONFIG).value());
        }
    }
}
