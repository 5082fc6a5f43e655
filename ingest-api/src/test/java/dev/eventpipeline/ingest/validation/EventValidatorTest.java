package dev.eventpipeline.ingest.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventpipeline.ingest.api.ApiError;
import dev.eventpipeline.ingest.http.StrictJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventValidatorTest {

    private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");

    private static EventValidator.Result validate(String json) {
        return EventValidator.validate(StrictJson.parseObject(json.getBytes(StandardCharsets.UTF_8)), NOW);
    }

    private static String withMetadata(String metadata) {
        return "{\"event_name\":\"e\",\"created_at\":1671028894,\"user_id\":\"u\",\"metadata\":" + metadata + "}";
    }

    private static ApiError onlyError(EventValidator.Result r) {
        assertThat(r.errors()).hasSize(1);
        return r.errors().get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"plain string\"", "\"\"", "3.67", "42", "-7", "0", "1392036272",
        "\"https://example.org/ab1de.html\"", "\"mailto:someone\"",
        "{\"url\":\"https://example.org/o/1\",\"value\":\"the dude abides\"}",
        "{\"value\":\"v\",\"url\":\"HTTP://EXAMPLE.ORG\"}",
        "{\"amount\":34999,\"currency\":\"eur\"}", "{\"currency\":\"USD\",\"amount\":1}"})
    void accepts_every_metadata_shape_intercom_supports(String value) {
        EventValidator.Result r = validate(withMetadata("{\"k\":" + value + "}"));
        assertThat(r.errors()).isEmpty();
        assertThat(r.request().metadata().has("k")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "true", "false", "[]", "[1,2]", "{}", "{\"a\":1}", "{\"url\":\"https://x.org\"}",
        "{\"url\":\"ftp://x.org/f\",\"value\":\"v\"}", "{\"url\":\"not a url\",\"value\":\"v\"}",
        "{\"url\":\"https://x.org\",\"value\":3}", "{\"url\":\"https://x.org\",\"value\":\"v\",\"extra\":1}",
        "{\"amount\":0,\"currency\":\"eur\"}", "{\"amount\":-5,\"currency\":\"eur\"}", "{\"amount\":1.5,\"currency\":\"eur\"}",
        "{\"amount\":\"100\",\"currency\":\"eur\"}", "{\"amount\":100,\"currency\":\"euro\"}",
        "{\"amount\":100,\"currency\":\"xyz\"}", "{\"amount\":100}", "{\"amount\":100,\"currency\":\"eur\",\"x\":null}",
        "{\"nested\":{\"deeper\":1}}", "1e400"})
    void rejects_every_other_metadata_shape_naming_the_key(String value) {
        ApiError e = onlyError(validate(withMetadata("{\"ok\":\"fine\",\"bad key\":" + value + "}")));
        assertThat(e.code()).isEqualTo("parameter_invalid");
        assertThat(e.field()).isEqualTo("metadata.bad key");
    }

    @Test
    void rejects_nested_objects_with_the_intercom_message() {
        assertThat(onlyError(validate(withMetadata("{\"n\":{\"a\":{\"b\":1}}}"))).message())
                .contains("nested JSON structure is not supported");
        assertThat(onlyError(validate(withMetadata("{\"n\":[1]}"))).message()).contains("nested JSON structure is not supported");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"text\"", "3", "true"})
    void rejects_metadata_that_is_not_an_object(String metadata) {
        ApiError e = onlyError(validate(withMetadata(metadata)));
        assertThat(e.code()).isEqualTo("parameter_invalid");
        assertThat(e.field()).isEqualTo("metadata");
    }

    @Test
    void keeps_the_first_ten_non_null_keys_in_sent_order_and_names_the_rest_as_ignored() {
        List<String> keys = new ArrayList<>();
        StringBuilder metadata = new StringBuilder("{\"dropped\":null");
        // Reverse-alphabetical keys: any accidental sorting would change the order.
        for (int i = 14; i >= 0; i--) {
            String key = "k" + (char) ('a' + i);
            keys.add(key);
            metadata.append(",\"").append(key).append("\":").append(i);
            if (i == 3) {
                metadata.append(",\"late_null\":null"); // a null past the tenth drops its key: neither kept nor ignored
            }
        }
        // Past the tenth, values are not checked (Intercom ignores them): a shape that would be a 400 is only named.
        metadata.append(",\"nested\":{\"a\":{\"b\":1}}}");
        keys.add("nested");
        EventRequest request = validate(withMetadata(metadata.toString())).request();
        List<String> names = new ArrayList<>();
        request.metadata().fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyElementsOf(keys.subList(0, 10));
        assertThat(request.ignoredMetadataKeys()).containsExactlyElementsOf(keys.subList(10, keys.size()));
    }

    @Test
    void a_request_with_at_most_ten_keys_ignores_none() {
        assertThat(validate(withMetadata("{\"a\":1,\"b\":null}")).request().ignoredMetadataKeys()).isEmpty();
    }

    @Test
    void stores_currency_lower_case_and_numbers_exactly_as_sent() {
        ObjectNode m = validate(withMetadata("{\"price\":{\"amount\":34999,\"currency\":\"EUR\"},\"load\":3.670,\"big\":12345678901234567890}"))
                .request().metadata();
        assertThat(m.toString()).isEqualTo("{\"price\":{\"amount\":34999,\"currency\":\"eur\"},\"load\":3.670,\"big\":12345678901234567890}");
    }

    @Test
    void rejects_empty_and_overlong_metadata_keys() {
        assertThat(onlyError(validate(withMetadata("{\"\":1}"))).field()).isEqualTo("metadata.");
        String longKey = "k".repeat(256);
        assertThat(onlyError(validate(withMetadata("{\"" + longKey + "\":1}"))).field()).isEqualTo("metadata." + longKey);
        assertThat(validate(withMetadata("{\"" + "k".repeat(255) + "\":1}")).errors()).isEmpty();
    }

    @Test
    void accepts_created_at_up_to_24_hours_ahead_and_rejects_one_second_more_mentioning_milliseconds() {
        long limit = NOW.getEpochSecond() + 24 * 3600;
        assertThat(validate("{\"event_name\":\"e\",\"created_at\":" + limit + ",\"user_id\":\"u\"}").errors()).isEmpty();
        ApiError e = onlyError(validate("{\"event_name\":\"e\",\"created_at\":" + (limit + 1) + ",\"user_id\":\"u\"}"));
        assertThat(e.code()).isEqualTo("parameter_invalid");
        assertThat(e.field()).isEqualTo("created_at");
        assertThat(e.message()).contains("seconds").contains("milliseconds");
        long millis = NOW.toEpochMilli();
        assertThat(onlyError(validate("{\"event_name\":\"e\",\"created_at\":" + millis + ",\"user_id\":\"u\"}")).message())
                .contains("milliseconds");
    }

    @Test
    void collects_every_error_of_a_body_at_once() {
        EventValidator.Result r = validate("{\"event_name\":5,\"created_at\":\"x\",\"metadata\":{\"a\":true}}");
        assertThat(r.errors()).extracting(ApiError::field).containsExactlyInAnyOrder("event_name", "created_at", null, "metadata.a");
    }

    @Test
    void counts_event_name_length_in_characters_not_bytes() {
        String emoji255 = "\uD83D\uDE00".repeat(255);
        assertThat(validate("{\"event_name\":\"" + emoji255 + "\",\"created_at\":1,\"user_id\":\"u\"}").errors()).isEmpty();
        assertThat(onlyError(validate("{\"event_name\":\"" + emoji255 + "x\",\"created_at\":1,\"user_id\":\"u\"}")).field())
                .isEqualTo("event_name");
    }

    @Test
    void ignores_a_workspace_id_in_the_body() {
        JsonNode body = StrictJson.parseObject("{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"u\",\"workspace_id\":\"evil\"}"
                .getBytes(StandardCharsets.UTF_8));
        EventRequest r = EventValidator.validate(body, NOW).request();
        assertThat(r).isEqualTo(new EventRequest("e", 1, "u", null, null, r.metadata()));
    }
}
