package dev.eventpipeline.ingest.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.ingest.http.HttpLimits;
import dev.eventpipeline.ingest.support.Api;
import dev.eventpipeline.ingest.support.TestApp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** POST /contacts and GET /contacts/{id}; the directory and trust modes as seen over HTTP. */
class ContactsApiTest {

    @Test
    void creates_a_user_answers_the_contact_object_and_publishes_it() {
        try (TestApp app = TestApp.start()) {
            Api.Response r = app.api().postJson("/contacts", "{\"external_id\":\"314159\",\"email\":\"frodo@example.com\"}");
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            JsonNode c = r.json();
            assertThat(c.get("type").asText()).isEqualTo("contact");
            // A user's id is derived from its external_id, so every instance that creates it names the same contact.
            assertThat(c.get("id").asText()).isEqualTo(ContactIds.forExternalId("ws-1", "314159"));
            assertThat(c.get("workspace_id").asText()).isEqualTo("ws-1");
            assertThat(c.get("role").asText()).isEqualTo("user");
            assertThat(c.get("external_id").asText()).isEqualTo("314159");
            assertThat(c.get("email").asText()).isEqualTo("frodo@example.com");
            assertThat(c.get("name").isNull()).isTrue();
            assertThat(c.get("created_at").asLong()).isEqualTo(TestApp.NOW.getEpochSecond());
            assertThat(app.log.contacts).extracting(Contact::id).containsExactly(c.get("id").asText());
        }
    }

    @Test
    void an_event_right_after_the_200_resolves_to_the_new_contact() {
        try (TestApp app = TestApp.start()) {
            String id = app.api().postJson("/contacts", "{\"external_id\":\"u-1\"}").json().get("id").asText();
            Api.Response event = app.api().postJson("/events", "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"u-1\"}");
            assertThat(event.status()).isEqualTo(202);
            assertThat(app.log.events.get(0).contact().id()).isEqualTo(id);
            assertThat(app.api().get("/contacts/" + id).json().get("external_id").asText()).isEqualTo("u-1");
        }
    }

