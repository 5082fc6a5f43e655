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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A de-duplication task's read-only copy of the event definitions (the global store fed by
 * {@code event-definitions}), and the decisions it may take alone.
 *
 * <p>A definition's tracked keys only ever grow, and a full one (ten keys) never changes which keys it
 * tracks. So a copy, however late, decides two cases exactly as the owner would at any later moment: every
 * key of the event is tracked (all values kept), or the copy is full (untracked keys dropped for the quota).
 * Anything else — no copy yet, or a key the copy does not track while it has room — may change the
 * definition and is the owner's to decide ({@link #decide} answers null).
 *
 * <p>Definitions are kept deserialised in a small per-task LRU map, since every event reads one; a cached
 * copy is re-read from the global store only when it cannot decide, which is also when a fresher one helps.
 */
final class DefinitionCopy {

    /** Definitions kept deserialised per task; a hot set larger than this only costs re-reads. */
    private static final int CACHED_DEFINITIONS = 10_000;

    private final ReadOnlyKeyValueStore<String, EventDefinition> copy;
    private final Map<String, EventDefinition> cache = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, EventDefinition> eldest) {
            return size() > CACHED_DEFINITIONS;
        }
    };

    DefinitionCopy(ReadOnlyKeyValueStore<String, EventDefinition> copy) {
        this.copy = copy;
    }

    /** The clean event's metadata under the definition, or null when the definition's owner must decide. */
    DefinitionTracker.Applied decide(String definitionKey, RawEvent raw) {
        EventDefinition cached = cache.get(definitionKey);
        if (cached != null) {
            DefinitionTracker.Applied decided = attempt(cached, raw);
            if (decided != null) {
                return decided;
            }
        }
        EventDefinition current = copy.get(definitionKey);
        if (current == null) {
            return null;
        }
        cache.put(definitionKey, current);
        return current == cached ? null : attempt(current, raw);
    }

    void forget() {
        cache.clear();
    }

    private static DefinitionTracker.Applied attempt(EventDefinition definition, RawEvent raw) {
        List<MetadataKey> tracked = definition.metadata();
        boolean full = tracked.size() >= MetadataShapes.MAX_KEYS;
        Map<String, TypedValue> metadata = new LinkedHashMap<>();
        List<DroppedMetadata> dropped = List.of();
        ObjectNode values = raw.metadata();
        if (values != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = field.getValue();
                if (value.isNull()) {
                    continue; // Intercom: a null value drops the key.
                }
                String name = field.getKey();
                if (DefinitionTracker.isTracked(tracked, name)) {
                    MetadataType type = MetadataShapes.typeOf(name, value);
                    metadata.put(name, new TypedValue(type.wireName(), MetadataShapes.normalised(value)));
                } else if (full) {
                    if (dropped.isEmpty()) {
                        dropped = new ArrayList<>();
                    }
                    dropped.add(new DroppedMetadata(name, DroppedMetadata.KEY_QUOTA_EXCEEDED));
                } else {
                    return null; // a new key while the definition has room: only the owner may add it
                }
            }
        }
        return new DefinitionTracker.Applied(metadata, DefinitionTracker.withIgnored(dropped, raw), null);
    }
}
