package dev.eventpipeline.common.topics;

import dev.eventpipeline.common.json.JsonSerde;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.DeadLetter;
import dev.eventpipeline.common.records.DuplicateEvent;
import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.records.RateLimitUsage;
import dev.eventpipeline.common.records.RawEvent;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** The registry of every topic: the one place a topic name or serde is spelled. Keys are {@link dev.eventpipeline.common.records.EventKeys}. */
public final class Topics {

    private static final Serde<String> KEY = Serdes.String();

    /** Accepted requests; key {@code <workspace>:<event_name>}. Retention must cover the de-duplication window. */
    public static final Topic<String, RawEvent> RAW_EVENTS =
            new Topic<>("raw-events", KEY, new JsonSerde<>(RawEvent.class), "schemas/raw-events.schema.json", false);

    /** De-duplicated, typed events for other teams; key {@code <workspace>:<contact id>}. */
    public static final Topic<String, CleanEvent> CLEAN_EVENTS =
            new Topic<>("clean-events", KEY, new JsonSerde<>(CleanEvent.class), "schemas/clean-events.schema.json", false);

    /** Latest definition per workspace and event name; key {@code <workspace>:<event_name>}. */
    public static final Topic<String, EventDefinition> EVENT_DEFINITIONS =
            new Topic<>("event-definitions", KEY, new JsonSerde<>(EventDefinition.class), "schemas/event-definitions.schema.json", true);

    /** Later copies of an event; key as {@code clean-events}. */
    public static final Topic<String, DuplicateEvent> DUPLICATE_EVENTS =
            new Topic<>("duplicate-events", KEY, new JsonSerde<>(DuplicateEvent.class), "schemas/duplicate-events.schema.json", false);

    /** Raw records that could not be processed; key as the input record. */
    public static final Topic<String, DeadLetter> DEAD_LETTER_EVENTS =
            new Topic<>("dead-letter-events", KEY, new JsonSerde<>(DeadLetter.class), "schemas/dead-letter-events.schema.json", false);

    /** The contact directory; key {@code <workspace>:<contact id>}, a null value deletes. */
    public static final Topic<String, Contact> CONTACTS =
            new Topic<>("contacts", KEY, new JsonSerde<>(Contact.class), "schemas/contacts.schema.json", true);

    /**
     * How many calls each ingest-api instance admitted in the current rate-limit window, so that all
     * instances together enforce an app's and a workspace's limit (docs/rate-limits.md); key the instance id.
     * Short-lived: only the current window matters.
     */
    public static final Topic<String, RateLimitUsage> RATE_LIMIT_USAGE =
            new Topic<>("rate-limit-usage", KEY, new JsonSerde<>(RateLimitUsage.class), "schemas/rate-limit-usage.schema.json", false);

    private Topics() {}

    public static List<Topic<?, ?>> all() {
        return List.of(RAW_EVENTS, CLEAN_EVENTS, EVENT_DEFINITIONS, DUPLICATE_EVENTS, DEAD_LETTER_EVENTS, CONTACTS, RATE_LIMIT_USAGE);
    }
}
