package dev.eventpipeline.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.DeadLetter;
import dev.eventpipeline.common.records.DuplicateEvent;
import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.topics.Topic;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.testing.JsonSchemas;
import dev.eventpipeline.testing.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the broker ITs share: producing a load as ingest-api would, waiting for the outputs, checking conservation. */
final class Pipeline {

    private Pipeline() {}

    /** Sends every record with an idempotent acks=all producer (as ingest-api does) and waits for every ack. */
    static void produce(String bootstrap, List<ProducerRecord<String, String>> records) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
            for (ProducerRecord<String, String> r : records) {
                acks.add(producer.send(r));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while producing", e);
        } catch (ExecutionException e) {
            throw new AssertionError("producing the load failed", e.getCause());
        }
    }

    /** Polls the three output topics (read committed) until they hold {@code expected} records together; returns how many it saw. */
    static long awaitOutputs(String bootstrap, String prefix, int expected, Duration timeout) {
        List<String> topics = List.of(Topics.CLEAN_EVENTS.name(prefix), Topics.DUPLICATE_EVENTS.name(prefix),
                Topics.DEAD_LETTER_EVENTS.name(prefix));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.GROUP_ID_CONFIG, prefix + "await-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(topics);
            long seen = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (seen < expected) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + seen + " of " + expected + " outputs within " + timeout);
                }
                seen += consumer.poll(Duration.ofMillis(200)).count();
            }
            return seen;
        }
    }

    /** How many records the three output topics hold now, read committed. */
    static int committedOutputs(String bootstrap, String prefix) {
        int n = 0;
        for (Topic<?, ?> topic : List.of(Topics.CLEAN_EVENTS, Topics.DUPLICATE_EVENTS, Topics.DEAD_LETTER_EVENTS)) {
            n += TopicReader.readToEnd(bootstrap, topic.name(prefix), new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                    Duration.ofMinutes(1)).size();
        }
        return n;
    }

    /** The invariant, checked by counting and by identity against the load's oracle. */
    static void assertConserved(String bootstrap, String prefix, MixedLoad load) {
        Duration read = Duration.ofMinutes(1);
        List<ConsumerRecord<String, CleanEvent>> clean = TopicReader.readToEnd(bootstrap, Topics.CLEAN_EVENTS.name(prefix),
                Topics.CLEAN_EVENTS.keySerde().deserializer(), Topics.CLEAN_EVENTS.valueSerde().deserializer(), read);
        List<ConsumerRecord<String, DuplicateEvent>> duplicates = TopicReader.readToEnd(bootstrap,
                Topics.DUPLICATE_EVENTS.name(prefix), Topics.DUPLICATE_EVENTS.keySerde().deserializer(),
                Topics.DUPLICATE_EVENTS.valueSerde().deserializer(), read);
        List<ConsumerRecord<String, DeadLetter>> deadLetters = TopicReader.readToEnd(bootstrap,
                Topics.DEAD_LETTER_EVENTS.name(prefix), Topics.DEAD_LETTER_EVENTS.keySerde().deserializer(),
                Topics.DEAD_LETTER_EVENTS.valueSerde().deserializer(), read);

        assertThat(clean.size() + duplicates.size() + deadLetters.size()).as("records out (seed %d)", load.seed)
                .isEqualTo(load.records.size());
        // Every valid request exactly once, in clean or duplicate.
        List<String> requestIds = new ArrayList<>();
        clean.forEach(r -> requestIds.add(r.value().requestId()));
        duplicates.forEach(r -> requestIds.add(r.value().requestId()));
        assertThat(requestIds).doesNotHaveDuplicates();
        assertThat(new HashSet<>(requestIds)).isEqualTo(load.eventOfRequest.keySet());
        // Clean ids unique, one per distinct event, carried by the first copy sent.
        assertThat(clean).extracting(r -> r.value().id()).doesNotHaveDuplicates();
        assertThat(clean.stream().collect(Collectors.toMap(r -> r.value().id(), r -> r.value().requestId())))
                .isEqualTo(load.firstRequestOf);
        assertThat(duplicates).hasSize(load.expectedDuplicates())
                .allSatisfy(d -> assertThat(d.value().firstRequestId()).isEqualTo(load.firstRequestOf.get(d.value().id())));
        // Every bad record a dead letter, with its value as sent.
        Set<String> deadValues = deadLetters.stream().map(r -> r.value().value()).collect(Collectors.toSet());
        assertThat(deadLetters).hasSize(load.badValues.size());
        assertThat(deadValues).containsExactlyInAnyOrderElementsOf(new HashSet<>(load.badValues));
        assertDefinitionsPublishedOncePerChange(bootstrap, prefix, load);
        assertWrittenValuesMatchSchemas(bootstrap, prefix);
    }

    /**
     * The metadata rules, checked as invariants (which keys a definition tracks depends on the order first
     * copies reach its owner): each publication changes the definition (so none is repeated, also after a
     * crash), keys are only ever appended, never more than ten and exactly min(10, keys sent); and every clean
     * event agrees with its final definition — values only of tracked keys, drops only of untracked ones,
     * every key sent accounted for.
     */
    static void assertDefinitionsPublishedOncePerChange(String bootstrap, String prefix, MixedLoad load) {
        Duration read = Duration.ofMinutes(1);
        List<ConsumerRecord<String, EventDefinition>> published = TopicReader.readToEnd(bootstrap,
                Topics.EVENT_DEFINITIONS.name(prefix), Topics.EVENT_DEFINITIONS.keySerde().deserializer(),
                Topics.EVENT_DEFINITIONS.valueSerde().deserializer(), read);
        Map<String, List<List<String>>> history = new java.util.HashMap<>();
        published.forEach(r -> history.computeIfAbsent(r.key(), k -> new ArrayList<>())
                .add(r.value().metadata().stream().map(EventDefinition.MetadataKey::key).toList()));
        Map<String, Set<String>> sent = load.keysSentPerDefinition();
        assertThat(history.keySet()).as("definitions (seed %d)", load.seed).isEqualTo(sent.keySet());
        Map<String, Set<String>> tracked = new java.util.HashMap<>();
        history.forEach((definition, versions) -> {
            for (int i = 1; i < versions.size(); i++) {
                List<String> before = versions.get(i - 1);
                List<String> after = versions.get(i);
                assertThat(after.size()).as("%s publication %d adds a key (seed %d)", definition, i, load.seed).isGreaterThan(before.size());
                assertThat(after.subList(0, before.size())).as("%s keeps its keys in order", definition).isEqualTo(before);
            }
            List<String> last = versions.get(versions.size() - 1);
            assertThat(last).as("%s (seed %d)", definition, load.seed).hasSize(Math.min(10, sent.get(definition).size()));
            assertThat(sent.get(definition)).containsAll(last);
            tracked.put(definition, new HashSet<>(last));
        });
        for (ConsumerRecord<String, CleanEvent> r : TopicReader.readToEnd(bootstrap, Topics.CLEAN_EVENTS.name(prefix),
                Topics.CLEAN_EVENTS.keySerde().deserializer(), Topics.CLEAN_EVENTS.valueSerde().deserializer(), read)) {
            CleanEvent c = r.value();
            Set<String> keys = tracked.get(c.workspaceId() + ":" + c.eventName());
            assertThat(keys).containsAll(c.metadata().keySet());
            c.droppedMetadata().forEach(d -> assertThat(keys).as("dropped key %s of %s", d.key(), c.id()).doesNotContain(d.key()));
        }
    }

    /** What the stream wrote, as bytes on the topics, against the topics' JSON Schemas (a sample of the big topics). */
    static void assertWrittenValuesMatchSchemas(String bootstrap, String prefix) {
        for (Topic<?, ?> topic : List.of(Topics.CLEAN_EVENTS, Topics.DUPLICATE_EVENTS, Topics.DEAD_LETTER_EVENTS,
                Topics.EVENT_DEFINITIONS)) {
            List<ConsumerRecord<String, String>> written = TopicReader.readToEnd(bootstrap, topic.name(prefix),
                    new StringDeserializer(), new StringDeserializer(), Duration.ofMinutes(1));
            assertThat(written).as(topic.baseName()).isNotEmpty();
            // Every 50th record of the large topics keeps this to a second; the small ones are checked whole.
            int step = written.size() > 1_000 ? 50 : 1;
            for (int i = 0; i < written.size(); i += step) {
                JsonSchemas.assertValid(topic, written.get(i).value());
            }
        }
    }
}
