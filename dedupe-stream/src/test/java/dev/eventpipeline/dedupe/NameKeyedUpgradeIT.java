package dev.eventpipeline.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.config.KafkaSettings;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.DroppedMetadata;
import dev.eventpipeline.common.records.DuplicateEvent;
import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.TopicProvisioner;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.dedupe.metrics.DedupeMetrics;
import dev.eventpipeline.dedupe.topology.NameKeyedTopology;
import dev.eventpipeline.dedupe.topology.TopologySettings;
import dev.eventpipeline.testing.SharedKafka;
import dev.eventpipeline.testing.TestTopics;
import dev.eventpipeline.testing.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upgrade from the name-keyed topology (docs/dedupe-stream.md, "Upgrading from the name-keyed
 * topology"), on the real broker, as an operator runs it: the released topology processes a load and
 * stops; more name-keyed records arrive while no stream runs (an ingest-api of the old version still
 * writing); the event-id-keyed service starts on the same application id and state directory, and
 * event-id-keyed records arrive (the new ingest-api).
 *
 * <p>Expected afterwards: every raw record in exactly one output topic; each event clean exactly once over
 * both versions — a copy of an event the old version already cleaned is a duplicate of that first request
 * (its de-duplication memory was seeded), a name-keyed record of the backlog is re-keyed and meets its
 * copies; the definitions continue where the old version left them (a full one drops a new key, one with
 * room takes it).
 */
class NameKeyedUpgradeIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path stateDir;

    private final List<ProducerRecord<String, String>> all = new ArrayList<>();

    @Test
    void a_deployment_of_the_name_keyed_topology_upgrades_without_losing_or_doubling_an_event() throws Exception {
        long seed = Long.getLong("dedupe.seed", System.nanoTime());
        System.out.println("NameKeyedUpgradeIT seed " + seed);
        Random random = new Random(seed);
        String bootstrap = SharedKafka.bootstrapServers();
        String prefix = TestTopics.uniquePrefix("upgrade");
        String topic = Topics.RAW_EVENTS.name(prefix);
        Map<String, Object> settings = ConservationIT.settings(bootstrap, prefix, stateDir);
        DedupeConfig config = new DedupeConfig(settings);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            new TopicProvisioner(admin, prefix, 3, (short) -1, TIMEOUT).ensure(DedupeService.TOPICS, Map.of());
        }

        // 1. The released topology: 300 events, some sent twice; "full" gets its ten keys, "roomy" two.
        Instant t = Instant.now().minusSeconds(120);
        List<RawEvent> old = new ArrayList<>();
        old.add(event("full", "c-first", 1, t, keys(10)));
        old.add(event("roomy", "c-first", 1, t, keys(2)));
        for (int i = 0; i < 300; i++) {
            old.add(event(random.nextBoolean() ? "full" : "roomy", "c" + random.nextInt(100), 100 + i, t.plusMillis(i), keys(2)));
        }
        List<RawEvent> oldCopies = copies(old, 60, random, t.plusSeconds(5));
        TopologySettings v1 = DedupeService.settings(config, DedupeMetrics.discarding());
        try (KafkaStreams released = new KafkaStreams(NameKeyedTopology.build(v1), DedupeService.streamsProperties(config, v1))) {
            released.start();
            send(bootstrap, topic, old, true);
            send(bootstrap, topic, oldCopies, true);
            Pipeline.awaitOutputs(bootstrap, prefix, all.size(), TIMEOUT);
        }

        // 2. While no stream runs, the old ingest-api keeps writing name-keyed records: copies of old events, new events.
        List<RawEvent> backlog = new ArrayList<>(copies(old, 40, random, t.plusSeconds(10)));
        for (int i = 0; i < 100; i++) {
            backlog.add(event("roomy", "c" + random.nextInt(100), 1_000 + i, t.plusSeconds(11).plusMillis(i), keys(2)));
        }
        send(bootstrap, topic, backlog, true);

        // 3. The new service on the same application id and state directory, and the new ingest-api's records.
        List<RawEvent> fresh = new ArrayList<>(copies(old, 50, random, t.plusSeconds(20)));
        fresh.addAll(copies(backlog.subList(40, 140), 30, random, t.plusSeconds(21)));
        fresh.add(event("full", "c-new", 5_000, t.plusSeconds(22), json("k3", 3, "k99", "late")));
        fresh.add(event("roomy", "c-new", 5_001, t.plusSeconds(22), json("k0", 0, "extra", "x")));
        for (int i = 0; i < 100; i++) {
            fresh.add(event("full", "c" + random.nextInt(100), 6_000 + i, t.plusSeconds(23).plusMillis(i), keys(3)));
        }
        DedupeMetrics metrics;
        try (DedupeService upgraded = DedupeService.start(config)) {
            upgraded.awaitRunning(TIMEOUT);
            send(bootstrap, topic, fresh, false);
            Pipeline.awaitOutputs(bootstrap, prefix, all.size(), TIMEOUT);
            metrics = upgraded.metrics();
        }

        Duration read = Duration.ofMinutes(1);
        List<CleanEvent> clean = TopicReader.readToEnd(bootstrap, Topics.CLEAN_EVENTS.name(prefix), Topics.CLEAN_EVENTS.keySerde().deserializer(),
                Topics.CLEAN_EVENTS.valueSerde().deserializer(), read).stream().map(ConsumerRecord::value).toList();
        List<DuplicateEvent> duplicates = TopicReader.readToEnd(bootstrap, Topics.DUPLICATE_EVENTS.name(prefix),
                Topics.DUPLICATE_EVENTS.keySerde().deserializer(), Topics.DUPLICATE_EVENTS.valueSerde().deserializer(), read)
                .stream().map(ConsumerRecord::value).toList();
        int deadLetters = TopicReader.readToEnd(bootstrap, Topics.DEAD_LETTER_EVENTS.name(prefix), Topics.DEAD_LETTER_EVENTS.keySerde().deserializer(),
                Topics.DEAD_LETTER_EVENTS.valueSerde().deserializer(), read).size();

        // Conservation over both versions.
        assertThat(deadLetters).as("seed %d", seed).isZero();
        assertThat(clean.size() + duplicates.size()).as("seed %d", seed).isEqualTo(all.size());
        Map<String, String> firstOfEvent = new LinkedHashMap<>();
        for (List<RawEvent> part : List.of(old, oldCopies, backlog, fresh)) {
            part.forEach(e -> firstOfEvent.putIfAbsent(EventKeys.eventId(e), e.requestId()));
        }
        assertThat(clean).extracting(CleanEvent::id).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(firstOfEvent.keySet());
        Map<String, String> cleanRequest = clean.stream().collect(Collectors.toMap(CleanEvent::id, CleanEvent::requestId));
        assertThat(duplicates).allSatisfy(d -> assertThat(d.firstRequestId()).isEqualTo(cleanRequest.get(d.id())));
        // Events the old version cleaned keep their first request: later copies of both new kinds are its duplicates.
        for (RawEvent e : old) {
            assertThat(cleanRequest.get(EventKeys.eventId(e))).as("seed %d", seed).isEqualTo(firstOfEvent.get(EventKeys.eventId(e)));
        }
        assertThat(metrics.count("dedupe.events.rekeyed")).isGreaterThanOrEqualTo(backlog.size());
        assertThat(metrics.count("dedupe.upgrade.seeds")).isGreaterThanOrEqualTo(old.size());

        // Definitions continue from the old store: full stays at ten keys, roomy takes the new key.
        Map<String, EventDefinition> definitions = new HashMap<>();
        TopicReader.readToEnd(bootstrap, Topics.EVENT_DEFINITIONS.name(prefix), Topics.EVENT_DEFINITIONS.keySerde().deserializer(),
                Topics.EVENT_DEFINITIONS.valueSerde().deserializer(), read).forEach(r -> definitions.put(r.key(), r.value()));
        assertThat(definitions.get("ws:full").metadata()).hasSize(10);
        assertThat(definitions.get("ws:roomy").metadata()).extracting(EventDefinition.MetadataKey::key).contains("k0", "k1", "extra");
        CleanEvent late = clean.stream().filter(c -> c.createdAt() == 5_000).findFirst().orElseThrow();
        assertThat(late.droppedMetadata()).containsExactly(new DroppedMetadata("k99", DroppedMetadata.KEY_QUOTA_EXCEEDED));
    }

    private void send(String bootstrap, String topic, List<RawEvent> events, boolean nameKeyed) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (RawEvent e : events) {
            String key = nameKeyed ? EventKeys.definitionKey(e.workspaceId(), e.eventName()) : EventKeys.rawEventKey(e);
            records.add(new ProducerRecord<>(topic, null, e.receivedAt().toEpochMilli(), key, Json.toString(e)));
        }
        all.addAll(records);
        Pipeline.produce(bootstrap, records);
    }

    private static RawEvent event(String name, String contact, long createdAt, Instant at, com.fasterxml.jackson.databind.node.ObjectNode metadata) {
        return new RawEvent(1, UUID.randomUUID().toString(), at, "ws", "app", "2.10",
                new ContactRef(contact, ContactRef.ROLE_USER, "u-" + contact, null), name, createdAt, metadata);
    }

    /** Later copies (new request ids, later receive times) of {@code n} events picked from {@code events}. */
    private static List<RawEvent> copies(List<RawEvent> events, int n, Random random, Instant at) {
        List<RawEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RawEvent e = events.get(random.nextInt(events.size()));
            out.add(new RawEvent(1, UUID.randomUUID().toString(), at.plusMillis(i), e.workspaceId(), e.appId(), e.intercomVersion(),
                    e.contact(), e.eventName(), e.createdAt(), e.metadata()));
        }
        return out;
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode keys(int n) {
        com.fasterxml.jackson.databind.node.ObjectNode m = Json.mapper().createObjectNode();
        for (int i = 0; i < n; i++) {
            m.put("k" + i, i);
        }
        return m;
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode json(String k1, Object v1, String k2, Object v2) {
        com.fasterxml.jackson.databind.node.ObjectNode m = Json.mapper().createObjectNode();
        m.set(k1, Json.mapper().valueToTree(v1));
        m.set(k2, Json.mapper().valueToTree(v2));
        return m;
    }
}
