package dev.eventpipeline.dedupe;

import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A seeded mix of raw records and what must come out of them: distinct events, later copies of some
 * (at least the given share), and a few unreadable and invalid records. All copies of an event fall
 * well inside the default 7-day window, so the oracle is: the first copy sent of each event is clean,
 * every other copy a duplicate pointing at it, every bad record a dead letter. Records are keyed by event
 * id, as ingest-api keys them.
 */
final class MixedLoad {

    final long seed;
    final List<ProducerRecord<String, String>> records = new ArrayList<>();
    /** event id → request id of its first copy, in send order. */
    final Map<String, String> firstRequestOf = new LinkedHashMap<>();
    /** request id → event id, for every valid record. */
    final Map<String, String> eventOfRequest = new HashMap<>();
    /** The valid events in send order (bad records left out). */
    final List<RawEvent> validInOrder = new ArrayList<>();
    /** The value of every bad record, as sent. */
    final List<String> badValues = new ArrayList<>();

    private MixedLoad(long seed) {
        this.seed = seed;
    }

    /**
     * {@code total} records on {@code topic}: about {@code duplicateShare} of them later copies, one in
     * every {@code badEvery} unreadable or invalid. Receive times start at {@code start}, one millisecond apart.
     */
    static MixedLoad generate(long seed, String topic, int total, double duplicateShare, int badEvery, Instant start) {
        return generate(seed, topic, total, duplicateShare, badEvery, start, 40);
    }

    /** As above, over {@code eventNames} event names (1: one hot name, the load that once sat on one partition). */
    static MixedLoad generate(long seed, String topic, int total, double duplicateShare, int badEvery, Instant start, int eventNames) {
        MixedLoad load = new MixedLoad(seed);
        Random random = new Random(seed);
        List<RawEvent> sentOnce = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            Instant at = start.plusMillis(i);
            if (badEvery > 0 && i % badEvery == badEvery - 1) {
                String key = "ws" + random.nextInt(3) + ":bad";
                String value = i % 2 == 0 ? "{\"v\":1,\"truncated\":" : "{\"v\":1,\"request_id\":\"" + UUID.randomUUID() + "\"}";
                load.badValues.add(value);
                load.records.add(new ProducerRecord<>(topic, null, at.toEpochMilli(), key, value));
                continue;
            }
            RawEvent event;
            if (!sentOnce.isEmpty() && random.nextDouble() < duplicateShare) {
                RawEvent original = sentOnce.get(random.nextInt(sentOnce.size()));
                event = new RawEvent(1, UUID.randomUUID().toString(), at, original.workspaceId(), original.appId(),
                        original.intercomVersion(), original.contact(), original.eventName(), original.createdAt(), original.metadata());
            } else {
                String workspace = "ws" + random.nextInt(3);
                String contact = "c" + random.nextInt(5_000);
                event = new RawEvent(1, UUID.randomUUID().toString(), at, workspace, "app", "2.10",
                        new ContactRef(contact, ContactRef.ROLE_USER, "u" + contact, null),
                        "event-" + random.nextInt(eventNames), 1_700_000_000L + random.nextInt(1_000_000),
                        Json.mapper().createObjectNode().put("plan", "p" + random.nextInt(5)).put("k" + random.nextInt(14), i));
                sentOnce.add(event);
            }
            String id = EventKeys.eventId(event);
            load.firstRequestOf.putIfAbsent(id, event.requestId());
            load.eventOfRequest.put(event.requestId(), id);
            load.validInOrder.add(event);
            // Keyed as ingest-api keys it: by event id.
            load.records.add(new ProducerRecord<>(topic, null, at.toEpochMilli(), EventKeys.rawEventKey(event), Json.toString(event)));
        }
        return load;
    }

    /**
     * The keys each definition's first copies sent, in no particular order: which ten of them a definition
     * tracks depends on the order they reach its owner, which several tasks interleave.
     */
    Map<String, java.util.Set<String>> keysSentPerDefinition() {
        Map<String, java.util.Set<String>> keys = new HashMap<>();
        for (RawEvent e : validInOrder) {
            if (!e.requestId().equals(firstRequestOf.get(EventKeys.eventId(e)))) {
                continue;
            }
            java.util.Set<String> sent = keys.computeIfAbsent(EventKeys.definitionKey(e.workspaceId(), e.eventName()),
                    d -> new java.util.HashSet<>());
            e.metadata().fieldNames().forEachRemaining(sent::add);
        }
        return keys;
    }

    int validCount() {
        return eventOfRequest.size();
    }

    int expectedDuplicates() {
        return validCount() - firstRequestOf.size();
    }
}
