package dev.eventpipeline.common.topics;

import org.apache.kafka.common.serialization.Serde;

/**
 * One topic of the pipeline: its base name, serdes, the JSON Schema of its value (a classpath
 * resource) and whether it is compacted. The deployed name is {@code prefix + baseName}.
 */
public record Topic<K, V>(String baseName, Serde<K> keySerde, Serde<V> valueSerde, String valueSchema, boolean compacted) {

    /** The topic's name under a common prefix; the prefix is used verbatim ({@code "acme."} gives {@code acme.raw-events}). */
    public String name(String prefix) {
        return prefix + baseName;
    }
}
