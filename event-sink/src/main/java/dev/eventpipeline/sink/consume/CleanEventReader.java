package dev.eventpipeline.sink.consume;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.eventpipeline.common.json.CanonicalInstants;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.store.EventStore.EventRow;
import java.io.IOException;
import java.io.StringWriter;

/**
 * Reads a clean event straight into the row the store binds, in one streaming pass over the record:
 * no {@code CleanEvent}, no tree of {@code JsonNode}s for the metadata rendered back to JSON afterwards.
 * The consumer thread shares the machine's cores with the database writer (and, in one JVM, with the
 * broker), so what it does per record slows the writes down.
 *
 * <p>It only takes records in the form the pipeline writes them ({@link Json#toBytes} of a
 * {@code CleanEvent}): every field of the expected JSON type, metadata values exactly
 * {@code {"type":…,"value":…}}, dropped metadata entries exactly {@code {"key":…,"reason":…}},
 * {@code received_at} an ISO-8601 UTC instant ({@code 2026-11-27T08:00:00.123Z}). For anything else,
 * including JSON that is not readable, it answers {@code null} and the caller reads the record with
 * the general mapper, which then accepts it with the same coercions, or rejects it with the same error,
 * as before. So where both read a record they give the same row (the metadata and dropped metadata are
 * rendered by the same generator settings, key order kept; RecordDecoderTest compares them), and this
 * reader never accepts a record the mapper would refuse.
 */
final class CleanEventReader {

    /** The pipeline's own factory: the same strictness (duplicate keys are errors) and output settings. */
    private static final JsonFactory FACTORY = Json.mapper().getFactory();

    private CleanEventReader() {}

    /** The row of a clean event in the pipeline's form, or null when the general mapper must read it. */
    static EventRow read(byte[] value) {
        try (JsonParser p = FACTORY.createParser(value)) {
            return readEvent(p);
        } catch (IOException | RuntimeException e) {
            // Not in the expected form (or not JSON at all): the general path reads it and says what is wrong.
            return null;
        }
    }

