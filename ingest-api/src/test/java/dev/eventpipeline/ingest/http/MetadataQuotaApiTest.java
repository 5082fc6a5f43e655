package dev.eventpipeline.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.ingest.support.Api;
import dev.eventpipeline.ingest.support.TestApp;
import dev.eventpipeline.testing.JsonSchemas;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keys past the tenth of one request: accepted (Intercom ignores them), never dropped without a trace. */
class MetadataQuotaApiTest {

    @Test
    void keys_past_the_tenth_are_kept_out_of_metadata_and_named_on_the_accepted_request() {
        try (TestApp app = TestApp.start()) {
            app.contacts.put(new Contact("contact", "c1", "ws-1", "user", "u", null, null, 1));
            StringBuilder metadata = new StringBuilder("{");
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 13; i++) {
                String key = "key" + (12 - i); // descending: any sorting would show
                sent.add(key);
                metadata.append(i == 0 ? "" : ",").append('"').append(key).append("\":").append(i);
            }
            metadata.append('}');
            Api.Response r = app.api().postJson("/events", "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"u\",\"metadata\":" + metadata + "}");
            assertThat(r.status()).isEqualTo(202);

            RawEvent event = app.log.events.get(0);
            List<String> kept = new ArrayList<>();
            event.metadata().fieldNames().forEachRemaining(kept::add);
            assertThat(kept).containsExactlyElementsOf(sent.subList(0, 10));
            assertThat(event.ignoredMetadataKeys()).containsExactlyElementsOf(sent.subList(10, 13));
            // On the wire as the schema other teams are given says; absent when nothing was ignored.
            JsonSchemas.assertValid(Topics.RAW_EVENTS, Json.toBytes(event));
            assertThat(Json.toString(event)).contains("\"ignored_metadata_keys\":[\"key2\",\"key1\",\"key0\"]");

            app.api().postJson("/events", "{\"event_name\":\"e\",\"created_at\":2,\"user_id\":\"u\",\"metadata\":{\"a\":1}}");
            assertThat(Json.toString(app.log.events.get(1))).doesNotContain("ignored_metadata_keys");
        }
    }
}
