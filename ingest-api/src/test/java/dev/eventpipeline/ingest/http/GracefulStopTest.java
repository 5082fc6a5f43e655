package dev.eventpipeline.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.ingest.support.Api;
import dev.eventpipeline.ingest.support.TestApp;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Shutdown: a request waiting for the log is answered before the server stops; new writes are refused meanwhile. */
class GracefulStopTest {

    private static final String EVENT = "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"u\"}";

    @Test
    void drain_lets_in_flight_writes_finish_and_refuses_new_ones_with_503() throws Exception {
        try (TestApp app = TestApp.start()) {
            app.contacts.put(new Contact("contact", "c1", "ws-1", "user", "u", null, null, 1));
            CompletableFuture<Void> kafkaAcks = new CompletableFuture<>();
            app.log.gate = kafkaAcks;
            Api api = app.api();
            CompletableFuture<Api.Response> inFlight = CompletableFuture.supplyAsync(() -> api.postJson("/events", EVENT));
            await().atMost(Duration.ofSeconds(10)).until(() -> app.javalin.inFlightRequests() == 1);

            CompletableFuture<Integer> drained = CompletableFuture.supplyAsync(() -> app.javalin.drain(Duration.ofSeconds(20)));
            await().atMost(Duration.ofSeconds(10)).until(() -> app.api().get("/readyz").status() == 503);
            Api.Response refused = api.postJson("/events", EVENT);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(drained).isNotDone();

            kafkaAcks.complete(null);
            assertThat(inFlight.get().status()).isEqualTo(202);
            assertThat(drained.get()).isZero();
            assertThat(app.log.events).hasSize(1);
        }
    }
}
