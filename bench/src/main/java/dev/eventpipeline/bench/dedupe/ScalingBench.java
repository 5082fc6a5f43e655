package dev.eventpipeline.bench.dedupe;

import static dev.eventpipeline.bench.Medians.median;
import static dev.eventpipeline.bench.Medians.medianRatio;

import dev.eventpipeline.bench.WorkDirectory;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.DroppedMetadata;
import dev.eventpipeline.common.records.EventDefinition;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.TopicProvisioner;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.dedupe.DedupeService;
import dev.eventpipeline.embedded.EmbeddedKafkaBroker;
import dev.eventpipeline.embedded.EmbeddedKafkaCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 16's benchmark: one hot event name (by default) on 4 partitions, through the dedupe-stream
 * topology with one stream thread, with two, and — with {@code --cluster}, on the three-node cluster — with
 * two instances of one thread each, in one run. Rounds alternate between the candidates so that a
 * neighbour's load hits them alike; each candidate is a JVM of its own (or two), as in {@link DedupeBench}.
 * A run's rate is its steady rate between the group's first and last offset commit on raw-events.
 *
 * <p>Afterwards the metadata rules are checked on the output of one more run of the two-thread topology on
 * a fresh copy of the input: every distinct event clean once, the definition never above ten keys and every
 * clean event consistent with it (values of tracked keys only, drops of untracked ones only, every key sent
 * accounted for).
 */
@Command(name = "dedupe-scaling", mixinStandardHelpOptions = true,
        description = {"One hot event name through the dedupe-stream topology with 1 and 2 stream threads (and 2 instances with --cluster).",
                "Target of issue 16: 2 threads >= 1.5x one thread; the metadata rules checked on the output."})
public final class ScalingBench implements Callable<Integer> {

    @Option(names = "--events", defaultValue = "300000", description = "Raw events in the input (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--duplicates", defaultValue = "0.10", description = "Share of the input that repeats an earlier event (default: ${DEFAULT-VALUE}).")
    double duplicates;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of raw-events (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--event-names", defaultValue = "1", description = "Event names in the input; 1 is one hot name (default: ${DEFAULT-VALUE}).")
    int eventNames;

    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds; medians are reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmups", defaultValue = "2", description = "Warm-up rounds, not counted (default: ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = "--cluster", description = "Run on the three-node cluster (replication 3) and add two instances of one thread each.")
    boolean cluster;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the generated input (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    WorkDirectory.Options workDirectoryOptions;

    /** A candidate: how many instances (forks) of how many stream threads each. */
    private record Candidate(String label, int instances, int threads) {}

    @Override
    public Integer call() throws Exception {
        try (WorkDirectory workDirectory = workDirectoryOptions.create("dedupe-scaling-")) {
            AutoCloseable kafka;
            String bootstrap;
            short replication;
            if (cluster) {
                EmbeddedKafkaCluster c = EmbeddedKafkaCluster.builder(workDirectory.path().resolve("kafka")).build().start();
                kafka = c;
                bootstrap = c.bootstrapServers();
                replication = 3;
            } else {
                EmbeddedKafkaBroker b = EmbeddedKafkaBroker.builder(workDirectory.path().resolve("kafka")).build().start();
                kafka = b;
                bootstrap = b.bootstrapServers();
                replication = 1;
            }
            try (kafka) {
                return measure(workDirectory, bootstrap, replication);
            }
        }
    }

    private int measure(WorkDirectory workDirectory, String bootstrap, short replication) throws Exception {
        List<RawEvent> input = generate(seed, events, duplicates, eventNames);
        int distinct = (int) input.stream().map(EventKeys::eventId).distinct().count();
        String prefix = "scale.";
        createTopics(bootstrap, prefix, replication);
        produce(bootstrap, Topics.RAW_EVENTS.name(prefix), input);
        System.out.printf("input: %,d raw events (%,d distinct) of %d event name(s) over %d partitions, %s, seed %d%n",
                events, distinct, eventNames, partitions, cluster ? "three-node cluster" : "one broker", seed);

        List<Candidate> candidates = new ArrayList<>(List.of(new Candidate("1 thread", 1, 1), new Candidate("2 threads", 1, 2)));
        if (cluster) {
            candidates.add(new Candidate("2 instances x 1 thread", 2, 1));
        }
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        candidates.forEach(c -> rates.put(c.label(), new ArrayList<>()));
        for (int round = 1; round <= warmups + rounds; round++) {
            for (Candidate c : candidates) {
                long[] cpu0 = machineJiffies();
                double rate = run(bootstrap, prefix, workDirectory, c, "r" + round + "-" + c.threads() + "x" + c.instances());
                double coresBusy = coresBusy(cpu0, machineJiffies());
                boolean measured = round > warmups;
                // Cores busy tells whether a run could have gone faster: near the machine's count, the brokers and the
                // stream threads share what there is, and a second thread can only take CPU from them.
                System.out.printf("%-9s %-24s %,9.0f events/s   machine: %.2f of %d cores busy over the run (start-up included)%n",
                        measured ? "round " + (round - warmups) : "warm-up " + round, c.label(), rate, coresBusy,
                        Runtime.getRuntime().availableProcessors());
                if (measured) {
                    rates.get(c.label()).add(rate);
                }
            }
        }
        System.out.printf("%nmedians of %d rounds:%n| candidate | events/s | ÷ 1 thread |%n| --- | ---: | ---: |%n", rounds);
        for (Candidate c : candidates) {
            System.out.printf("| %s | %,.0f | %.2f |%n", c.label(), median(rates.get(c.label())),
                    medianRatio(rates.get(c.label()), rates.get("1 thread")));
        }
        double scaling = medianRatio(rates.get("2 threads"), rates.get("1 thread"));
        System.out.printf("2 threads ÷ 1 thread: %.2f (target of issue 16: >= 1.5)%n", scaling);

        // The rules, on one more run of two threads over a fresh copy of the input.
        String check = "check.";
        createTopics(bootstrap, check, replication);
        produce(bootstrap, Topics.RAW_EVENTS.name(check), input);
        run(bootstrap, check, workDirectory, new Candidate("check", 1, 2), "check");
        boolean rulesHold = checkRules(bootstrap, check, input, distinct);
        System.out.println("metadata rules on the output of the two-thread run: " + (rulesHold ? "PASS" : "FAIL"));
        return rulesHold ? 0 : 1;
    }

    /** Busy and total jiffies of all CPUs from /proc/stat's first line (idle and iowait count as not busy); zeros elsewhere. */
    private static long[] machineJiffies() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException notLinux) {
            return new long[] {0, 0};
        }
    }