    @Test
    void a_second_user_with_the_same_external_id_is_409_even_when_requests_race() throws Exception {
        try (TestApp app = TestApp.start()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    results.add(pool.submit(() -> app.api().postJson("/contacts", "{\"external_id\":\"same\"}").status()));
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> f : results) {
                    statuses.add(f.get());
                }
                assertThat(statuses).containsOnly(200, 409);
                assertThat(statuses.stream().filter(s -> s == 200)).hasSize(1);
                assertThat(app.log.contacts).hasSize(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void two_instances_creating_one_user_at_once_both_name_the_same_contact() throws Exception {
        // Two instances that have not read each other's writes yet: each admits the create.
        try (TestApp one = TestApp.start(); TestApp two = TestApp.start()) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Api.Response> a = pool.submit(() -> one.api().postJson("/contacts", "{\"external_id\":\"race\",\"email\":\"a@example.com\"}"));
                Future<Api.Response> b = pool.submit(() -> two.api().postJson("/contacts", "{\"external_id\":\"race\",\"email\":\"b@example.com\"}"));
                assertThat(a.get().status()).isEqualTo(200);
                assertThat(b.get().status()).isEqualTo(200);
                String id = ContactIds.forExternalId("ws-1", "race");
                assertThat(a.get().json().get("id").asText()).isEqualTo(id);
                assertThat(b.get().json().get("id").asText()).isEqualTo(id);
                // Both records have the key ws-1:<id> on the compacted topic: one contact remains.
                assertThat(one.log.contacts).extracting(Contact::id).containsExactly(id);
                assertThat(two.log.contacts).extracting(Contact::id).containsExactly(id);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void a_user_created_from_an_email_alone_or_a_lead_gets_a_random_id() {
        try (TestApp app = TestApp.start()) {
            String first = app.api().postJson("/contacts", "{\"email\":\"same@example.com\"}").json().get("id").asText();
            String second = app.api().postJson("/contacts", "{\"email\":\"same@example.com\"}").json().get("id").asText();
            String lead = app.api().postJson("/contacts", "{\"role\":\"lead\",\"external_id\":\"314159\"}").json().get("id").asText();
            assertThat(first).matches("[0-9a-f]{24}").isNotEqualTo(second);
            // A lead's external_id is not a user's: it derives nothing and never collides with the user 314159.
            assertThat(lead).isNotEqualTo(ContactIds.forExternalId("ws-1", "314159"));
        }
    }

    @Test
    void leads_need_no_identifier_and_are_reached_by_id_only() {
        try (TestApp app = TestApp.start()) {
            Api.Response lead = app.api().postJson("/contacts", "{\"role\":\"lead\",\"email\":\"lead@example.com\"}");
            assertThat(lead.status()).isEqualTo(200);
            assertThat(app.api().postJson("/contacts", "{\"role\":\"lead\"}").status()).isEqualTo(200);
            String id = lead.json().get("id").asText();
            assertThat(app.api().postJson("/events", "{\"event_name\":\"e\",\"created_at\":1,\"email\":\"lead@example.com\"}").status()).isEqualTo(404);
            assertThat(app.api().postJson("/events", "{\"event_name\":\"e\",\"created_at\":1,\"id\":\"" + id + "\"}").status()).isEqualTo(202);
            assertThat(app.log.events.get(0).contact().role()).isEqualTo("lead");
        }
    }

    @Test
    void invalid_contact_bodies_are_400() {
        try (TestApp app = TestApp.start()) {
            Api api = app.api();
            Api.Response noId = api.postJson("/contacts", "{\"name\":\"nobody\"}");
            assertThat(noId.status()).isEqualTo(400);
            assertThat(noId.firstCode()).isEqualTo("parameter_not_found");
            Api.Response badRole = api.postJson("/contacts", "{\"role\":\"admin\",\"external_id\":\"x\"}");
            assertThat(badRole.status()).isEqualTo(400);
            assertThat(badRole.firstField()).isEqualTo("role");
            assertThat(api.postJson("/contacts", "{\"external_id\":5}").firstField()).isEqualTo("external_id");
            assertThat(app.log.contacts).isEmpty();
        }
    }

    @Test
    void get_of_an_unknown_or_foreign_contact_is_404() {
        try (TestApp app = TestApp.start()) {
            String id = app.api().postJson("/contacts", "{\"external_id\":\"x\"}").json().get("id").asText();
            Api.Response missing = app.api().get("/contacts/000000000000000000000000");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.firstCode()).isEqualTo("not_found");
            assertThat(app.api(TestApp.OTHER).get("/contacts/" + id).status()).isEqualTo(404);
        }
    }

    @Test
    void a_failed_publish_is_503_and_leaves_the_external_id_free() {
        try (TestApp app = TestApp.start()) {
            app.log.failWrites = true;
            assertThat(app.api().postJson("/contacts", "{\"external_id\":\"x\"}").status()).isEqualTo(503);
            app.log.failWrites = false;
            assertThat(app.api().postJson("/contacts", "{\"external_id\":\"x\"}").status()).isEqualTo(200);
        }
    }

    @Test
    void trust_mode_creates_an_unknown_user_once_and_reuses_it() {
        try (TestApp app = TestApp.start(HttpLimits.defaults(), true)) {
            for (int i = 0; i < 3; i++) {
                assertThat(app.api().postJson("/events", "{\"event_name\":\"e\",\"created_at\":" + i + ",\"user_id\":\"new\"}").status()).isEqualTo(202);
            }
            assertThat(app.log.contacts).hasSize(1);
            Contact created = app.log.contacts.get(0);
            assertThat(created.externalId()).isEqualTo("new");
            assertThat(created.id()).isEqualTo(ContactIds.forExternalId("ws-1", "new"));
            assertThat(app.log.events).extracting(e -> e.contact().id()).containsOnly(created.id());
            // An unknown id is still 404: trust creates users from user_id or email only.
            assertThat(app.api().postJson("/events", "{\"event_name\":\"e\",\"created_at\":1,\"id\":\"nope\"}").status()).isEqualTo(404);
        }
    }
}
