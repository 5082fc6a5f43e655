package dev.eventpipeline.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.embedded.EmbeddedKafkaCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system as an operator scales it out (operations.md, "Scaling out changes no answer"): the jars of
 * ingest-api, dedupe-stream and event-sink, two processes of each, on a three-node KRaft cluster
 * (replication factor 3, min.insync.replicas 2) and PostgreSQL. A retrying client — as a careful producer
 * behind a load balancer retries connection errors, 429 and 5xx on another instance — posts 50,000 distinct
 * events and 5,000 repeats over both ingest instances, some events to both at once. During the load one
 * instance of each service is killed with SIGKILL and one broker stopped; then each comes back.
 *
 * <p>Expected at the end, whatever the faults: every event that got a 2xx is in clean-events exactly once
 * (read committed) and in the {@code events} table exactly once; raw-events holds exactly as many records as
 * clean-events, duplicate-events and dead-letter-events together (none of them dead letters: the input is
 * valid); the event summaries count each event once.
 */
class ScaleOutSystemIT {

    private static final int CONTACTS = 500;
    private static final int DISTINCT = 50_000;
    private static final int REPEATS = 5_000;
    private static final String[] NAMES = {"page-viewed", "signed-up", "invited-friend", "ordered", "logged-in"};
    private static final String TOKEN = "system-token-" + UUID.randomUUID();
    private static final String WORKSPACE = "sys";
    private static final Duration START = Duration.ofMinutes(3);
    private static final Duration DRAIN = Duration.ofMinutes(6);
    private static final Path TARGET = Path.of("..");

    @TempDir
    Path dir;

