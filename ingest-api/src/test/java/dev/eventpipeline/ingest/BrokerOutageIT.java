package dev.eventpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.embedded.EmbeddedKafkaBroker;
import dev.eventpipeline.ingest.support.Api;
import dev.eventpipeline.testing.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability under a broker outage. This test stops a broker, so it runs its own (never SharedKafka's).
 * Expected state after the fault: every request answered 202 is in raw-events, every request answered
 * 503 is not, /readyz was 503 during the outage, and writes succeed again after the restart.
 */
class BrokerOutageIT {

    private static final String TOKEN = "outage-token";

    @TempDir
    Path dir;

    @Test
    void answers_503_while_the_broker_is_down_stores_nothing_for_them_and_202_again_after_restart() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).build().start()) {
            Map<String, Object> settings = new HashMap<>();
            settings.put("kafka.bootstrap.servers", broker.bootstrapServers());
            settings.put("topic.partitions", 2);
            settings.put("http.host", "127.0.0.1");
            settings.put("http.port", 0);
            settings.put("auth.dev.token", TOKEN);
            settings.put("contacts.mode", "trust");
            // Short waits keep the test quick; the behaviour is the same with the 5 s default.
            settings.put("produce.timeout", "2s");
            settings.put("produce.max.block", "500ms");
            Set<Long> accepted = new HashSet<>();
            Set<Long> refused = new HashSet<>();
            try (IngestService service = IngestService.start(new IngestConfig(settings))) {
                Api api = new Api(service.port(), TOKEN);
                for (long t = 1; t <= 3; t++) {
                    assertThat(api.postJson("/events", event(t)).status()).isEqualTo(202);
                    accepted.add(t);
                }

                broker.stop();
                await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/readyz").status() == 503);
                for (long t = 100; t < 103; t++) {
                    Api.Response r = api.postJson("/events", event(t));
                    assertThat(r.status()).as(r.toString()).isEqualTo(503);
                    assertThat(r.firstCode()).isEqualTo("service_unavailable");
                    assertThat(r.header("Retry-After")).isNotBlank();
                    refused.add(t);
                }

                broker.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/readyz").status() == 200);
                // The producer reconnects by itself; the first write may still race the reconnect.
                await().atMost(Duration.ofSeconds(30)).until(() -> api.postJson("/events", event(200)).status() == 202);
                accepted.add(200L);
                for (long t = 201; t <= 203; t++) {
                    assertThat(api.postJson("/events", event(t)).status()).isEqualTo(202);
                    accepted.add(t);
                }
            }
            List<ConsumerRecord<String, RawEvent>> stored = TopicReader.readToEnd(broker.bootstrapServers(),
                    Topics.RAW_EVENTS.name(""), new StringDeserializer(), Topics.RAW_EVENTS.valueSerde().deserializer(), Duration.ofSeconds(30));
            Set<Long> storedTimes = new HashSet<>();
            stored.forEach(r -> storedTimes.add(r.value().createdAt()));
            assertThat(storedTimes).containsAll(accepted).doesNotContainAnyElementsOf(refused);
        }
    }

    private static String event(long createdAt) {
        return "{\"event_name\":\"outage\",\"created_at\":" + createdAt + ",\"user_id\":\"u\"}";
    }
}
