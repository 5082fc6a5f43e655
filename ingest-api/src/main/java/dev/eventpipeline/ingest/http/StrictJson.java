package dev.eventpipeline.ingest.http;

import dev.eventpipeline.ingest.api.ApiError;
import dev.eventpipeline.ingest.api.ApiException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;

/**
 * The parser for request bodies: strict so that two readers can never disagree about what a client
 * sent. Duplicate keys, trailing content, nesting deeper than {@link #MAX_DEPTH} and strings longer
 * than {@link #MAX_STRING_CHARS} are {@code 400 parameter_invalid}. Floats are read as
 * {@link java.math.BigDecimal} so that a metadata number reaches Kafka exactly as sent.
 */
public final class StrictJson {

    /** http-api.md: "nesting deeper than 8". An event body needs 3 (body, metadata, rich link). */
    public static final int MAX_DEPTH = 8;
    /** http-api.md: "a string longer than 64 KiB". Also bounds key names. */
    public static final int MAX_STRING_CHARS = 64 * 1024;
    /** Longer numbers are never a real metadata value and are costly to convert. */
    public static final int MAX_NUMBER_CHARS = 100;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxStringLength(MAX_STRING_CHARS)
                            .maxNameLength(MAX_STRING_CHARS)
                            .maxNumberLength(MAX_NUMBER_CHARS)
                            .build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // 3.670 stays 3.670: the value reaches raw-events as the client wrote it.
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .disable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .disable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
            .disable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .build();

    private StrictJson() {}

    /** The body as a JSON object; anything else is a {@code 400}. */
    public static JsonNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw ApiException.invalidParameter(null, "Body is required: a JSON object");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.invalidParameter(null, "Body is not valid JSON: " + shorten(e.getOriginalMessage()));
        } catch (IOException e) {
            // readTree over a byte array does no I/O; anything else here is a malformed body too.
            throw ApiException.invalidParameter(null, "Body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.invalidParameter(null, "Body must be a JSON object");
        }
        requireCleanStrings(node, null);
        return node;
    }

    /**
     * Every key and string value must be well-formed Unicode without NUL. JSON's {@code \\ud800}
     * escapes can smuggle in unpaired surrogates, which turn into '?' when encoded as UTF-8: two
     * different event names would then get the same event id downstream. NUL is refused because
     * PostgreSQL text cannot store it, so such an event would poison the sink.
     */
    private static void requireCleanStrings(JsonNode node, String path) {
        if (node.isTextual()) {
            String problem = problem(node.textValue());
            if (problem != null) {
                throw ApiException.invalidParameter(path, (path == null ? "a value" : path) + " " + problem);
            }
            return;
        }
        if (node.isObject()) {
            var fields = node.fields();
            while (fields.hasNext()) {
                var field = fields.next();
                String childPath = path == null ? field.getKey() : path + "." + field.getKey();
                String problem = problem(field.getKey());
                if (problem != null) {
                    throw ApiException.invalidParameter(path, "a key " + problem);
                }
                requireCleanStrings(field.getValue(), childPath);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                requireCleanStrings(node.get(i), (path == null ? "" : path) + "[" + i + "]");
            }
        }
    }

    private static String problem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return "must not contain U+0000 (NUL)";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains an unpaired surrogate (an invalid \\uD800-\\uDFFF escape)";
            }
            if (Character.isLowSurrogate(c)) {
                return "contains an unpaired surrogate (an invalid \\uD800-\\uDFFF escape)";
            }
        }
        return null;
    }

    private static String shorten(String message) {
        if (message == null) {
            return "malformed";
        }
        String oneLine = message.replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}
