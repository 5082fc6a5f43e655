package dev.eventpipeline.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.ingest.publish.InFlightLimit;
import dev.eventpipeline.ingest.support.Api;
import dev.eventpipeline.ingest.support.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code produce.max.in.flight.requests} over real HTTP: the bound {@code KafkaEventLog} puts in front of
 * Kafka ({@link InFlightLimit}), here in front of an in-memory log whose writes wait on a gate, which
 * stands for a Kafka that is slow to acknowledge.
 */
class InFlightLimitApiTest {

    private static final int LIMIT = 2;
    private static final Duration ANSWER = Duration.ofSeconds(30);

    private static String event(long createdAt) {
        return "{\"event_name\":\"e\",\"created_at\":" + createdAt + ",\"user_id\":\"u\"}";
    }

    @Test
    void a_write_beyond_the_in_flight_limit_is_503_at_once_and_the_limit_frees_up_as_kafka_acknowledges() throws Exception {
        try (TestApp app = TestApp.start()) {
            app.contacts.put(new Contact("contact", "c-u", "ws-1", "user", "u", null, null, 1));
            CompletableFuture<Void> kafkaAcks = new CompletableFuture<>();
            app.log.gate = kafkaAcks;
            app.log.limit = new InFlightLimit(LIMIT);

            // LIMIT writes wait for Kafka: they hold every place.
            HttpClient client = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            List<Long> stored = new ArrayList<>();
            for (int i = 0; i < LIMIT; i++) {
                stored.add(100L + i);
                waiting.add(client.sendAsync(request(app, event(100 + i)), HttpResponse.BodyHandlers.ofString()));
            }
            await().atMost(ANSWER).until(() -> app.log.writesHandedOver() == LIMIT);

            // One more is refused without waiting for Kafka (the gate is still shut), and is not stored.
            Api.Response refused = app.api().postJson("/events", event(200));
            assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
            assertThat(refused.firstCode()).isEqualTo("service_unavailable");
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.json().get("request_id").asText()).isEqualTo(refused.header("X-Request-Id"));
            assertThat(app.log.writesHandedOver()).as("the refused write never reached the log").isEqualTo(LIMIT);
            assertThat(waiting).noneMatch(CompletableFuture::isDone);

            // Kafka acknowledges: the waiting writes are answered 202, and their places are free again.
            kafkaAcks.complete(null);
            for (CompletableFuture<HttpResponse<String>> w : waiting) {
                assertThat(w.get(ANSWER.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(202);
            }
            for (int i = 0; i < LIMIT; i++) {
                stored.add(300L + i);
                assertThat(app.api().postJson("/events", event(300 + i)).status()).isEqualTo(202);
            }
            assertThat(app.log.events).extracting(RawEvent::createdAt).containsExactlyInAnyOrderElementsOf(stored);
        }
    }

    private static HttpRequest request(TestApp app, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.javalin.port() + "/events")).timeout(ANSWER)
                .header("Authorization", "Bearer " + TestApp.WRITER).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
