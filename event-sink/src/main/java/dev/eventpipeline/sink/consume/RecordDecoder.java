package dev.eventpipeline.sink.consume;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.DeadLetter;
import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.topics.Topic;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.store.EventStore.DefinitionChange;
import dev.eventpipeline.store.EventStore.EventRow;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Turns a consumed record into what the store writes, or into the reason it cannot be written.
 * A record the database would refuse (a missing required field) must be caught here: the sink treats
 * every database error as an outage and retries it, so a bad record reaching the database would stop
 * the partition for good.
 */
public final class RecordDecoder {

    private final String cleanEventsTopic;
    private final String definitionsTopic;

    public RecordDecoder(String topicPrefix) {
        this.cleanEventsTopic = Topics.CLEAN_EVENTS.name(topicPrefix);
        this.definitionsTopic = Topics.EVENT_DEFINITIONS.name(topicPrefix);
    }

    /** The outcome for one record: exactly one of the three is set. */
    public record Decoded(EventRow event, DefinitionChange definition, DeadLetter deadLetter) {}

    public Decoded decode(ConsumerRecord<byte[], byte[]> r) {
        try {
            if (r.topic().equals(cleanEventsTopic)) {
                return decodeEvent(r);
            }
            if (r.topic().equals(definitionsTopic)) {
                return decodeDefinition(r);
            }
            return invalid(r, "record from a topic the sink does not read: " + r.topic());
        } catch (SerializationException e) {
            return new Decoded(null, null, deadLetter(r, DeadLetter.REASON_UNREADABLE, e.getMessage()));
        }
    }

    private Decoded decodeEvent(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return invalid(r, "clean event without a value");
        }
        // The pipeline's own form is read in one streaming pass; anything else by the general mapper (see CleanEventReader).
        EventRow e = CleanEventReader.read(r.value());
        if (e == null) {
            CleanEvent general = read(Topics.CLEAN_EVENTS, r);
            if (general == null) {
                return invalid(r, "clean event without a value");
            }
            if (general.contact() == null) {
                return invalid(r, MISSING_FIELD);
            }
            e = EventRow.of(general);
        }
        if (e.id() == null || e.workspaceId() == null || e.contactId() == null
                || e.eventName() == null || e.receivedAt() == null || e.requestId() == null) {
            return invalid(r, MISSING_FIELD);
        }
        String expected = EventKeys.eventId(e.workspaceId(), e.contactId(), e.eventName(), e.createdAt());
        if (!expected.equals(e.id())) {
            // The id is the primary key that makes replays harmless; a wrong one would store copies twice.
            return invalid(r, "id " + e.id() + " is not the event id of its de-duplication key (" + expected + ")");
        }
        return new Decoded(e, null, null);
    }

    private static final String MISSING_FIELD =
            "clean event lacks one of id, workspace_id, contact.id, event_name, received_at, request_id";

    private Decoded decodeDefinition(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
            int colon = key == null ? -1 : key.indexOf(':');
            if (colon < 0) {
                return invalid(r, "definition tombstone without a <workspace_id>:<event_name> key");
            }
            // Workspace ids contain no ':' (ingest-api refuses one wherever a workspace id is made, see
            // docs/ingest-api.md); event names may, so the first ':' separates them.
            return new Decoded(null, new DefinitionChange(key.substring(0, colon), key.substring(colon + 1), null), null);
        }
        EventDefinition d = read(Topics.EVENT_DEFINITIONS, r);
        if (d.workspaceId() == null || d.eventName() == null || d.updatedAt() == null) {
            return invalid(r, "event definition lacks one of workspace_id, event_name, updated_at");
        }
        return new Decoded(null, new DefinitionChange(d.workspaceId(), d.eventName(), d), null);
    }

    private static <V> V read(Topic<String, V> topic, ConsumerRecord<byte[], byte[]> r) {
        return topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
    }

    private static Decoded invalid(ConsumerRecord<byte[], byte[]> r, String detail) {
        return new Decoded(null, null, deadLetter(r, DeadLetter.REASON_INVALID, detail));
    }

    static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> r, String reason, String detail) {
        return new DeadLetter(reason, detail, r.topic(), r.partition(), r.offset(),
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
    }
}
