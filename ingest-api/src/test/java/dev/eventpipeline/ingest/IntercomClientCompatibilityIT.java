package dev.eventpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.ingest.support.Api;
import dev.eventpipeline.testing.SharedKafka;
import dev.eventpipeline.testing.TestTopics;
import dev.eventpipeline.testing.TopicReader;
import io.intercom.api.AuthorizationException;
import io.intercom.api.ClientException;
import io.intercom.api.Event;
import io.intercom.api.Intercom;
import io.intercom.api.Job;
import io.intercom.api.JobItem;
import io.intercom.api.NotFoundException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Intercom's own legacy Java client ({@code io.intercom:intercom-java:2.8.2}, unmodified) against the
 * service: it sends Basic auth and no Intercom-Version, and maps our statuses to its exceptions.
 */
class IntercomClientCompatibilityIT {

    private static final String TOKEN = "intercom-client-token";
    private static String prefix;
    private static IngestService service;

    @BeforeAll
    static void start() {
        prefix = TestTopics.uniquePrefix("intercom-client");
        Map<String, Object> s = new HashMap<>();
        s.put("kafka.bootstrap.servers", SharedKafka.bootstrapServers());
        s.put("topic.prefix", prefix);
        s.put("http.host", "127.0.0.1");
        s.put("http.port", 0);
        s.put("auth.dev.token", TOKEN);
        s.put("auth.dev.workspace", "ws-intercom");
        service = IngestService.start(new IngestConfig(s));
        // No trailing slash: the client would request //events.
        Intercom.setApiBaseURI(URI.create("http://127.0.0.1:" + service.port()));
        Intercom.setToken(TOKEN);
        Api.Response contact = new Api(service.port(), TOKEN).postJson("/contacts", "{\"external_id\":\"314159\",\"email\":\"frodo@example.com\"}");
        assertThat(contact.status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void the_official_client_creates_events_that_reach_raw_events() {
        Event.create(new Event().setEventName("invited-friend").setCreatedAt(1671028894L).setUserID("314159")
                .putMetadata("invite_code", "ADDAFRIEND").putMetadata("load", 3.67));
        Event.create(new Event().setEventName("logged-in").setCreatedAt(1671028895L).setEmail("frodo@example.com"));

        List<ConsumerRecord<String, RawEvent>> raw = TopicReader.readUntil(SharedKafka.bootstrapServers(), Topics.RAW_EVENTS.name(prefix),
                new StringDeserializer(), Topics.RAW_EVENTS.valueSerde().deserializer(),
                records -> records.stream().filter(r -> r.value().createdAt() >= 1671028894L && r.value().createdAt() <= 1671028895L).count() >= 2,
                Duration.ofSeconds(30));
        RawEvent invited = raw.stream().map(ConsumerRecord::value).filter(e -> e.eventName().equals("invited-friend")).findFirst().orElseThrow();
        assertThat(invited.workspaceId()).isEqualTo("ws-intercom");
        assertThat(invited.intercomVersion()).as("the client sends none: the default applies").isEqualTo("2.10");
        assertThat(invited.metadata().get("invite_code").asText()).isEqualTo("ADDAFRIEND");
        assertThat(invited.metadata().get("load").decimalValue()).isEqualByComparingTo("3.67");
        RawEvent loggedIn = raw.stream().map(ConsumerRecord::value).filter(e -> e.eventName().equals("logged-in")).findFirst().orElseThrow();
        assertThat(loggedIn.contact().id()).isEqualTo(invited.contact().id());
    }

    @Test
    void an_unknown_user_is_the_clients_not_found_exception() {
        assertThatThrownBy(() -> Event.create(new Event().setEventName("e").setCreatedAt(1L).setUserID("nobody")))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.getFirstError().getCode()).isEqualTo("not_found");
                    assertThat(e.getFirstError().getMessage()).isEqualTo("User Not Found");
                });
    }

    @Test
    void a_bad_token_is_the_clients_authorization_exception() {
        Intercom.setToken("wrong");
        try {
            assertThatThrownBy(() -> Event.create(new Event().setEventName("e").setCreatedAt(1L).setUserID("314159")))
                    .isInstanceOfSatisfying(AuthorizationException.class,
                            e -> assertThat(e.getFirstError().getMessage()).isEqualTo("Access Token Invalid"));
        } finally {
            Intercom.setToken(TOKEN);
        }
    }

    @Test
    void an_invalid_event_is_the_clients_client_exception_with_our_code() {
        assertThatThrownBy(() -> Event.create(new Event().setEventName("e").setCreatedAt(System.currentTimeMillis()).setUserID("314159")))
                .isInstanceOfSatisfying(ClientException.class,
                        e -> assertThat(e.getFirstError().getCode()).isEqualTo("parameter_invalid"));
    }

    @Test
    void the_clients_bulk_submit_gets_a_completed_job() {
        List<JobItem<Event>> items = List.of(
                new JobItem<>("post", new Event().setEventName("bulk-e").setCreatedAt(10L).setUserID("314159")),
                new JobItem<>("post", new Event().setEventName("bulk-e").setCreatedAt(11L).setUserID("314159")));
        Job job = Event.submit(items);
        assertThat(job.getID()).startsWith("job_");
        assertThat(job.getState()).isEqualTo("completed");
    }
}
