package dev.eventpipeline.testing;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.eventpipeline.common.topics.Topic;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assertions;

/**
 * Validates record values against the JSON Schema that the topic registry names for their topic
 * ({@code common/src/main/resources/schemas/}). Tests call it on what the services really wrote.
 */
public final class JsonSchemas {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();

    private JsonSchemas() {}

    /** The violations of {@code json} against the topic's value schema; empty when valid. */
    public static List<String> errors(Topic<?, ?> topic, String json) {
        Schema schema = CACHE.computeIfAbsent(topic.valueSchema(), JsonSchemas::load);
        return schema.validate(json, InputFormat.JSON).stream().map(Error::toString).collect(Collectors.toList());
    }

    public static void assertValid(Topic<?, ?> topic, String json) {
        List<String> errors = errors(topic, json);
        if (!errors.isEmpty()) {
            Assertions.fail("value does not match " + topic.valueSchema() + ": " + errors + "\nvalue: " + json);
        }
    }

    public static void assertValid(Topic<?, ?> topic, byte[] json) {
        assertValid(topic, new String(json, StandardCharsets.UTF_8));
    }

    private static Schema load(String resource) {
        try (InputStream in = JsonSchemas.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no schema resource " + resource + " on the classpath");
            }
            return REGISTRY.getSchema(in, InputFormat.JSON);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