    /** Cores kept busy between two readings: the share of busy jiffies times the processor count. */
    private static double coresBusy(long[] before, long[] after) {
        long total = after[1] - before[1];
        return total <= 0 ? Double.NaN : (double) (after[0] - before[0]) / total * Runtime.getRuntime().availableProcessors();
    }

    private void createTopics(String bootstrap, String prefix, short replication) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            new TopicProvisioner(admin, prefix, partitions, replication, Duration.ofMinutes(1)).ensure(DedupeService.TOPICS, Map.of());
        }
    }

    /** One run of the topology under a fresh application id in {@code c.instances()} JVMs; its steady rate. */
    private double run(String bootstrap, String prefix, WorkDirectory work, Candidate c, String name) throws Exception {
        List<TopologyFork> forks = new ArrayList<>();
        try {
            for (int i = 0; i < c.instances(); i++) {
                DedupeBench.ForkSettings settings = new DedupeBench.ForkSettings(bootstrap, prefix,
                        work.path().resolve("instance-" + i), c.threads(), Map.of());
                TopologyFork fork = TopologyFork.start(settings.toArgs("dedupe"));
                forks.add(fork);
                fork.run(name);
            }
            return steadyRate(bootstrap, prefix, "bench-" + name);
        } finally {
            for (TopologyFork fork : forks) {
                fork.closeTopology();
                fork.close();
            }
        }
    }

    /** Records committed between the group's first and its last offset commit, over the time between them. */
    private double steadyRate(String bootstrap, String prefix, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            String raw = Topics.RAW_EVENTS.name(prefix);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(raw, p), OffsetSpec.latest());
            }
            long end = admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
            long firstAt = 0;
            long firstCommitted = 0;
            long committed;
            while ((committed = committed(admin, group, raw)) < end) {
                if (firstAt == 0 && committed > 0) {
                    firstAt = System.nanoTime();
                    firstCommitted = committed;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(group + " did not finish within 15 minutes");
                }
                TimeUnit.MILLISECONDS.sleep(10); // offsets are committed every 100 ms; polling at 10 ms adds at most that
            }
            if (firstAt == 0) {
                throw new IllegalStateException(group + ": all input committed at the first look; use more --events");
            }
            return (end - firstCommitted) / ((System.nanoTime() - firstAt) / 1e9);
        }
    }

    private static long committed(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** Every distinct event clean once; definitions of at most ten keys; every clean event consistent with its definition. */
    private boolean checkRules(String bootstrap, String prefix, List<RawEvent> input, int distinct) {
        Map<String, EventDefinition> definitions = new HashMap<>();
        boolean ok = true;
        int largest = 0;
        for (ConsumerRecord<String, String> r : readAll(bootstrap, Topics.EVENT_DEFINITIONS.name(prefix))) {
            EventDefinition d = Json.fromBytes(r.value().getBytes(java.nio.charset.StandardCharsets.UTF_8), EventDefinition.class);
            largest = Math.max(largest, d.metadata().size());
            definitions.put(r.key(), d);
        }
        if (largest > 10) {
            System.out.println("  a definition was published with " + largest + " keys");
            ok = false;
        }
        Map<String, Set<String>> sentKeys = new HashMap<>();
        for (RawEvent e : input) {
            Set<String> keys = new HashSet<>();
            e.metadata().fieldNames().forEachRemaining(keys::add);
            sentKeys.put(e.requestId(), keys);
        }
        Set<String> ids = new HashSet<>();
        int inconsistent = 0;
        List<ConsumerRecord<String, String>> clean = readAll(bootstrap, Topics.CLEAN_EVENTS.name(prefix));
        for (ConsumerRecord<String, String> r : clean) {
            CleanEvent c = Json.fromBytes(r.value().getBytes(java.nio.charset.StandardCharsets.UTF_8), CleanEvent.class);
            ids.add(c.id());
            EventDefinition d = definitions.get(EventKeys.definitionKey(c.workspaceId(), c.eventName()));
            Set<String> tracked = new HashSet<>();
            d.metadata().forEach(k -> tracked.add(k.key()));
            Set<String> accounted = new HashSet<>(c.metadata().keySet());
            c.droppedMetadata().stream().map(DroppedMetadata::key).forEach(accounted::add);
            if (!tracked.containsAll(c.metadata().keySet())
                    || c.droppedMetadata().stream().anyMatch(x -> tracked.contains(x.key()))
                    || !accounted.equals(sentKeys.get(c.requestId()))) {
                inconsistent++;
            }
        }
        System.out.printf("  clean events %,d (distinct events %,d, distinct ids among them %,d); definitions %d, the largest %d keys; "
                + "clean events inconsistent with their definition: %d%n", clean.size(), distinct, ids.size(), definitions.size(), largest, inconsistent);
        return ok && clean.size() == distinct && ids.size() == distinct && inconsistent == 0;
    }

    private static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                // What the stream committed, as other teams read it.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * Raw events as ingest-api writes them: {@code names} event names, each event with three of fourteen
     * metadata keys, so a definition fills to ten keys during the run (drops after that) and the metadata
     * rules have work across tasks.
     */
    static List<RawEvent> generate(long seed, int count, double duplicateShare, int names) {
        Random random = new Random(seed);
        List<RawEvent> out = new ArrayList<>(count);
        Instant start = Instant.now();
        for (int i = 0; i < count; i++) {
            Instant at = start.plusMillis(i);
            if (i > 0 && random.nextDouble() < duplicateShare) {
                RawEvent o = out.get(random.nextInt(out.size()));
                out.add(new RawEvent(1, UUID.randomUUID().toString(), at, o.workspaceId(), o.appId(), o.intercomVersion(),
                        o.contact(), o.eventName(), o.createdAt(), o.metadata()));
                continue;
            }
            String contact = Long.toHexString(random.nextLong());
            var metadata = Json.mapper().createObjectNode();
            while (metadata.size() < 3) {
                metadata.put("k" + random.nextInt(14), random.nextInt(1000));
            }
            out.add(new RawEvent(1, UUID.randomUUID().toString(), at, "ws", "app", "2.10",
                    new ContactRef(contact, ContactRef.ROLE_USER, "u" + contact, null),
                    names == 1 ? "page-viewed" : "event-" + random.nextInt(names), 1_700_000_000L + random.nextInt(10_000_000), metadata));
        }
        return out;
    }

    private static void produce(String bootstrap, String topic, List<RawEvent> input) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                // As ingest-api writes raw-events: every record on every in-sync replica, once.
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                new StringSerializer(), new StringSerializer())) {
            for (RawEvent e : input) {
                producer.send(new ProducerRecord<>(topic, null, e.receivedAt().toEpochMilli(), EventKeys.rawEventKey(e), Json.toString(e)));
            }
            producer.flush();
        }
    }
}
