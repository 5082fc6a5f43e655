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
 * every other copy a duplicate pointing at it, every bad record a dead letter.
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
                        "event-" + random.nextInt(40), 1_700_000_000L + random.nextInt(1_000_000),
                        Json.mapper().createObjectNode().put("plan", "p" + random.nextInt(5)).put("k" + random.nextInt(14), i));
                sentOnce.add(event);
            }
            String id = EventKeys.eventId(event);
            load.firstRequestOf.putIfAbsent(id, event.requestId());
            load.eventOfRequest.put(event.requestId(), id);
            load.validInOrder.add(event);
            load.records.add(new ProducerRecord<>(topic, null, at.toEpochMilli(),
                    EventKeys.definitionKey(event.workspaceId(), event.eventName()), Json.toString(event)));
        }
        return load;
    }

    /**
     * The metadata rules replayed on the first copies, in send order (one partition per definition keeps
     * that order): for each definition, its tracked keys in order and how many times it must be published
     * (created, then once per event that added keys; no promotion within the default 24 h delay).
     */
    Map<String, Map.Entry<List<String>, Integer>> expectedDefinitions() {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        Map<String, Integer> publications = new HashMap<>();
        for (RawEvent e : validInOrder) {
            if (!e.requestId().equals(firstRequestOf.get(EventKeys.eventId(e)))) {
                continue;
            }
            String definition = EventKeys.definitionKey(e.workspaceId(), e.eventName());
            boolean created = !keys.containsKey(definition);
            List<String> tracked = keys.computeIfAbsent(definition, d -> new ArrayList<>());
            boolean added = false;
            for (var it = e.metadata().fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!tracked.contains(key) && tracked.size() < 10) {
                    tracked.add(key);
                    added = true;
                }
            }
            if (created || added) {
                publications.merge(definition, 1, Integer::sum);
            }
        }
        Map<String, Map.Entry<List<String>, Integer>> out = new HashMap<>();
        keys.forEach((d, k) -> out.put(d, Map.entry(k, publications.get(d))));
        return out;
    }

    int validCount() {
        return eventOfRequest.size();
    }

    int expectedDuplicates() {
        return validCount() - firstRequestOf.size();
    }
}