    private EmbeddedKafkaCluster cluster;
    private final List<ServiceProcess> services = new ArrayList<>();
    private String schema;

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(postgresUrl()); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void two_of_each_service_on_three_brokers_lose_and_double_nothing_when_one_of_each_and_a_broker_fail() throws Exception {
        long started = System.nanoTime();
        long seed = Long.getLong("system.seed", System.nanoTime());
        System.out.println("ScaleOutSystemIT seed " + seed + " (rerun with -Dsystem.seed=" + seed + ")");
        Random random = new Random(seed);

        cluster = EmbeddedKafkaCluster.builder(dir.resolve("kafka")).build().start();
        String bootstrap = cluster.bootstrapServers();
        String prefix = "sys" + Long.toHexString(seed & 0xffffff) + ".";
        schema = "system_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(postgresUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        String sinkUrl = postgresUrl() + (postgresUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema;

        List<String> shared = List.of("kafka.bootstrap.servers=" + bootstrap, "topic.prefix=" + prefix, "topic.partitions=6",
                "topic.replication.factor=3",
                // A killed member never leaves its group: the lowest session timeout the broker allows hands its
                // partitions to the survivor within seconds, not the default 45 s.
                "kafka.session.timeout.ms=6000", "kafka.heartbeat.interval.ms=1000");
        ServiceProcess dedupe1 = service("dedupe-stream-1", "dedupe-stream", shared, "dedupe-stream RUNNING",
                "application.id=" + prefix + "dedupe", "state.dir=" + dir.resolve("streams-1"), "management.port=-1");
        ServiceProcess dedupe2 = service("dedupe-stream-2", "dedupe-stream", shared, "dedupe-stream RUNNING",
                "application.id=" + prefix + "dedupe", "state.dir=" + dir.resolve("streams-2"), "management.port=-1");
        ServiceProcess sink1 = service("event-sink-1", "event-sink", shared, "event-sink started",
                "jdbc.url=" + sinkUrl, "group.id=" + prefix + "sink", "management.port=-1");
        ServiceProcess sink2 = service("event-sink-2", "event-sink", shared, "event-sink started",
                "jdbc.url=" + sinkUrl, "group.id=" + prefix + "sink", "management.port=-1");
        List<String> ingestSettings = List.of("http.host=127.0.0.1", "http.port=0", "auth.dev.token=" + TOKEN,
                "auth.dev.workspace=" + WORKSPACE, "rate.limit.app.per.minute=2000000000",
                "rate.limit.workspace.per.minute=2000000000");
        ServiceProcess ingest1 = service("ingest-api-1", "ingest-api", shared, "READY ingest-api on port", ingestSettings.toArray(String[]::new));
        ServiceProcess ingest2 = service("ingest-api-2", "ingest-api", shared, "READY ingest-api on port", ingestSettings.toArray(String[]::new));
        // dedupe-stream owns raw-events' retention and creates the topics first; the others start together after it.
        dedupe1.start(START);
        List<ServiceProcess> rest = List.of(dedupe2, sink1, sink2, ingest1, ingest2);
        parallel(rest.size(), rest.size(), i -> rest.get(i).start(START));
        List<ServiceProcess> ingest = List.of(ingest1, ingest2);
        RetryingClient client = new RetryingClient(() -> ingest.stream().map(ServiceProcess::port).filter(p -> p > 0).toList(),
                TOKEN, Duration.ofMinutes(3));

        // Contacts, created over both instances; each id is derived from its external_id, so both instances agree.
        Map<Integer, String> contactIds = new ConcurrentHashMap<>();
        parallel(CONTACTS, 16, i -> {
            RetryingClient.Answer a = client.post("/contacts", "{\"external_id\":\"user-" + i + "\"}", i);
            assertThat(a.status()).as(a.body()).isIn(200, 409);
            if (a.status() == 200) {
                contactIds.put(i, Json.mapper().readTree(a.body()).get("id").asText());
            }
        });
        assertThat(contactIds).hasSize(CONTACTS);
        for (ServiceProcess s : ingest) {
            await().atMost(START).pollInterval(Duration.ofMillis(200)).until(() -> contactVisible(s.port(), contactIds.get(CONTACTS - 1)));
        }

        // The load: 50,000 distinct events, then 5,000 repeats mixed in; 2 % of sends go to both instances at once.
        List<String> bodies = new ArrayList<>(DISTINCT);
        Map<String, int[]> expectedSummary = new HashMap<>(); // contact id + name -> {count, first, last}
        Set<String> expectedIds = new HashSet<>();
        long baseCreated = 1_700_000_000L;
        for (int i = 0; i < DISTINCT; i++) {
            int user = random.nextInt(CONTACTS);
            String name = NAMES[random.nextInt(NAMES.length)];
            long createdAt = baseCreated + i;
            bodies.add("{\"event_name\":\"" + name + "\",\"created_at\":" + createdAt + ",\"user_id\":\"user-" + user
                    + "\",\"metadata\":{\"n\":" + i + ",\"plan\":\"p" + (i % 3) + "\"" + (i % 1000 == 0 ? ",\"k" + i / 1000 + "\":1" : "") + "}}");
            String contact = contactIds.get(user);
            expectedIds.add(EventKeys.eventId(WORKSPACE, contact, name, createdAt));
            expectedSummary.merge(contact + '\u0000' + name, new int[] {1, (int) (createdAt - baseCreated), (int) (createdAt - baseCreated)},
                    (a, b) -> new int[] {a[0] + b[0], Math.min(a[1], b[1]), Math.max(a[2], b[2])});
        }
        List<String> sends = new ArrayList<>(bodies);
        for (int i = 0; i < REPEATS; i++) {
            sends.add(bodies.get(random.nextInt(DISTINCT)));
        }
        Collections.shuffle(sends, random);

        AtomicInteger done = new AtomicInteger();
        List<String> faults = Collections.synchronizedList(new ArrayList<>());
        ExecutorService faulter = Executors.newSingleThreadExecutor();
        Future<?> faultPlan = faulter.submit(() -> {
            // Each fault at a share of the load; the comment is the state expected right after it.
            awaitShare(done, sends.size(), 0.15);
            // ingest-api-1 gone: its in-flight requests fail without 2xx (the client retries them on ingest-api-2);
            // every 2xx it gave is in raw-events (acks=all).
            ingest1.kill();
            faults.add("kill -9 ingest-api-1 at " + done.get());
            awaitShare(done, sends.size(), 0.25);
            // dedupe-stream-1 gone mid-transaction: that transaction aborts (read-committed readers never see it), its
            // tasks move to dedupe-stream-2 after the session timeout and redo the work from the last commit.
            dedupe1.kill();
            faults.add("kill -9 dedupe-stream-1 at " + done.get());
            awaitShare(done, sends.size(), 0.35);
            // event-sink-1 gone mid-batch: its database transaction rolls back, its partitions move to event-sink-2,
            // which reads the batch again from the last committed offset; the idempotent writes keep one row each.
            sink1.kill();
            faults.add("kill -9 event-sink-1 at " + done.get());
            awaitShare(done, sends.size(), 0.45);
            // Broker 2 stopped: leaders move to the other two; min.insync.replicas=2 still holds, writes go on.
            int stopped = cluster.nodeIds().get(1);
            cluster.stop(stopped);
            faults.add("stop broker " + stopped + " at " + done.get());
            awaitShare(done, sends.size(), 0.60);
            // Each killed instance comes back on its own state (dedupe restores its stores) and rejoins its group.
            ingest1.start(START);
            dedupe1.start(START);
            sink1.start(START);
            faults.add("restart ingest-api-1, dedupe-stream-1, event-sink-1 at " + done.get());
            awaitShare(done, sends.size(), 0.75);
            // The broker comes back on its log directory and catches up; the ISR returns to 3.
            cluster.start(stopped);
            faults.add("start broker " + stopped + " at " + done.get());
            return null;
        });

        Set<String> acceptedBodies = ConcurrentHashMap.newKeySet();
        AtomicInteger both = new AtomicInteger();
        parallel(sends.size(), 32, i -> {
            String body = sends.get(i);
            List<RetryingClient.Answer> answers = new ArrayList<>();
            if (i % 50 == 7) {
                // The same event to both instances at the same moment, as a balancer retrying too eagerly would.
                both.incrementAndGet();
                Future<RetryingClient.Answer> other = ForkJoinHolder.POOL.submit(() -> client.post("/events", body, i + 1));
                answers.add(client.post("/events", body, i));
                answers.add(other.get(4, TimeUnit.MINUTES));
            } else {
                answers.add(client.post("/events", body, i));
            }
            for (RetryingClient.Answer a : answers) {
                assertThat(a.status()).as(a.body()).isEqualTo(202);
            }
            acceptedBodies.add(body);
            done.incrementAndGet();
        });
        faultPlan.get(5, TimeUnit.MINUTES);
        faulter.shutdownNow();
        assertThat(acceptedBodies).hasSize(DISTINCT);
        cluster.awaitHealthy(START);

        // Drained: every distinct event in clean-events (read committed), and in the events table.
        Map<String, Integer> cleanIds = new HashMap<>();
        long duplicates;
        long deadLetters;
        try (Drainer drainer = new Drainer(bootstrap)) {
            drainer.readUntil(Topics.CLEAN_EVENTS.name(prefix), records -> {
                for (ConsumerRecord<String, byte[]> r : records) {
                    cleanIds.merge(Json.mapper().readTree(r.value()).get("id").asText(), 1, Integer::sum);
                }
                return cleanIds.size() >= DISTINCT;
            }, DRAIN);
        }
        await().atMost(DRAIN).pollInterval(Duration.ofSeconds(1)).until(() -> count("SELECT count(*) FROM events") >= DISTINCT);
        // Stop the services gracefully first: nothing more is written, so every count below is final.
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        try (Drainer drainer = new Drainer(bootstrap)) {
            cleanIds.clear();
            drainer.readAll(Topics.CLEAN_EVENTS.name(prefix), r -> cleanIds.merge(Json.mapper().readTree(r.value()).get("id").asText(), 1, Integer::sum));
            duplicates = drainer.readAll(Topics.DUPLICATE_EVENTS.name(prefix), r -> { });
            deadLetters = drainer.readAll(Topics.DEAD_LETTER_EVENTS.name(prefix), r -> { });
        }
        long raw = rawRecords(bootstrap, Topics.RAW_EVENTS.name(prefix));

        assertThat(cleanIds.keySet()).as("clean-events ids (seed %d)", seed).isEqualTo(expectedIds);
        assertThat(cleanIds.values()).as("each event once in clean-events").containsOnly(1);
        assertThat(deadLetters).isZero();
        assertThat(raw).as("raw-events = clean + duplicate + dead-letter").isEqualTo(cleanIds.size() + duplicates + deadLetters);
        assertThat(duplicates).as("at least the repeats and the double sends").isGreaterThanOrEqualTo(REPEATS + both.get());
        assertThat(ids("SELECT id FROM events")).as("events table (seed %d)", seed).isEqualTo(expectedIds);
        assertThat(count("SELECT count(*) FROM events")).isEqualTo(DISTINCT);
        Map<String, int[]> summaries = new HashMap<>();
        try (Connection c = DriverManager.getConnection(sinkUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT contact_id, event_name, event_count, first_created_at, last_created_at FROM event_summaries")) {
            while (rs.next()) {
                summaries.put(rs.getString(1) + '\u0000' + rs.getString(2), new int[] {rs.getInt(3),
                        (int) (rs.getLong(4) - baseCreated), (int) (rs.getLong(5) - baseCreated)});
            }
        }
        assertThat(summaries.keySet()).isEqualTo(expectedSummary.keySet());
        expectedSummary.forEach((k, v) -> assertThat(summaries.get(k)).as("summary %s", k.replace('\u0000', '/')).containsExactly(v));

        System.out.printf("ScaleOutSystemIT: %d sends (%d distinct, %d repeats, %d to both instances), %d retries "
                        + "(%d connection errors, %d 429/5xx); raw-events %d = clean %d + duplicates %d + dead letters %d; "
                        + "events rows %d; faults: %s; %d s%n", sends.size(), DISTINCT, REPEATS, both.get(), client.retries.get(),
                client.connectionErrors.get(), client.refusals.get(), raw, cleanIds.size(), duplicates, deadLetters,
                count("SELECT count(*) FROM events"), faults, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }

    private ServiceProcess service(String name, String module, List<String> shared, String ready, String... own) {
        List<String> settings = new ArrayList<>(shared);
        settings.addAll(List.of(own));
        Path jar = TARGET.resolve(module).resolve("target").resolve(module + ".jar");
        assertThat(jar).as("the runnable jar, built by the package phase of " + module).exists();
        ServiceProcess s = new ServiceProcess(name, jar, settings, dir.resolve("logs"), ready);
        services.add(s);
        return s;
    }

    private static String postgresUrl() {
        String url = System.getenv("SINK_TEST_POSTGRES_URL");
        return url == null || url.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres" : url;
    }

    private long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(postgresUrl()); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + schema);
            try (ResultSet rs = s.executeQuery(sql)) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (java.sql.SQLException e) {
            return 0; // the sink has not created its tables yet
        }
    }

