package dev.eventpipeline.dedupe.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventpipeline.common.metadata.MetadataShapes;
import dev.eventpipeline.common.records.DroppedMetadata;
import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.records.EventDefinition.MetadataKey;
import dev.eventpipeline.common.records.MetadataType;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.records.TypedValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The metadata rules of one task's event definitions: at most ten tracked keys per (workspace, event
 * name) in the order first sent; the first event's keys active at once, later ones pending until the
 * metadata delay has passed; keys beyond the quota dropped from the clean event.
 *
 * <p>The store is the truth (it has a changelog). Definitions are also kept deserialised in a small
 * per-task LRU map, because every event reads its definition and parsing it from JSON each time would
 * cost more than the rest of the rules; the map is written through and cleared whenever the task is
 * (re)initialised, so it never outlives a state restore.
 */
final class DefinitionTracker {

    /** Definitions kept deserialised per task; a hot set larger than this only costs re-reads. */
    private static final int MIRROR_ENTRIES = 10_000;

    private final KeyValueStore<String, EventDefinition> store;
    private final Duration delay;
    private final Map<String, EventDefinition> mirror = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, EventDefinition> eldest) {
            return size() > MIRROR_ENTRIES;
        }
    };
    /** Earliest {@code active_after} of a pending key; 0 = unknown, so the first check scans the store. */
    private long nextDueMs;
    private long pendingKeys;

    DefinitionTracker(KeyValueStore<String, EventDefinition> store, Duration delay) {
        this.store = store;
        this.delay = delay;
    }

    /** What an event's metadata becomes under its definition. {@code changedDefinition} is null when nothing changed. */
    record Applied(Map<String, TypedValue> metadata, List<DroppedMetadata> dropped, EventDefinition changedDefinition) {}

    /** {@code key} is the event's definition key, {@code <workspace_id>:<event_name>} (the raw record's checked key). */
    Applied apply(String key, RawEvent raw) {
        EventDefinition definition = lookup(key);
        boolean created = definition == null;
        Instant seenAt = raw.receivedAt();
        List<MetadataKey> tracked = created ? new ArrayList<>() : definition.metadata();
        boolean changed = created;
        Map<String, TypedValue> metadata = new LinkedHashMap<>();
        List<DroppedMetadata> dropped = List.of();
        ObjectNode values = raw.metadata();
        if (values != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String name = field.getKey();
                JsonNode value = field.getValue();
                if (value.isNull()) {
                    continue; // Intercom: a null value drops the key.
                }
                MetadataType type = MetadataShapes.typeOf(name, value);
                if (!isTracked(tracked, name)) {
                    if (tracked.size() >= MetadataShapes.MAX_KEYS) {
                        if (dropped.isEmpty()) {
                            dropped = new ArrayList<>();
                        }
                        dropped.add(new DroppedMetadata(name, DroppedMetadata.KEY_QUOTA_EXCEEDED));
                        continue;
                    }
                    if (!created && tracked == definition.metadata()) {
                        // The stored list is immutable and shared with the mirror: copy before the first change.
                        tracked = new ArrayList<>(tracked);
                    }
                    tracked.add(created ? active(name, type, seenAt) : pending(name, type, seenAt));
                    changed = true;
                }
                metadata.put(name, new TypedValue(type.wireName(), MetadataShapes.normalised(value)));
            }
        }
        // Keys past the tenth of the request never reached the definition (ingest-api left them out of
        // metadata); they are dropped for the same reason as keys past the definition's tenth.
        for (String ignored : raw.ignoredMetadataKeys()) {
            if (dropped.isEmpty()) {
                dropped = new ArrayList<>();
            }
            dropped.add(new DroppedMetadata(ignored, DroppedMetadata.KEY_QUOTA_EXCEEDED));
        }
        EventDefinition changedDefinition = null;
        if (changed) {
            changedDefinition = new EventDefinition(raw.workspaceId(), raw.eventName(),
                    created ? seenAt : definition.firstSeenAt(), seenAt, List.copyOf(tracked));
            remember(key, changedDefinition);
        }
        return new Applied(metadata, dropped, changedDefinition);
    }

    /** Turns every pending key whose delay has passed by {@code nowMs} active; returns the changed definitions. */
    List<EventDefinition> promotePendingKeys(long nowMs) {
        if (nextDueMs != 0 && nowMs < nextDueMs) {
            return List.of();
        }
        List<KeyValue<String, EventDefinition>> changed = new ArrayList<>();
        long nextDue = Long.MAX_VALUE;
        long stillPending = 0;
        try (KeyValueIterator<String, EventDefinition> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, EventDefinition> entry = all.next();
                EventDefinition definition = entry.value;
                List<MetadataKey> keys = new ArrayList<>(definition.metadata().size());
                boolean promoted = false;
                for (MetadataKey k : definition.metadata()) {
                    if (MetadataKey.PENDING.equals(k.status()) && k.activeAfter().toEpochMilli() <= nowMs) {
                        // Active since the moment the delay passed, not since this check noticed it.
                        keys.add(new MetadataKey(k.key(), k.type(), MetadataKey.ACTIVE, k.firstSeenAt(), k.activeAfter(), null));
                        promoted = true;
                    } else {
                        if (MetadataKey.PENDING.equals(k.status())) {
                            stillPending++;
                            nextDue = Math.min(nextDue, k.activeAfter().toEpochMilli());
                        }
                        keys.add(k);
                    }
                }
                if (promoted) {
                    changed.add(KeyValue.pair(entry.key, new EventDefinition(definition.workspaceId(), definition.eventName(),
                            definition.firstSeenAt(), Instant.ofEpochMilli(nowMs), List.copyOf(keys))));
                }
            }
        }
        // Written after the iterator is closed: no store is modified under an open iterator.
        List<EventDefinition> out = new ArrayList<>(changed.size());
        for (KeyValue<String, EventDefinition> kv : changed) {
            remember(kv.key, kv.value);
            out.add(kv.value);
        }
        nextDueMs = nextDue;
        pendingKeys = stillPending;
        return out;
    }

    long pendingKeys() {
        return pendingKeys;
    }

    void forgetMirror() {
        mirror.clear();
        nextDueMs = 0;
    }

    private EventDefinition lookup(String key) {
        EventDefinition definition = mirror.get(key);
        if (definition == null) {
            definition = store.get(key);
            if (definition != null) {
                mirror.put(key, definition);
            }
        }
        return definition;
    }

    private void remember(String key, EventDefinition definition) {
        store.put(key, definition);
        mirror.put(key, definition);
    }

    private MetadataKey active(String name, MetadataType type, Instant seenAt) {
        return new MetadataKey(name, type.wireName(), MetadataKey.ACTIVE, seenAt, seenAt, null);
    }

    private MetadataKey pending(String name, MetadataType type, Instant seenAt) {
        Instant due = seenAt.plus(delay);
        // While nextDueMs is unknown (0) it stays so: the next check must scan, older pending keys may be due first.
        if (nextDueMs != 0 && due.toEpochMilli() < nextDueMs) {
            nextDueMs = due.toEpochMilli();
        }
        pendingKeys++;
        return new MetadataKey(name, type.wireName(), MetadataKey.PENDING, seenAt, null, due);
    }

    private static boolean isTracked(List<MetadataKey> tracked, String name) {
        for (MetadataKey k : tracked) {
            if (k.key().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
