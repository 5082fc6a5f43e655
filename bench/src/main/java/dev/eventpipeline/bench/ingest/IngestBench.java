package dev.eventpipeline.bench.ingest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventpipeline.common.config.KafkaSettings;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.TopicProvisioner;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.embedded.EmbeddedKafkaBroker;
import dev.eventpipeline.ingest.IngestConfig;
import dev.eventpipeline.ingest.IngestService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Single-event ingestion: {@code POST /events} events/s with C requests in flight, against the rate of
 * a raw Kafka producer writing the same records with the same delivery settings to the same broker,
 * in the same run. The ratio is the price of HTTP, auth, validation and contact resolution.
 *
 * <p>The HTTP load comes from the JDK's HttpClient in this JVM: on a 2-core machine client and server
 * share the CPU, so the ratio is a lower bound on what a separate load generator would see.
 */
public final class IngestBench {

    private IngestBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        int events = Integer.parseInt(opts.getOrDefault("events", "60000"));
        int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "256"));
        int partitions = Integer.parseInt(opts.getOrDefault("partitions", "4"));
        Path dir = Files.createTempDirectory("ingest-bench-");
        System.out.printf("ingest benchmark: %d events, %d in flight, %d partitions, JVM %s, %d cores%n",
                events, concurrency, partitions, Runtime.version(), Runtime.getRuntime().availableProcessors());

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).build().start()) {
            String bootstrap = broker.bootstrapServers();
            // Warm both paths once (JIT, metadata, connections), then measure.
            baseline(bootstrap, "warm-base.", Math.min(events, 20_000), partitions);
            double producerRate = baseline(bootstrap, "base.", events, partitions);
            double apiRate = api(bootstrap, events, concurrency, partitions);

            System.out.println();
            System.out.println("| path | events/s |");
            System.out.println("| --- | ---: |");
            System.out.printf("| raw Kafka producer (idempotent, acks=all, linger 5 ms, lz4) | %,.0f |%n", producerRate);
            System.out.printf("| POST /events, %d in flight, 202 after the broker's ack | %,.0f |%n", concurrency, apiRate);
            System.out.printf("ratio API / raw producer = %.2f%n", apiRate / producerRate);
        }
    }

    private static double baseline(String bootstrap, String prefix, int events, int partitions) throws Exception {
        createTopics(bootstrap, prefix, partitions);
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        ObjectNode metadata = JsonNodeFactory.instance.objectNode().put("invite_code", "ADDAFRIEND");
        String topic = Topics.RAW_EVENTS.name(prefix);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            CountDownLatch acked = new CountDownLatch(events);
            AtomicLong failed = new AtomicLong();
            long t0 = System.nanoTime();
            for (int i = 0; i < events; i++) {
                Instant now = Instant.now();
                RawEvent raw = new RawEvent(1, UUID.randomUUID().toString(), now, "bench", "bench", "2.10",
                        new ContactRef("u-" + (i % 1000), "user", "u-" + (i % 1000), null), "ev-" + (i % 50), 1_700_000_000L + i, metadata);
                producer.send(new ProducerRecord<>(topic, null, now.toEpochMilli(), EventKeys.definitionKey("bench", raw.eventName()), Json.toBytes(raw)),
                        (md, e) -> {
                            if (e != null) {
                                failed.incrementAndGet();
                            }
                            acked.countDown();
                        });
            }
            acked.await(5, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " baseline sends failed");
            }
            return events / seconds;
        }
    }

    private static double api(String bootstrap, int events, int concurrency, int partitions) throws Exception {
        String token = "bench-" + UUID.randomUUID();
        Map<String, Object> props = new HashMap<>();
        props.put(KafkaSettings.BOOTSTRAP_SERVERS, bootstrap);
        props.put(KafkaSettings.TOPIC_PREFIX, "api.");
        props.put(KafkaSettings.TOPIC_PARTITIONS, partitions);
        props.put("http.host", "127.0.0.1");
        props.put("http.port", 0);
        props.put("auth.dev.token", token);
        // The benchmark measures ingestion, not Intercom's rate limits, and needs no contacts created first.
        props.put("rate.limit.app.per.minute", Integer.MAX_VALUE);
        props.put("rate.limit.workspace.per.minute", Integer.MAX_VALUE);
        props.put("contacts.mode", "trust");
        try (IngestService ingest = IngestService.start(new IngestConfig(props))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!ingest.isReady() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            URI uri = URI.create("http://127.0.0.1:" + ingest.port() + "/events");
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            run(client, uri, token, Math.min(events, 20_000), concurrency, 0); // warm-up
            long t0 = System.nanoTime();
            Map<Integer, Long> statuses = run(client, uri, token, events, concurrency, 1_000_000);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long accepted = statuses.getOrDefault(202, 0L);
            if (accepted != events) {
                System.out.println("statuses other than 202: " + statuses);
            }
            return accepted / seconds;
        }
    }

    private static Map<Integer, Long> run(HttpClient client, URI uri, String token, int events, int concurrency, int offset) throws Exception {
        Semaphore inFlight = new Semaphore(concurrency);
        CountDownLatch done = new CountDownLatch(events);
        Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        for (int i = 0; i < events; i++) {
            int n = offset + i;
            String body = "{\"event_name\":\"ev-" + (n % 50) + "\",\"created_at\":" + (1_700_000_000L + n)
                    + ",\"user_id\":\"u-" + (n % 1000) + "\",\"metadata\":{\"invite_code\":\"ADDAFRIEND\"}}";
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            inFlight.acquire();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                statuses.merge(error == null ? response.statusCode() : -1, 1L, Long::sum);
                inFlight.release();
                done.countDown();
            });
        }
        done.await(10, TimeUnit.MINUTES);
        return statuses;
    }

    private static void createTopics(String bootstrap, String prefix, int partitions) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            new TopicProvisioner(admin, prefix, partitions, (short) 1, Duration.ofSeconds(30)).ensure(List.of(Topics.RAW_EVENTS), Map.of());
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            out.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return out;
    }
}
