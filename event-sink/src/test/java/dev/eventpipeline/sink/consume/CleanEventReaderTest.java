package dev.eventpipeline.sink.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.DeadLetter;
import dev.eventpipeline.common.records.DroppedMetadata;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.TypedValue;
import dev.eventpipeline.sink.consume.RecordDecoder.Decoded;
import dev.eventpipeline.store.EventStore.EventRow;
import dev.eventpipeline.store.SqlDialect;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming reader against its oracle, the general mapper: for every record, the decoder must give
 * what reading it into a {@code CleanEvent} (and rendering that as a row) gives, or dead-letter it
 * for the same reason.
 */
class CleanEventReaderTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long SEED = Long.getLong("reader.seed", System.nanoTime());
    private final RecordDecoder decoder = new RecordDecoder("t.");

    /** What the decoder did before the streaming reader: the general mapper, then the same checks. */
    private static Decoded expected(byte[] value) {
        CleanEvent e;
        try {
            e = Json.fromBytes(value, CleanEvent.class);
        } catch (RuntimeException unreadable) {
            return new Decoded(null, null, new DeadLetter(DeadLetter.REASON_UNREADABLE, "", "", 0, 0, null, null));
        }
        if (e == null || e.id() == null || e.workspaceId() == null || e.contact() == null || e.contact().id() == null
                || e.eventName() == null || e.receivedAt() == null || e.requestId() == null
                || !EventKeys.eventId(e.workspaceId(), e.contact().id(), e.eventName(), e.createdAt()).equals(e.id())) {
            return new Decoded(null, null, new DeadLetter(DeadLetter.REASON_INVALID, "", "", 0, 0, null, null));
        }
        return new Decoded(EventRow.of(e), null, null);
    }

    private void assertDecodesLikeTheMapper(byte[] value) {
        Decoded want = expected(value);
        Decoded got = decoder.decode(new ConsumerRecord<>("t.clean-events", 0, 7L, null, value));
        String input = new String(value, StandardCharsets.UTF_8);
        assertThat(got.event()).as("row of %s (seed %d)", input, SEED).isEqualTo(want.event());
        assertThat(got.deadLetter() == null ? null : got.deadLetter().reason()).as("dead letter of %s (seed %d)", input, SEED)
                .isEqualTo(want.deadLetter() == null ? null : want.deadLetter().reason());
    }

    @Test
    void reads_random_events_in_the_pipelines_form_in_one_pass_exactly_as_the_mapper_does() {
        System.out.println("CleanEventReaderTest seed " + SEED + " (override with -Dreader.seed=)");
        Random random = new Random(SEED);
        for (int i = 0; i < 2_000; i++) {
            byte[] value = Json.toBytes(randomEvent(random));
            assertThat(CleanEventReader.read(value)).as("streaming read of %s (seed %d)",
                    new String(value, StandardCharsets.UTF_8), SEED).isNotNull();
            assertDecodesLikeTheMapper(value);
        }
    }

    /** Forms other producers could write; each is decoded as the mapper decodes it (most by the mapper itself). */
    @ParameterizedTest
    @ValueSource(strings = {
        // whitespace, escapes the generator would not write, keys in another order, extra keys
        "{ \"id\" : \"$ID\", \"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\"},"
            + "\"metadata\":{ \"k\" : { \"type\" : \"string\" , \"value\" : \"a\\u00e9\\/b\" } },\"received_at\":\"2026-11-27T08:00:00Z\",\"request_id\":\"r\"}",
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\",\"extra\":[1,{}]},"
            + "\"metadata\":{\"k\":{\"value\":1,\"type\":\"number\"}},\"received_at\":\"2026-11-27T08:00:00.1Z\",\"request_id\":\"r\",\"v\":2}",
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\"},"
            + "\"metadata\":{\"k\":{\"type\":\"number\",\"value\":1.50,\"note\":\"x\"}},\"received_at\":\"2026-11-27T08:00:00.123456789Z\",\"request_id\":\"r\"}",
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\"},"
            + "\"metadata\":{\"a\":{\"type\":\"number\",\"value\":1e2},\"b\":{\"type\":\"number\",\"value\":-0},\"c\":{\"type\":\"x\"}},"
            + "\"received_at\":\"2026-11-27T08:00:00.123Z\",\"request_id\":\"r\"}",
        // numbers in forms the generator would write otherwise, and an escape it would write otherwise
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\"},"
            + "\"metadata\":{\"a\":{\"type\":\"number\",\"value\":[1e2,-0,1.50,0.1e-3,12345678901234567890123,-0.0]},"
            + "\"\\u00e9\":{\"type\":\"s\",\"value\":\"\\/\\u0041\"}},\"received_at\":\"2026-11-27T08:00:00.123Z\",\"request_id\":\"r\"}",
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\"},"
            + "\"metadata\":{\"a\":{\"type\":\"number\",\"value\":1E+400}},\"received_at\":\"2026-11-27T08:00:00.123Z\",\"request_id\":\"r\"}",
        // coercions the mapper makes: a number where a string is expected, a string where a number is
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":\"1700000000\",\"contact\":{\"id\":\"c\"},"
            + "\"received_at\":\"2026-11-27T08:00:00Z\",\"request_id\":7}",
        // received_at in other ISO-8601 forms
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\"},"
            + "\"received_at\":\"2026-11-27t08:00:00z\",\"request_id\":\"r\"}",
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\"},"
            + "\"received_at\":\"2026-11-27T08:00:00+01:00\",\"request_id\":\"r\"}",
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\"},"
            + "\"received_at\":1764230400,\"request_id\":\"r\"}",
        // null and missing parts
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\"},"
            + "\"metadata\":null,\"dropped_metadata\":null,\"received_at\":\"2026-11-27T08:00:00Z\",\"request_id\":\"r\"}",
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"contact\":{\"id\":\"c\"},\"received_at\":\"2026-11-27T08:00:00Z\",\"request_id\":\"r\"}",
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":null,\"received_at\":\"2026-11-27T08:00:00Z\",\"request_id\":\"r\"}",
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\"},\"request_id\":\"r\"}",
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\"},"
            + "\"dropped_metadata\":[{\"key\":\"k\"},{\"reason\":\"r\",\"key\":\"j\"}],\"received_at\":\"2026-11-27T08:00:00Z\",\"request_id\":\"r\"}",
        // what the mapper refuses: a duplicate key, trailing tokens, metadata of the wrong shape, an impossible date
        "{\"id\":\"$ID\",\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\"},"
            + "\"received_at\":\"2026-11-27T08:00:00Z\",\"request_id\":\"r\"}",
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\"},"
            + "\"received_at\":\"2026-11-27T08:00:00Z\",\"request_id\":\"r\"} {}",
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\"},"
            + "\"metadata\":{\"k\":\"bare\"},\"received_at\":\"2026-11-27T08:00:00Z\",\"request_id\":\"r\"}",
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\"},"
            + "\"metadata\":{\"k\":{\"type\":\"t\",\"value\":1,\"value\":2}},\"received_at\":\"2026-11-27T08:00:00Z\",\"request_id\":\"r\"}",
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\"},"
            + "\"metadata\":[],\"received_at\":\"2026-11-27T08:00:00Z\",\"request_id\":\"r\"}",
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000000,\"contact\":{\"id\":\"c\"},"
            + "\"received_at\":\"2026-02-30T08:00:00Z\",\"request_id\":\"r\"}",
        "{\"id\":\"$ID\",\"workspace_id\":\"w\",\"event_name\":\"e\",\"created_at\":1700000001,\"contact\":{\"id\":\"c\"},"
            + "\"received_at\":\"2026-11-27T08:00:00Z\",\"request_id\":\"r\"}",
        "null", "[]", "\"text\"", "{\"id\":", ""})
    void decodes_other_forms_as_the_mapper_does(String json) {
        String id = EventKeys.eventId("w", "c", "e", 1_700_000_000L);
        assertDecodesLikeTheMapper(json.replace("$ID", id).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void renders_received_at_as_the_store_renders_the_instant_or_leaves_it_to_the_mapper() {
        Random random = new Random(SEED);
        for (int i = 0; i < 10_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 253_000_000_000L),
                    random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000));
            String iso = instant.toString(); // ISO_INSTANT, as Jackson writes it: fractions of 3, 6 or 9 digits
            if (random.nextBoolean() && iso.contains(".")) {
                iso = iso.substring(0, iso.length() - 1 - random.nextInt(iso.length() - iso.indexOf('.') - 2)) + "Z";
            }
            assertThat(CleanEventReader.microsTimestamp(iso)).as("%s (seed %d)", iso, SEED)
                    .isEqualTo(SqlDialect.timestamp(Instant.parse(iso)));
        }
        for (String other : List.of("2026-02-29T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T23:59:60Z", "2026-11-27T08:00:00.Z",
                "2026-11-27T08:00:00", "2026-11-27 08:00:00Z", "+2026-11-27T08:00:00Z", "2026-11-27T08:00:00.1234567890Z")) {
            assertThat(CleanEventReader.microsTimestamp(other)).as(other).isNull();
        }
    }

    private static CleanEvent randomEvent(Random random) {
        String workspace = randomText(random);
        String contact = randomText(random);
        String name = randomText(random);
        long createdAt = random.nextInt(3) == 0 ? random.nextLong() : 1_700_000_000L + random.nextInt(1_000_000);
        Map<String, TypedValue> metadata = new LinkedHashMap<>();
        int keys = random.nextInt(6);
        for (int k = 0; k < keys; k++) {
            metadata.put(randomText(random), new TypedValue(random.nextInt(8) == 0 ? null : randomText(random), randomValue(random, 2)));
        }
        List<DroppedMetadata> dropped = new ArrayList<>();
        for (int k = random.nextInt(3); k > 0; k--) {
            dropped.add(new DroppedMetadata(randomText(random), random.nextBoolean() ? null : DroppedMetadata.KEY_QUOTA_EXCEEDED));
        }
        Instant receivedAt = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000), random.nextInt(1_000_000_000));
        return new CleanEvent(EventKeys.eventId(workspace, contact, name, createdAt), workspace, name, createdAt,
                new ContactRef(contact, random.nextBoolean() ? ContactRef.ROLE_USER : null, random.nextBoolean() ? null : randomText(random),
                        random.nextBoolean() ? null : randomText(random) + "@example.com"),
                random.nextInt(10) == 0 ? null : metadata, random.nextInt(10) == 0 ? null : dropped, receivedAt,
                randomText(random), random.nextBoolean() ? null : "2.10");
    }

    private static final String[] PIECES = {"a", "Zz", "0", " ", "\"", "\\", "/", "\n", "\t", "\u0001", "\u007f", "é", "日本",
        "😀", "\u2028", "<>&'", "ev_", ":"};

    private static String randomText(Random random) {
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(6); i >= 0; i--) {
            b.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return b.toString();
    }

    private static JsonNode randomValue(Random random, int depth) {
        switch (random.nextInt(depth > 0 ? 12 : 10)) {
            case 0: return NODES.textNode(randomText(random));
            case 1: return NODES.numberNode(random.nextInt());
            case 2: return NODES.numberNode(random.nextLong());
            case 3: return NODES.numberNode(new BigInteger(80, random).negate());
            case 4: return NODES.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            case 5: return NODES.numberNode(-0.0);
            case 6: return NODES.numberNode(Double.MIN_VALUE * random.nextInt(1000));
            case 7: return NODES.booleanNode(random.nextBoolean());
            case 8: return NODES.nullNode();
            case 9: return NODES.numberNode((double) random.nextInt(100));
            case 10: {
                ObjectNode o = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    o.set(randomText(random), randomValue(random, depth - 1));
                }
                return o;
            }
            default: {
                ArrayNode a = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    a.add(randomValue(random, depth - 1));
                }
                return a;
            }
        }
    }
}