    private static EventRow readEvent(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        String id = null;
        String workspaceId = null;
        String eventName = null;
        Long createdAt = null;
        String[] contact = null;
        String metadata = "{}";
        String dropped = "[]";
        String receivedAt = null;
        String requestId = null;
        String intercomVersion = null;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (field) {
                case "id" -> id = text(p, t);
                case "workspace_id" -> workspaceId = text(p, t);
                case "event_name" -> eventName = text(p, t);
                case "request_id" -> requestId = text(p, t);
                case "intercom_version" -> intercomVersion = text(p, t);
                case "created_at" -> {
                    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        return null;
                    }
                    createdAt = p.getLongValue();
                }
                case "contact" -> {
                    contact = t == JsonToken.START_OBJECT ? readContact(p) : null;
                    if (contact == null) {
                        return null;
                    }
                }
                case "metadata" -> {
                    metadata = t == JsonToken.VALUE_NULL ? "{}" : readMetadata(p, t);
                    if (metadata == null) {
                        return null;
                    }
                }
                case "dropped_metadata" -> {
                    dropped = t == JsonToken.VALUE_NULL ? "[]" : readDropped(p, t);
                    if (dropped == null) {
                        return null;
                    }
                }
                case "received_at" -> {
                    if (t == JsonToken.VALUE_NULL) {
                        receivedAt = null;
                    } else if (t != JsonToken.VALUE_STRING || (receivedAt = microsTimestamp(p.getText())) == null) {
                        return null;
                    }
                }
                // A field this version does not know: tolerated, as by the mapper (still checked to be JSON).
                default -> p.skipChildren();
            }
        }
        if (NOT_TEXT == id || NOT_TEXT == workspaceId || NOT_TEXT == eventName || NOT_TEXT == requestId
                || NOT_TEXT == intercomVersion) {
            return null;
        }
        if (p.nextToken() != null || createdAt == null) {
            // Trailing tokens (the mapper refuses them), or no created_at (the mapper reads 0): its call.
            return null;
        }
        return new EventRow(id, workspaceId, contact == null ? null : contact[0], contact == null ? null : contact[1],
                contact == null ? null : contact[2], contact == null ? null : contact[3], eventName, createdAt,
                metadata, dropped, receivedAt, requestId, intercomVersion);
    }

    /** Marks a field that is neither a string nor null (the mapper would coerce it): the mapper's call. */
    @SuppressWarnings("StringOperationCanBeSimplified") // a distinct instance, compared by identity
    private static final String NOT_TEXT = new String("not text");

    private static String text(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        return t == JsonToken.VALUE_NULL ? null : NOT_TEXT;
    }

    /** {id, role, user_id, email}, or null when not in the expected form. */
    private static String[] readContact(JsonParser p) throws IOException {
        String[] c = new String[4];
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            int i = switch (field) {
                case "id" -> 0;
                case "role" -> 1;
                case "user_id" -> 2;
                case "email" -> 3;
                default -> -1;
            };
            if (i < 0) {
                p.skipChildren();
                continue;
            }
            c[i] = text(p, t);
            if (c[i] == NOT_TEXT) {
                return null;
            }
        }
        return c;
    }

    /**
     * {@code {key: {"type": string|null, "value": any}}} rendered as the mapper renders a
     * {@code Map<String, TypedValue>}, or null when not exactly that form.
     */
    private static String readMetadata(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            return null;
        }
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
                if (p.nextToken() != JsonToken.START_OBJECT || !"type".equals(p.nextFieldName())) {
                    return null;
                }
                g.writeFieldName(key);
                g.writeStartObject();
                g.writeFieldName("type");
                if (!copyText(p, g) || !"value".equals(p.nextFieldName())) {
                    return null;
                }
                g.writeFieldName("value");
                p.nextToken();
                if (!copyValue(p, g) || p.nextToken() != JsonToken.END_OBJECT) {
                    return null;
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        return out.toString();
    }

    /** {@code [{"key": string|null, "reason": string|null}]} rendered as the mapper renders it, or null. */
    private static String readDropped(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            return null;
        }
        StringWriter out = new StringWriter(32);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartArray();
            for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                if (e != JsonToken.START_OBJECT || !"key".equals(p.nextFieldName())) {
                    return null;
                }
                g.writeStartObject();
                g.writeFieldName("key");
                if (!copyText(p, g) || !"reason".equals(p.nextFieldName())) {
                    return null;
                }
                g.writeFieldName("reason");
                if (!copyText(p, g) || p.nextToken() != JsonToken.END_OBJECT) {
                    return null;
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        return out.toString();
    }

    /** Copies the next token, a string or null; false for anything else. */
    private static boolean copyText(JsonParser p, JsonGenerator g) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_STRING) {
            g.writeString(p.getText());
            return true;
        }
        if (t == JsonToken.VALUE_NULL) {
            g.writeNull();
            return true;
        }
        return false;
    }

    /**
     * Copies the current value (scalar or structure) as the mapper would render it after reading it into
     * a {@code JsonNode}: the same generator writes the same strings; numbers are copied as the type the
     * parser read them as, which is the type of the node the mapper builds (floats as exact decimals).
     */
    private static boolean copyValue(JsonParser p, JsonGenerator g) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            int depth = 0;
            do {
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    depth++;
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                }
                if (!copyToken(p, g, t)) {
                    return false;
                }
                if (depth == 0) {
                    return true;
                }
                t = p.nextToken();
            } while (t != null);
            return false;
        }
        return copyToken(p, g, t);
    }

    private static boolean copyToken(JsonParser p, JsonGenerator g, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            // Exact, as the mapper reads floats: the stored metadata keeps the digits the producer sent.
            g.writeNumber(p.getDecimalValue());
            return true;
        }
        if (t == null || t == JsonToken.VALUE_EMBEDDED_OBJECT || t == JsonToken.NOT_AVAILABLE) {
            return false;
        }
        g.copyCurrentEvent(p);
        return true;
    }

    /**
     * {@code uuuu-MM-ddTHH:mm:ss[.f{1,9}]Z} as the store's fixed-width text with microseconds
     * ({@code SqlDialect.timestamp}: digits beyond the sixth dropped, as truncating the instant to
     * microseconds does), or null for any other form (offsets, leap seconds, lower case, ...).
     */
    static String microsTimestamp(String s) {
        // The shape, the ranges and the calendar are checked where every topic's instants are read.
        if (CanonicalInstants.parseCanonical(s) == null) {
            return null;
        }
        int n = s.length();
        StringBuilder out = new StringBuilder(27).append(s, 0, 19).append('.');
        if (n == 20) {
            return out.append("000000Z").toString();
        }
        int fraction = n - 21;
        out.append(s, 20, 20 + Math.min(6, fraction));
        for (int i = fraction; i < 6; i++) {
            out.append('0');
        }
        return out.append('Z').toString();
    }
}
