package dev.eventpipeline.bench.dedupe;

import static dev.eventpipeline.bench.Medians.median;
import static dev.eventpipeline.bench.Medians.medianRatio;

import dev.eventpipeline.bench.WorkDirectory;
import dev.eventpipeline.common.config.KafkaSettings;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.TopicProvisioner;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.dedupe.DedupeConfig;
import dev.eventpipeline.dedupe.DedupeService;
import dev.eventpipeline.dedupe.metrics.DedupeMetrics;
import dev.eventpipeline.dedupe.topology.DedupeTopology;
import dev.eventpipeline.dedupe.topology.TopologySettings;
import dev.eventpipeline.embedded.EmbeddedKafkaBroker;
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
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Throughput of the dedupe topology against exactly-once pass-through topologies (same Streams settings),
 * on the same in-process broker, over the same input, in one run:
 * {@code java -jar bench/target/bench.jar dedupe [options]} ({@code --help} lists them).
 *
 * <p>Each round runs four topologies from the start of the input, each under a fresh application id: a
 * pass-through of bytes, a pass-through through the topic serdes (the baseline of the target, see
 * {@link #VARIANTS}), the dedupe topology, and the textbook window-store recipe, each in a JVM of its own
 * ({@link TopologyFork}) while this one keeps the broker and measures. A run's rate is measured
 * between its first and last offset commit. Ratios are per round, and the medians over the rounds are
 * reported. After the last round the dedupe window store's bytes on disk are divided by the number of
 * distinct events.
 */
@Command(name = "dedupe", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = "The dedupe-stream topology (exactly-once) against exactly-once pass-through topologies on the same broker and input.")
public final class DedupeBench implements Callable<Integer> {

    /** Settings the benchmark itself gives every topology; a --set of one of them would break the runs' isolation. */
    private static final Set<String> OWN_SETTINGS = Set.of(KafkaSettings.BOOTSTRAP_SERVERS, KafkaSettings.TOPIC_PREFIX,
            DedupeConfig.APPLICATION_ID, DedupeConfig.STATE_DIR, DedupeConfig.NUM_STREAM_THREADS);

    @Option(names = "--events", defaultValue = "300000", description = "Raw events in the input (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--duplicates", defaultValue = "0.10", description = "Share of the input that repeats an earlier event (default: ${DEFAULT-VALUE}).")
    double duplicates;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of raw-events and the outputs (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds; medians are reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmups", defaultValue = "3", description = "Warm-up rounds at least, not counted (default: ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = "--max-warmups", defaultValue = "6", description = "Warm-up rounds at most while the JIT is busy (default: ${DEFAULT-VALUE}).")
    int maxWarmups;

    @Option(names = "--jit-quiet", defaultValue = "0.03",
            description = "Warm-up ends once a whole round spent less than this share of its measured time compiling (default: ${DEFAULT-VALUE}).")
    double jitQuiet;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the generated input (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads of every topology (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--variants", split = ",", defaultValue = "bytes-passthrough,json-passthrough,dedupe,naive",
            description = "Topologies to run, of ${DEFAULT-VALUE}.")
    List<String> variants;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A dedupe-stream setting for every topology alike, e.g. --set kafka.commit.interval.ms=500 (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Mixin
    WorkDirectory.Options workDirectoryOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        for (String key : overrides.keySet()) {
            if (OWN_SETTINGS.contains(key)) {
                throw new ParameterException(spec.commandLine(), "--set " + key + ": the benchmark sets it for each topology itself");
            }
        }
        for (String variant : variants) {
            if (!VARIANTS.contains(variant)) {
                throw new ParameterException(spec.commandLine(), "--variants: " + variant + " is not one of " + VARIANTS);
            }
        }
        int maxWarmupRounds = Math.max(warmups, maxWarmups);
        try (WorkDirectory workDirectory = workDirectoryOptions.create("dedupe-bench-");
             EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(workDirectory.path().resolve("kafka")).build().start()) {
            Path work = workDirectory.path();
            String bootstrap = broker.bootstrapServers();
            String prefix = "bench.";
            String rawTopic = Topics.RAW_EVENTS.name(prefix);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                new TopicProvisioner(admin, prefix, partitions, (short) 1, Duration.ofSeconds(30))
                        .ensure(DedupeService.TOPICS, Map.of());
                // The baseline's output, partitioned like the candidate's outputs.
                admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(prefix + "passthrough-out", partitions, (short) 1)))
                        .all().get();
            }
            Input input = Input.generate(seed, events, duplicates);
            System.out.printf("input: %,d raw events (%,d distinct, %.1f%% duplicates), %d partitions, avg value %d bytes, seed %d%n",
                    events, input.distinct, 100.0 * (events - input.distinct) / events, partitions, input.averageValueBytes(), seed);
            produce(bootstrap, rawTopic, input.records(rawTopic));
            ForkSettings forkSettings = new ForkSettings(bootstrap, prefix, work, threads, overrides);
            Map<String, TopologyFork> forks = new LinkedHashMap<>();
            long storeBytes;
            try {
                for (String variant : variants) {
                    forks.put(variant, TopologyFork.start(forkSettings.toArgs(variant)));
                }
                storeBytes = measure(forks, bootstrap, prefix, events, rounds, warmups, maxWarmupRounds, jitQuiet, work);
            } finally {
                for (TopologyFork fork : forks.values()) {
                    fork.close();
                }
            }
            System.out.printf("dedupe window store on disk: %,d bytes for %,d distinct events = %.1f bytes per distinct event%n",
                    storeBytes, input.distinct, (double) storeBytes / input.distinct);
        }
        return 0;
    }

    /** The warm-up and measured rounds; returns the dedupe window store's bytes on disk after the last round. */
    private static long measure(Map<String, TopologyFork> forks, String bootstrap, String prefix, int events, int rounds,
                                int warmups, int maxWarmups, double jitQuiet, Path work) throws Exception {
        List<String> variants = List.copyOf(forks.keySet());
        // Every round runs all four topologies in turn, so that a neighbour's load hits each of them alike.
        // Warm-up rounds are not counted: on two cores the JIT compiles on one core for many rounds, and the
        // topology with the most code pays for it in both its rate and its CPU. At least --warmups of them,
        // then more until a whole round spent less than --jit-quiet of its measured time compiling (at most
        // --max-warmups): a slower machine needs more of them than a faster one.
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        for (String variant : variants) {
            rates.put(variant, new ArrayList<>());
            cpu.put(variant, new ArrayList<>());
        }
        long storeBytes = 0;
        int warm = 0;
        boolean jitBusy = true;
        while (warm < warmups || (jitBusy && warm < maxWarmups)) {
            warm++;
            double compiling = 0;
            double measured = 0;
            for (String variant : variants) {
                Run run = run(forks.get(variant), bootstrap, prefix, variant + "-w" + warm, events);
                print("warm-up " + warm, variant, run);
                compiling += run.jitSeconds();
                measured += run.seconds();
            }
            jitBusy = compiling > jitQuiet * measured;
        }
        System.out.printf("after %d warm-up rounds the JIT %s%n", warm,
                jitBusy ? "was still compiling (raise --max-warmups); the rounds below pay for it" : "was quiet");
        for (int round = 1; round <= rounds; round++) {
            for (String variant : variants) {
                Run run = run(forks.get(variant), bootstrap, prefix, variant + "-" + round, events);
                print("round " + round, variant, run);
                rates.get(variant).add(run.eventsPerSecond());
                // As a rate: events per CPU-second, so that the same ratio code applies.
                cpu.get(variant).add(1e6 / run.cpuMicrosPerEvent());
            }
            storeBytes = bytesUnder(work.resolve("state-dedupe-" + round), DedupeTopology.DEDUPE_STORE);
        }
        report(rates, cpu, rounds);
        return storeBytes;
    }

    /**
     * The topologies of a round. {@code json-passthrough} reads and writes the raw events through their topic
     * serde (what {@code builder.stream(raw).to(out)} does with the project's serdes): the textbook recipe
     * measures about 0.5 of it, which is how issue 4 describes its baseline ("a naive window-store recipe
     * measured about 0.5 here"). {@code bytes-passthrough} copies bytes without reading them: what Kafka
     * alone costs; the textbook recipe measures about 0.2 of it. {@code naive} is the textbook recipe (range
     * fetch of ±W/2, caching on), for calibration.
     */
    private static final List<String> VARIANTS = List.of("bytes-passthrough", "json-passthrough", "dedupe", "naive");

    private static void report(Map<String, List<Double>> rates, Map<String, List<Double>> cpu, int rounds) {
        System.out.printf("%nmedians of %d rounds (events/s; ratio = median of the per-round ratios):%n", rounds);
        if (!rates.containsKey("json-passthrough") || !rates.containsKey("bytes-passthrough") || !rates.containsKey("dedupe")) {
            rates.forEach((variant, r) -> System.out.printf("%s: median %,.0f events/s%n", variant, median(r)));
            return;
        }
        System.out.println("| topology | events/s | ÷ json pass-through | ÷ bytes pass-through |");
        System.out.println("| --- | ---: | ---: | ---: |");
        for (String variant : rates.keySet()) {
            System.out.printf("| %s | %,.0f | %.2f | %.2f |%n", variant, median(rates.get(variant)),
                    medianRatio(rates.get(variant), rates.get("json-passthrough")),
                    medianRatio(rates.get(variant), rates.get("bytes-passthrough")));
        }
        List<Double> perRound = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            perRound.add(rates.get("dedupe").get(i) / rates.get("json-passthrough").get(i));
        }
        System.out.printf("dedupe ÷ json pass-through per round: %s (target of issue 4: >= 0.70)%n",
                perRound.stream().map(r -> String.format("%.2f", r)).collect(Collectors.joining(", ")));
        // Events per CPU-second of the whole process (broker included), over the same interval as the rates:
        // what each topology costs, much less moved than events/s when other work shares the two cores.
        System.out.println();
        System.out.println("| topology | process CPU per event | ÷ json pass-through (events per CPU-second) | ÷ bytes pass-through |");
        System.out.println("| --- | ---: | ---: | ---: |");
        for (String variant : cpu.keySet()) {
            System.out.printf("| %s | %.1f µs | %.2f | %.2f |%n", variant, 1e6 / median(cpu.get(variant)),
                    medianRatio(cpu.get(variant), cpu.get("json-passthrough")),
                    medianRatio(cpu.get(variant), cpu.get("bytes-passthrough")));
        }
    }

    /**
     * One run: its steady rate, the process CPU it spent per event in the same interval, that interval, and
     * how long the JIT compiled during it (compiler threads, whose CPU the process CPU includes).
     */
    private record Run(double eventsPerSecond, double cpuMicrosPerEvent, double seconds, double jitSeconds) {}

    private static void print(String round, String variant, Run run) {
        System.out.printf("%-11s %-17s %,9.0f events/s, process CPU %5.1f us/event, JIT compiling %4.1f%% of the time%n",
                round, variant, run.eventsPerSecond(), run.cpuMicrosPerEvent(), 100 * run.jitSeconds() / run.seconds());
    }

    /** What a fork needs to build a topology's Kafka Streams: where the broker and the work directory are. */
    record ForkSettings(String bootstrap, String prefix, Path work, int threads, Map<String, String> overrides) {

        List<String> toArgs(String variant) {
            List<String> out = new ArrayList<>(List.of(variant, "--bootstrap", bootstrap, "--prefix", prefix,
                    "--work", work.toString(), "--threads", Integer.toString(threads)));
            overrides.forEach((k, v) -> out.addAll(List.of("--set", k + "=" + v)));
            return out;
        }

        static ForkSettings parse(String[] args) {
            ForkArgs parsed = new ForkArgs();
            new CommandLine(parsed).parseArgs(args);
            return new ForkSettings(parsed.bootstrap, parsed.prefix, parsed.work, parsed.threads, parsed.overrides);
        }
    }

    /** A fork's command line, as {@link ForkSettings#toArgs} writes it. */
    @Command(name = "fork")
    static final class ForkArgs {
        @Parameters(index = "0", description = "the topology")
        String variant;
        @Option(names = "--bootstrap", required = true)
        String bootstrap;
        @Option(names = "--prefix", required = true)
        String prefix;
        @Option(names = "--work", required = true)
        Path work;
        @Option(names = "--threads", required = true)
        int threads;
        @Option(names = "--set")
        Map<String, String> overrides = new LinkedHashMap<>();
    }

    private static DedupeConfig config(ForkSettings fork, String name) {
        Map<String, Object> settings = new HashMap<>();
        // The overrides first, so that the benchmark's own settings (checked in call()) are never replaced.
        settings.putAll(fork.overrides());
        settings.put(KafkaSettings.BOOTSTRAP_SERVERS, fork.bootstrap());
        settings.put(KafkaSettings.TOPIC_PREFIX, fork.prefix());
        settings.put(DedupeConfig.APPLICATION_ID, "bench-" + name);
        settings.put(DedupeConfig.STATE_DIR, fork.work().resolve("state-" + name).toString());
        settings.put(DedupeConfig.NUM_STREAM_THREADS, fork.threads());
        return new DedupeConfig(settings);
    }

    /** The service's own Streams settings, for every topology alike. */
    static Properties streamsProperties(ForkSettings fork, String name) {
        DedupeConfig config = config(fork, name);
        return DedupeService.streamsProperties(config, DedupeService.settings(config, DedupeMetrics.discarding()));
    }

    /**
     * The topics a variant needs besides the input and outputs made before the run: the dedupe topology's own
     * (its definition requests, re-key and seed topics), which the service creates at start-up and Kafka
     * Streams does not.
     */
    static void prepare(ForkSettings fork, String variant, String name) {
        if (variant.equals("dedupe")) {
            DedupeService.ensureTopics(config(fork, name));
        }
    }

    static Topology topology(ForkSettings fork, String variant, String name) {
        DedupeConfig config = config(fork, name);
        String prefix = fork.prefix();
        return switch (variant) {
            case "bytes-passthrough" -> passThrough(prefix);
            case "json-passthrough" -> ReferenceTopologies.jsonPassThrough(prefix);
            case "naive" -> ReferenceTopologies.naiveWindowStoreDedupe(prefix, config.dedupeWindow());
            case "dedupe" -> DedupeTopology.build(DedupeService.settings(config, DedupeMetrics.discarding()));
            default -> throw new IllegalArgumentException(variant);
        };
    }

    /**
     * Runs one topology over the whole input under a fresh application id, in its fork, and returns its steady
     * rate: the records committed between the group's first offset commit and its last, over the time between
     * them. Start-up (group join, assignment, store creation) and the first commit interval fall outside, so a
     * fast topology is not charged a fixed cost that a slow one hides in its longer run. CPU is this JVM's (the
     * broker) plus the fork's over the same interval; so is the JIT's compile time.
     */
    private static Run run(TopologyFork fork, String bootstrap, String prefix, String name, int events) throws Exception {
        fork.run(name);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            String rawTopic = Topics.RAW_EVENTS.name(prefix);
            Map<TopicPartition, Long> end = endOffsets(admin, rawTopic);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            long firstAt = 0;
            long cpuAtFirst = 0;
            long[] forkAtFirst = null;
            long jitAtFirst = 0;
            long firstCommitted = 0;
            long committed;
            while ((committed = committed(admin, "bench-" + name, end)) < events) {
                if (firstAt == 0 && committed > 0) {
                    firstAt = System.nanoTime();
                    cpuAtFirst = processCpuNanos();
                    forkAtFirst = fork.stats();
                    jitAtFirst = jitMillis();
                    firstCommitted = committed;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not finish within 10 minutes");
                }
                // Offsets are committed every 100 ms under exactly-once; polling at 10 ms adds at most that much.
                TimeUnit.MILLISECONDS.sleep(10);
            }
            if (firstAt == 0) {
                throw new IllegalStateException(name + ": all input committed at the first look; use more --events");
            }
            long elapsed = System.nanoTime() - firstAt;
            long[] forkAtEnd = fork.stats();
            long cpu = processCpuNanos() - cpuAtFirst + forkAtEnd[0] - forkAtFirst[0];
            long jit = forkAtEnd[1] - forkAtFirst[1] + jitMillis() - jitAtFirst;
            long counted = events - firstCommitted;
            return new Run(counted / seconds(elapsed), cpu / 1e3 / counted, seconds(elapsed), jit / 1e3);
        } finally {
            fork.closeTopology();
        }
    }

    private static Topology passThrough(String prefix) {
        Topology topology = new Topology();
        topology.addSource("in", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), Topics.RAW_EVENTS.name(prefix));
        topology.addSink("out", prefix + "passthrough-out", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), "in");
        return topology;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        Set<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
        ListOffsetsResult offsets = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())));
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition p : partitions) {
            out.put(p, offsets.partitionResult(p).get().offset());
        }
        return out;
    }

    /** Records of the input the group has committed (its offsets, summed over the partitions). */
    private static long committed(Admin admin, String group, Map<TopicPartition, Long> end) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        long sum = 0;
        for (TopicPartition p : end.keySet()) {
            OffsetAndMetadata c = committed.get(p);
            sum += c == null ? 0 : c.offset();
        }
        return sum;
    }

    private static void produce(String bootstrap, String topic, List<ProducerRecord<String, String>> records) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024), new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
            for (ProducerRecord<String, String> r : records) {
                acks.add(producer.send(r));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
        }
    }

    private static long bytesUnder(Path stateDir, String storeName) throws IOException {
        if (!Files.isDirectory(stateDir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(stateDir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().contains("/" + storeName + "/"))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The JIT's accumulated compile time, summed over its compiler threads. */
    static long jitMillis() {
        return java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** The input: raw events as ingest-api writes them (about 300 bytes each), a share of them later copies. */
    private record Input(List<RawEvent> events, int distinct) {

        static Input generate(long seed, int count, double duplicateShare) {
            Random random = new Random(seed);
            List<RawEvent> out = new ArrayList<>(count);
            Set<String> ids = new HashSet<>();
            Instant start = Instant.now();
            for (int i = 0; i < count; i++) {
                Instant at = start.plusMillis(i);
                RawEvent e;
                if (i > 0 && random.nextDouble() < duplicateShare) {
                    RawEvent o = out.get(random.nextInt(out.size()));
                    e = new RawEvent(1, UUID.randomUUID().toString(), at, o.workspaceId(), o.appId(), o.intercomVersion(),
                            o.contact(), o.eventName(), o.createdAt(), o.metadata());
                } else {
                    String contact = Long.toHexString(random.nextLong());
                    e = new RawEvent(1, UUID.randomUUID().toString(), at, "ws" + random.nextInt(10), "app", "2.10",
                            new ContactRef(contact, ContactRef.ROLE_USER, "u" + contact, null),
                            "event-" + random.nextInt(200), 1_700_000_000L + random.nextInt(10_000_000),
                            Json.mapper().createObjectNode().put("plan", "pro").put("seats", random.nextInt(100))
                                    .put("article", "https://example.org/a/" + random.nextInt(1000)));
                }
                out.add(e);
                ids.add(EventKeys.eventId(e));
            }
            return new Input(out, ids.size());
        }

        List<ProducerRecord<String, String>> records(String topic) {
            // Keyed as ingest-api keys raw-events: by event id.
            return events.stream().map(e -> new ProducerRecord<>(topic, null, e.receivedAt().toEpochMilli(),
                    EventKeys.rawEventKey(e), Json.toString(e))).collect(Collectors.toList());
        }

        int averageValueBytes() {
            return (int) events.stream().limit(1000).mapToInt(e -> Json.toBytes(e).length).average().orElse(0);
        }
    }
}
