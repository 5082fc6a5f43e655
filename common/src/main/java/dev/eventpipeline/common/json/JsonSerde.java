package dev.eventpipeline.common.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for one record type through {@link Json}. A value that does not read as {@code T}
 * raises {@link SerializationException}, which Kafka Streams hands to its deserialization exception
 * handler (dead letter) and a plain consumer surfaces as a poison pill.
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;

    public JsonSerde(Class<T> type) {
        this.type = type;
    }

    public Class<T> type() {
        return type;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : Json.toBytes(data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return Json.mapper().readValue(data, type);
        } catch (JsonProcessingException e) {
            throw new SerializationException("value on " + topic + " is not a valid " + type.getSimpleName()
                    + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new SerializationException("value on " + topic + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: the type is fixed at construction.
    }

    @Override
    public void close() {
        // Stateless: nothing to release.
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }
}
