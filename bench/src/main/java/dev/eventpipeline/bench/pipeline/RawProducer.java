package dev.eventpipeline.bench.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventpipeline.common.config.KafkaSettings;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.ingest.IngestConfig;
import dev.eventpipeline.ingest.publish.KafkaEventLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The baseline of the API's rate: the Kafka Java client alone, with exactly the producer settings
 * ingest-api uses ({@link KafkaEventLog#producerProperties} over ingest-api's default settings), writing
 * raw events as ingest-api serialises them to a scratch topic of the same broker.
 *
 * <p>As many records are in flight as the HTTP load has events in flight: {@code window} permits,
 * taken before each send and given back by its acknowledgement, shared by a few sender threads. That is
 * wrk's closed loop (a connection sends its next request once the last is answered) without HTTP, so the
 * ratio of the two rates is what HTTP, validation and the API's own work cost.
 */
final class RawProducer {

    /** Distinct records cycled through: enough that batches compress as the real load's do, few enough to build at once. */
    private static final int DISTINCT_RECORDS = 10_000;

    private RawProducer() {}

    /** Rates of consecutive rounds (records acknowledged per second), the first {@code warmupRounds} left out. */
    record Rounds(List<Double> recordsPerSecond, int valueBytes, long failed) {}

    static Rounds run(String bootstrap, String topic, int window, int senders, Duration round, int warmupRounds, int rounds,
                      int contacts, int eventNames) throws InterruptedException {
        IngestConfig ingestDefaults = new IngestConfig(Map.of(KafkaSettings.BOOTSTRAP_SERVERS, bootstrap));
        Map<String, Object> props = KafkaEventLog.producerProperties(KafkaSettings.clientProperties(ingestDefaults),
                ingestDefaults.produceTimeout(), ingestDefaults.produceMaxBlock(), ingestDefaults.produceLinger());
        List<ProducerRecord<String, byte[]>> records = records(topic, contacts, eventNames);
        Semaphore inFlight = new Semaphore(window);
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> senderFailure = new AtomicReference<>();
        List<Double> rates = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(topic); // metadata before the clock starts, as ingest-api's warm-up does
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int first = s;
                Thread t = new Thread(() -> {
                    try {
                        for (int i = first; !stop.get(); i += senders) {
                            inFlight.acquire();
                            producer.send(records.get(i % records.size()), (metadata, error) -> {
                                inFlight.release();
                                (error == null ? acked : failed).incrementAndGet();
                            });
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        senderFailure.set(e);
                    }
                }, "raw-producer-sender-" + s);
                t.start();
                threads.add(t);
            }
            for (int r = 0; r < warmupRounds + rounds; r++) {
                long before = acked.get();
                long t0 = System.nanoTime();
                TimeUnit.NANOSECONDS.sleep(round.toNanos());
                double rate = (acked.get() - before) / ((System.nanoTime() - t0) / 1e9);
                if (senderFailure.get() != null) {
                    throw new IllegalStateException("a raw producer sender failed", senderFailure.get());
                }
                if (r >= warmupRounds) {
                    rates.add(rate);
                }
            }
            stop.set(true);
            // A sender blocked on the window is released by the acknowledgements still in flight.
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            producer.flush();
        }
        return new Rounds(rates, records.get(0).value().length, failed.get());
    }

    /**
     * Raw events as ingest-api writes them for the load's requests: the same contact reference, event names,
     * metadata and key, through the topic's own serializer.
     */
    static List<ProducerRecord<String, byte[]>> records(String topic, int contacts, int eventNames) {
        Serializer<RawEvent> serializer = Topics.RAW_EVENTS.valueSerde().serializer();
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>(DISTINCT_RECORDS);
        long createdAt = Instant.now().getEpochSecond();
        for (int i = 0; i < DISTINCT_RECORDS; i++) {
            int contact = i % contacts;
            String name = "bench-raw-t0-" + (i / contacts) % eventNames;
            ObjectNode metadata = JsonNodeFactory.instance.objectNode().put("invite_code", "ADDAFRIEND").put("load", 3.67);
            // A contact id of the shape ingest-api gives (24 hex digits).
            String contactId = String.format("%024x", 0xbe0c_0000_0000L + contact);
            RawEvent event = new RawEvent(1, UUID.randomUUID().toString(), Instant.now(), "dev", "dev", "2.10",
                    new ContactRef(contactId, ContactRef.ROLE_USER, "bench-" + contact, null), name, createdAt + i / (contacts * eventNames),
                    metadata);
            out.add(new ProducerRecord<>(topic, EventKeys.definitionKey(event.workspaceId(), event.eventName()),
                    serializer.serialize(topic, event)));
        }
        return out;
    }
}
