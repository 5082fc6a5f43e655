package dev.eventpipeline.dedupe.topology;

import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.DeadLetter;
import dev.eventpipeline.dedupe.metrics.DedupeMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' exception handlers, turned into the pipeline's dead-letter topic. The dead letters they
 * return are produced by the task itself, inside its transaction, so a raw record that fails is
 * committed as a dead letter exactly when its offset is: never lost, never twice.
 *
 * <p>Streams instantiates the handlers by class name and configures them with the streams properties:
 * {@link #TOPIC_CONFIG} names the dead-letter topic and {@link #METRICS_CONFIG} carries the
 * {@link DedupeMetrics} (see {@link DedupeTopology#errorHandling}).
 */
public final class DeadLetterHandlers {

    public static final String TOPIC_CONFIG = "dedupe.dead.letter.topic";
    public static final String METRICS_CONFIG = "dedupe.metrics";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandlers.class);

    private DeadLetterHandlers() {}

    /** A raw record whose value is not JSON, or not a {@code RawEvent}: dead letter {@code unreadable}, and go on. */
    public static final class Deserialization implements DeserializationExceptionHandler {

        private String topic;
        private DedupeMetrics metrics;

        @Override
        public void configure(Map<String, ?> configs) {
            topic = topicFrom(configs);
            metrics = metricsFrom(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
            LOG.warn("dead letter ({}): {}-{}@{}: {}", DeadLetter.REASON_UNREADABLE, context.topic(), context.partition(),
                    context.offset(), exception.getMessage());
            metrics.deadLetter(DeadLetter.REASON_UNREADABLE);
            return Response.resume(List.of(deadLetter(topic, context, record.key(), record.value(),
                    DeadLetter.REASON_UNREADABLE, String.valueOf(exception.getMessage()))));
        }
    }

    /**
     * A raw record that broke the contract ({@link InvalidRawEventException}): dead letter {@code invalid},
     * and go on. Any other exception is a bug or an outage, not bad input: it fails the task, so that it
     * is retried and seen, instead of possibly sending every record to the dead-letter topic.
     */
    public static final class Processing implements ProcessingExceptionHandler {

        private String topic;
        private DedupeMetrics metrics;

        @Override
        public void configure(Map<String, ?> configs) {
            topic = topicFrom(configs);
            metrics = metricsFrom(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, org.apache.kafka.streams.processor.api.Record<?, ?> record,
                Exception exception) {
            InvalidRawEventException invalid = invalidCause(exception);
            if (invalid == null) {
                LOG.error("processing {}-{}@{} failed unexpectedly; failing the task", context.topic(), context.partition(),
                        context.offset(), exception);
                return Response.fail();
            }
            LOG.warn("dead letter ({}): {}-{}@{}: {}", DeadLetter.REASON_INVALID, context.topic(), context.partition(),
                    context.offset(), invalid.getMessage());
            metrics.deadLetter(DeadLetter.REASON_INVALID);
            return Response.resume(List.of(deadLetter(topic, context, context.sourceRawKey(), context.sourceRawValue(),
                    DeadLetter.REASON_INVALID, invalid.getMessage())));
        }

        private static InvalidRawEventException invalidCause(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof InvalidRawEventException e) {
                    return e;
                }
            }
            return null;
        }
    }

    static ProducerRecord<byte[], byte[]> deadLetter(
            String topic, ErrorHandlerContext context, byte[] key, byte[] value, String reason, String detail) {
        DeadLetter letter = new DeadLetter(reason, detail, context.topic(), context.partition(), context.offset(),
                key == null ? null : new String(key, StandardCharsets.UTF_8),
                value == null ? null : new String(value, StandardCharsets.UTF_8));
        // Same key as the input record, so a replay tool can put it back on the same partition.
        return new ProducerRecord<>(topic, null, context.timestamp(), key, Json.toBytes(letter));
    }

    private static String topicFrom(Map<String, ?> configs) {
        Object topic = configs.get(TOPIC_CONFIG);
        if (!(topic instanceof String s) || s.isEmpty()) {
            throw new ConfigException(TOPIC_CONFIG, topic, "the dead-letter topic must be configured (DedupeTopology.errorHandling)");
        }
        return s;
    }

    private static DedupeMetrics metricsFrom(Map<String, ?> configs) {
        Object metrics = configs.get(METRICS_CONFIG);
        return metrics instanceof DedupeMetrics m ? m : DedupeMetrics.discarding();
    }
}