    private Set<String> ids(String sql) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(postgresUrl()); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + schema);
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    assertThat(ids.add(rs.getString(1))).as("id %s once", rs.getString(1)).isTrue();
                }
            }
        }
        return ids;
    }

    private static boolean contactVisible(int port, String id) throws Exception {
        if (port <= 0) {
            return false;
        }
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/contacts/" + id))
                .header("Authorization", "Bearer " + TOKEN).GET().build();
        return HttpClient.newHttpClient().send(get, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    private static void awaitShare(AtomicInteger done, int total, double share) {
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50)).until(() -> done.get() >= total * share);
    }

    /** Raw-events is written without transactions: its record count is the sum of its partitions' offsets. */
    private static long rawRecords(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            return partitions.stream().mapToLong(p -> end.get(p) - begin.get(p)).sum();
        }
    }

    interface Step {
        void run(int i) throws Exception;
    }

    private static void parallel(int n, int threads, Step step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    step.run(index);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A pool for the second half of "to both at once", apart from the senders' own pool. */
    private static final class ForkJoinHolder {
        static final ExecutorService POOL = Executors.newCachedThreadPool();
    }

    /** A read-committed reader of whole topics, for the final counts. */
    private static final class Drainer implements AutoCloseable {
        interface Batch {
            boolean done(Collection<ConsumerRecord<String, byte[]>> records) throws Exception;
        }

        interface Each {
            void accept(ConsumerRecord<String, byte[]> record) throws Exception;
        }

        private final String bootstrap;

        Drainer(String bootstrap) {
            this.bootstrap = bootstrap;
        }

        private KafkaConsumer<String, byte[]> consumer(String topic) {
            KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    // Only what the stream committed: an aborted transaction of a killed instance must not count.
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000), new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            return c;
        }

        void readUntil(String topic, Batch batch, Duration timeout) throws Exception {
            try (KafkaConsumer<String, byte[]> c = consumer(topic)) {
                long deadline = System.nanoTime() + timeout.toNanos();
                while (true) {
                    List<ConsumerRecord<String, byte[]>> polled = new ArrayList<>();
                    c.poll(Duration.ofMillis(500)).forEach(polled::add);
                    if (batch.done(polled)) {
                        return;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError(topic + " not complete within " + timeout);
                    }
                }
            }
        }

        /** Reads the whole topic as it is now; returns how many records it held. */
        long readAll(String topic, Each each) throws Exception {
            try (KafkaConsumer<String, byte[]> c = consumer(topic)) {
                Map<TopicPartition, Long> end = c.endOffsets(c.assignment());
                long n = 0;
                while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                        each.accept(r);
                        n++;
                    }
                }
                return n;
            }
        }

        @Override
        public void close() {}
    }
}
