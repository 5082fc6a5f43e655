package dev.eventpipeline.bench.pipeline;

import dev.eventpipeline.bench.WorkDirectory;
import dev.eventpipeline.bench.pipeline.PhaseResult.Load;
import dev.eventpipeline.common.config.Durations;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.ingest.IngestConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The whole pipeline as a user runs it and sees it: {@code java -jar standalone/target/event-pipeline.jar}
 * in a child JVM on a fresh data directory, wrk posting distinct events over HTTP, the rows counted in the
 * SQLite file. Phases: {@code cold} (the first seconds after READY, under load), {@code steady} (after a
 * warm-up), {@code bulk} (the same with {@code POST /bulk/events}); then the conservation check; then the
 * baselines on the same machine in the same run: a raw Kafka producer on the standalone's broker, a bare
 * Javalin handler, and a separate ingest-api JVM with the pipeline idle downstream.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {"The standalone pipeline under HTTP load (cold, steady, bulk) against its baselines.",
                "Checks that every accepted event is stored once; the baselines, in the same run: a raw Kafka producer,"
                        + " a bare Javalin handler and ingest-api alone. Needs wrk, and the jars: mvn -B -q package -DskipTests"})
public final class PipelineBench implements Callable<Integer> {

    static final List<String> PHASES = List.of("cold", "steady", "bulk", "producer", "javalin", "ingest");

    /**
     * Rate limits for the benchmark's token: far above anything two cores reach, so the limiter never answers
     * 429 but still does its accounting on every request, as it does in production. As the user's load test set them.
     */
    private static final String RATE_LIMIT = "2000000000";

    /** The standalone's own start-up allows 120 s on a loaded machine; this adds the JVM's start. */
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

    @Option(names = "--standalone-jar", defaultValue = "standalone/target/event-pipeline.jar",
            description = "The standalone pipeline (default: ${DEFAULT-VALUE}).")
    Path standaloneJar;

    @Option(names = "--ingest-jar", defaultValue = "ingest-api/target/ingest-api.jar",
            description = "ingest-api for the 'ingest' baseline (default: ${DEFAULT-VALUE}).")
    Path ingestJar;

    @Option(names = "--phases", split = ",", defaultValue = "cold,steady,bulk,producer,javalin,ingest",
            description = "What to run, of ${DEFAULT-VALUE}.")
    List<String> phases;

    @Option(names = "--quick", description = "Short phases for a try-out: 15 s instead of 60/60/30 s, shorter warm-ups and rounds;"
            + " durations given explicitly still apply.")
    boolean quick;

    @Option(names = "--cold", defaultValue = "60s", converter = DurationConverter.class,
            description = "Length of the cold phase, right after READY and the contacts (default: ${DEFAULT-VALUE}).")
    Duration cold;

    @Option(names = "--warmup", defaultValue = "60s", converter = DurationConverter.class,
            description = "Load before the steady phase is measured (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--measure", defaultValue = "30s", converter = DurationConverter.class,
            description = "Measured window of the steady, bulk and baseline phases (default: ${DEFAULT-VALUE}).")
    Duration measure;

    @Option(names = "--bulk-warmup", defaultValue = "30s", converter = DurationConverter.class,
            description = "Bulk load before the bulk phase is measured (default: ${DEFAULT-VALUE}).")
    Duration bulkWarmup;

    @Option(names = "--baseline-warmup", defaultValue = "20s", converter = DurationConverter.class,
            description = "Load on a freshly started baseline JVM before it is measured (default: ${DEFAULT-VALUE}).")
    Duration baselineWarmup;

    @Option(names = "--connections", defaultValue = "256", description = "wrk's connections for POST /events (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--bulk-connections", description = "wrk's connections for POST /bulk/events (default: --connections, at most"
            + " ingest-api's produce.max.in.flight.requests / --bulk-items: 20,000 / 100 = 200). Each holds --bulk-items events in flight,"
            + " and beyond that bound ingest-api answers 503 at once.")
    Integer bulkConnections;

    @Option(names = "--wrk-threads", defaultValue = "1", description = "wrk's threads (default: ${DEFAULT-VALUE}).")
    int wrkThreads;

    @Option(names = "--contacts", defaultValue = "1000", description = "Contacts created beforehand, which the events name (default: ${DEFAULT-VALUE}).")
    int contacts;

    @Option(names = "--event-names", defaultValue = "20", description = "Event names per run; raw-events is keyed by name (default: ${DEFAULT-VALUE}).")
    int eventNames;

    @Option(names = "--bulk-items", defaultValue = "100", description = "Events per POST /bulk/events (default: ${DEFAULT-VALUE}).")
    int bulkItems;

    @Option(names = "--producer-round", defaultValue = "10s", converter = DurationConverter.class,
            description = "Length of a raw producer round (default: ${DEFAULT-VALUE}).")
    Duration producerRound;

    @Option(names = "--producer-rounds", defaultValue = "3",
            description = "Measured raw producer rounds, after one warm-up round (default: ${DEFAULT-VALUE}).")
    int producerRounds;

    @Option(names = "--producer-senders", defaultValue = "4", description = "Threads sending for the raw producer (default: ${DEFAULT-VALUE}).")
    int producerSenders;

    @Option(names = "--drain-timeout", defaultValue = "120s", converter = DurationConverter.class,
            description = "After the load, how long the row count may stand still before the check gives up waiting (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--jvm-opt",
            description = "A JVM option for every JVM the benchmark starts, e.g. --jvm-opt=-Xmx2g (repeatable; none by default, as users run it).")
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--standalone-arg", description = "An extra argument of the standalone, e.g. --standalone-arg=--topic-partitions=8 (repeatable).")
    List<String> standaloneArgs = new ArrayList<>();

    @Mixin
    WorkDirectory.Options workDirectoryOptions;

    @Spec
    CommandSpec spec;

    private final List<ChildJvm> children = new CopyOnWriteArrayList<>();
    private final long startedAt = System.nanoTime();
    /** Numbers the wrk runs, so that each run's events (their names carry it) differ from every other run's. */
    private int runs;
    /** When the last measured phase's load began, for the report's note on the cold phase. */
    private long lastLoadStartedAt;

    /** Durations as the services take them: {@code 30s}, {@code 5m}, {@code PT1M}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Durations.parse(value);
        }
    }

    @Override
    public Integer call() throws Exception {
        applyQuick();
        for (String phase : phases) {
            if (!PHASES.contains(phase)) {
                throw new ParameterException(spec.commandLine(), "--phases: " + phase + " is not one of " + PHASES);
            }
        }
        Wrk.requireInstalled();
        requireFile(standaloneJar, "--standalone-jar");
        if (phases.contains("ingest")) {
            requireFile(ingestJar, "--ingest-jar");
        }
        long clockTicks = clockTicksPerSecond();
        // No child JVM may outlive an interrupted run (Ctrl-C): each would hold ports and gigabytes of files.
        Thread killChildren = new Thread(() -> children.forEach(ChildJvm::kill), "pipeline-bench-kill-children");
        Runtime.getRuntime().addShutdownHook(killChildren);
        try (WorkDirectory work = workDirectoryOptions.create("pipeline-bench-")) {
            // The children stop before the work directory is deleted: they write into it until they do.
            try {
                Path logs = Files.createDirectories(work.path().resolve("logs"));
                Run run = new Run(Wrk.writeScript(work.path()), "bench-" + UUID.randomUUID(), logs, clockTicks);
                List<String> setup = setup(work.path());
                setup.forEach(line -> System.out.println("- " + line));

                List<String> standaloneCommand = new ArrayList<>(List.of("-jar", standaloneJar.toString(),
                        "--data-dir", work.path().resolve("data").toString(), "--http-port", "0", "--kafka-port", "0", "--dev-token", run.token(),
                        "--set", "rate.limit.app.per.minute=" + RATE_LIMIT, "--set", "rate.limit.workspace.per.minute=" + RATE_LIMIT));
                standaloneCommand.addAll(standaloneArgs);
                ChildJvm standalone = start("standalone", standaloneCommand, logs, ReadyLine::isReadyLine);
                ReadyLine ready = ReadyLine.parse(standalone.awaitReady(STARTUP_TIMEOUT));
                long readyAt = System.nanoTime();
                progress("standalone READY: api %s, kafka %s, sink %s (its logs: %s)", ready.ingestUrl(), ready.kafkaBootstrap(),
                        ready.sinkJdbcUrl(), logs);
                ApiClient api = new ApiClient(ready.ingestUrl(), run.token());
                api.createContacts(contacts, 32);
                progress("%,d contacts created; the cold phase starts now", contacts);

                List<PhaseResult> results = new ArrayList<>();
                Report.Conservation conservation = null;
                Report.ProducerBaseline singleProducer = null;
                Report.ProducerBaseline bulkProducer = null;
                Load single = Load.single();
                Load bulk = Load.bulk(bulkItems);
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, ready.kafkaBootstrap()));
                     StoredEvents rows = new StoredEvents(ready.sinkJdbcUrl())) {
                    String rawTopic = Topics.RAW_EVENTS.name("");
                    int partitions = TopicCounts.partitions(admin, rawTopic);
                    Target pipeline = new Target(api, List.of(standalone), rows);
                    long answered = 0;
                    if (phases.contains("cold")) {
                        results.add(measure(run, Report.COLD, single, cold, pipeline));
                        setup.add(String.format("the cold phase's load began %.1f s after the READY line (contacts, thread names, counters first)",
                                (lastLoadStartedAt - readyAt) / 1e9));
                    }
                    if (phases.contains("steady")) {
                        answered += warmUp(run, single, warmup, pipeline);
                        results.add(measure(run, Report.STEADY, single, measure, pipeline));
                    }
                    if (phases.contains("bulk")) {
                        answered += warmUp(run, bulk, bulkWarmup, pipeline);
                        results.add(measure(run, Report.BULK, bulk, measure, pipeline));
                    }
                    if (!results.isEmpty()) {
                        for (PhaseResult r : results) {
                            answered += r.wrk().answered2xx() * r.load().itemsPerRequest();
                        }
                        conservation = drainAndCheck(api, admin, rows, ready.kafkaBootstrap(), answered);
                    }
                    if (phases.contains("producer")) {
                        singleProducer = rawProducer(admin, ready.kafkaBootstrap(), partitions, connections);
                        bulkProducer = rawProducer(admin, ready.kafkaBootstrap(), partitions, bulkConnections() * bulkItems);
                    }
                    if (phases.contains("javalin")) {
                        results.add(bareJavalin(run, single));
                    }
                    if (phases.contains("ingest")) {
                        results.addAll(ingestAlone(run, ready.kafkaBootstrap(), partitions, standalone, single, bulk));
                    }
                }
                stop(standalone);
                new Report(setup, results, conservation, singleProducer, bulkProducer, connections).print(System.out);
                // A benchmark that misses a target still succeeds; one that lost or doubled an event does not.
                return conservation != null && !conservation.passed() ? 1 : 0;
            } finally {
                for (ChildJvm child : children) {
                    child.close();
                }
                children.clear();
            }
        } finally {
            Runtime.getRuntime().removeShutdownHook(killChildren);
        }
    }

    /** What every wrk run of this benchmark shares. */
    private record Run(Path script, String token, Path logs, long clockTicks) {}

    /**
     * What a phase loads and measures: the API ({@code counter} also counts its accepted events; null for the
     * bare Javalin, which has no such counter), the JVMs whose threads are measured, and the rows (null where no sink).
     */
    private record Target(ApiClient counter, String url, List<ChildJvm> jvms, StoredEvents rows) {
        Target(ApiClient api, List<ChildJvm> jvms, StoredEvents rows) {
            this(api, api.baseUrl(), jvms, rows);
        }
    }

    /**
     * Bulk requests hold {@code --bulk-items} events in flight each. Past ingest-api's bound on writes waiting
     * for Kafka it answers 503 at once, and a closed-loop client sends the next request at once: the run
     * would measure that churn, not the API. So by default no more connections than the bound allows.
     */
    int bulkConnections() {
        if (bulkConnections != null) {
            return bulkConnections;
        }
        int bound = new IngestConfig(Map.of()).getInt(IngestConfig.MAX_IN_FLIGHT_REQUESTS);
        return Math.max(1, Math.min(connections, bound / bulkItems));
    }

    void applyQuick() {
        if (!quick) {
            return;
        }
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        Map<String, Runnable> shorter = new LinkedHashMap<>();
        shorter.put("--cold", () -> cold = Duration.ofSeconds(15));
        shorter.put("--warmup", () -> warmup = Duration.ofSeconds(15));
        shorter.put("--measure", () -> measure = Duration.ofSeconds(15));
        shorter.put("--bulk-warmup", () -> bulkWarmup = Duration.ofSeconds(10));
        shorter.put("--baseline-warmup", () -> baselineWarmup = Duration.ofSeconds(10));
        shorter.put("--producer-round", () -> producerRound = Duration.ofSeconds(5));
        shorter.forEach((option, apply) -> {
            if (!given.hasMatchedOption(option)) {
                apply.run();
            }
        });
    }

    private void requireFile(Path jar, String option) {
        if (!Files.isRegularFile(jar)) {
            throw new ParameterException(spec.commandLine(), option + ": no " + jar.toAbsolutePath()
                    + "; build the jars first: mvn -B -q package -DskipTests");
        }
    }

    private List<String> setup(Path work) {
        List<String> out = new ArrayList<>();
        out.add(String.format("%s, %d cores, Java %s, %s", Instant.now(), Runtime.getRuntime().availableProcessors(),
                Runtime.version(), osDescription()));
        out.add(String.format("load: wrk -t%d -c%d, distinct events over %,d contacts (created beforehand with POST /contacts, directory mode)"
                + " and %d event names per run; bulk: %d events per request at %d connections", wrkThreads, connections, contacts, eventNames,
                bulkItems, bulkConnections()));
        out.add(String.format("phases: cold %ds right after the contacts; steady: %ds warm-up, %ds measured; bulk: %ds warm-up, %ds measured;"
                        + " baselines: %ds warm-up, %ds measured; raw producer: %d rounds of %ds after one",
                cold.toSeconds(), warmup.toSeconds(), measure.toSeconds(), bulkWarmup.toSeconds(), measure.toSeconds(),
                baselineWarmup.toSeconds(), measure.toSeconds(), producerRounds, producerRound.toSeconds()));
        out.add("ran: " + String.join(",", phases) + "; JVM options of the children: "
                + (jvmOptions.isEmpty() ? "none" : String.join(" ", jvmOptions)) + "; work directory " + work);
        out.add("CPU: /proc/<pid>/task/<tid>/stat (utime + stime) of the measured JVMs before and after each phase,"
                + " per accepted event; heap: jcmd GC.run, then GC.heap_info, at the end of each phase");
        return out;
    }

    private static String osDescription() {
        return System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    /** The kernel's clock ticks per second, the unit of /proc's CPU times (100 on nearly every Linux). */
    private static long clockTicksPerSecond() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0 || !out.matches("\\d+")) {
            throw new IllegalStateException("getconf CLK_TCK failed: " + out);
        }
        return Long.parseLong(out);
    }

    private ChildJvm start(String label, List<String> programAndArgs, Path logs, Predicate<String> readyLine)
            throws IOException {
        ChildJvm child = ChildJvm.start(label, jvmOptions, programAndArgs, logs, readyLine);
        children.add(child);
        return child;
    }

    private void stop(ChildJvm child) throws InterruptedException {
        child.close();
        children.remove(child);
    }

    private void progress(String format, Object... args) {
        System.out.printf("[%4d s] %s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedAt), String.format(format, args));
    }

    private Wrk.Result wrk(Run run, Load load, Duration duration, String url, String label) throws IOException, InterruptedException {
        String tag = "r" + ++runs;
        List<String> args = List.of(run.token(), Integer.toString(contacts), tag, Long.toString(Instant.now().getEpochSecond()),
                Integer.toString(load.itemsPerRequest()), Integer.toString(eventNames));
        int c = load.itemsPerRequest() > 1 ? bulkConnections() : connections;
        return Wrk.run(run.script(), url, wrkThreads, c, duration, args, run.logs().resolve("wrk-" + tag + "-" + label.replace(' ', '-') + ".txt"));
    }

    /** Load that is not measured; returns the events wrk saw accepted, for the conservation check. */
    private long warmUp(Run run, Load load, Duration duration, Target target) throws IOException, InterruptedException {
        progress("warm-up: %s for %d s", load.label(), duration.toSeconds());
        Wrk.Result w = wrk(run, load, duration, target.url(), "warmup");
        progress("warm-up done: %,.0f events/s accepted, p99 %.1f ms, non-2xx %s", w.answered2xx() * load.itemsPerRequest() / w.seconds(),
                w.p99Micros() / 1e3, w.non2xx());
        return w.answered2xx() * load.itemsPerRequest();
    }

    /**
     * One measured phase. The thread names come from jcmd just before the first CPU snapshot and just after
     * the second, outside the interval; the counters (accepted events, rows) are read right next to the
     * snapshots. The heap is measured after the second snapshot, so its full collection costs the phase nothing.
     */
    private PhaseResult measure(Run run, String name, Load load, Duration duration, Target target) throws Exception {
        progress("%s: %s for %d s, measured", name, load.label(), duration.toSeconds());
        Map<Long, String> names = new HashMap<>();
        for (ChildJvm jvm : target.jvms()) {
            names.putAll(Jcmd.threadNames(jvm.pid()));
        }
        long rows0 = target.rows() == null ? 0 : target.rows().count();
        long accepted0 = target.counter() == null ? 0 : target.counter().acceptedEvents();
        List<ProcStat.Snapshot> before = new ArrayList<>();
        for (ChildJvm jvm : target.jvms()) {
            before.add(ProcStat.take(jvm.pid()));
        }
        ThreadSampler sampler = new ThreadSampler(target.jvms().stream().map(ChildJvm::pid).toList());
        long t0 = System.nanoTime();
        lastLoadStartedAt = t0;
        Wrk.Result w;
        List<ProcStat.Snapshot> after = new ArrayList<>();
        long t1;
        try (sampler) {
            w = wrk(run, load, duration, target.url(), name);
            t1 = System.nanoTime();
            for (ChildJvm jvm : target.jvms()) {
                after.add(ProcStat.take(jvm.pid()));
            }
        }
        long accepted1 = target.counter() == null ? 0 : target.counter().acceptedEvents();
        long rows1 = target.rows() == null ? 0 : target.rows().count();
        Map<String, Long> heap = new LinkedHashMap<>();
        CpuUsage cpu = null;
        for (int i = 0; i < target.jvms().size(); i++) {
            ChildJvm jvm = target.jvms().get(i);
            if (!jvm.isAlive()) {
                throw jvm.died("during the " + name + " phase");
            }
            names.putAll(Jcmd.threadNames(jvm.pid()));
            CpuUsage usage = CpuUsage.between(before.get(i), after.get(i), sampler.seen(jvm.pid()), names);
            cpu = cpu == null ? usage : cpu.plus(usage);
        }
        for (ChildJvm jvm : target.jvms()) {
            heap.put(jvm.label(), Jcmd.heapAfterGcBytes(jvm.pid()));
        }
        long accepted = target.counter() == null ? w.answered2xx() * load.itemsPerRequest() : accepted1 - accepted0;
        String measured = String.join(" + ", target.jvms().stream().map(ChildJvm::label).toList());
        PhaseResult result = new PhaseResult(name, load, w, (t1 - t0) / 1e9, accepted, target.rows() == null ? -1 : rows1 - rows0,
                cpu, measured, heap, run.clockTicks());
        progress("%s done: %,.0f events/s accepted, p99 %.1f ms, non-2xx %s%s, %.0f µs CPU per event (%.0f without the JIT)", name,
                result.acceptedPerSecond(), w.p99Micros() / 1e3, w.non2xx(),
                result.endToEndPerSecond().isPresent() ? String.format(", %,.0f events/s end to end", result.endToEndPerSecond().getAsDouble()) : "",
                result.wholeMicrosPerEvent(), result.withoutJitMicrosPerEvent());
        return result;
    }

    /**
     * After the load: waits until the rows stop growing short of raw-events (or reach it), then counts what
     * each topic holds. The events are distinct, so the pipeline must turn every raw record into one row.
     */
    private Report.Conservation drainAndCheck(ApiClient api, Admin admin, StoredEvents rows, String bootstrap, long answered2xx)
            throws Exception {
        progress("load stopped; waiting for the sink to store every raw event");
        String rawTopic = Topics.RAW_EVENTS.name("");
        long t0 = System.nanoTime();
        long lastProgress = t0;
        long stored = rows.count();
        long raw = TopicCounts.endOffsets(admin, rawTopic);
        while (stored < raw && System.nanoTime() - lastProgress < drainTimeout.toNanos()) {
            // Sampling pace of the check: the sink commits a batch at least every batch.linger (100 ms).
            TimeUnit.MILLISECONDS.sleep(500);
            long now = rows.count();
            if (now > stored) {
                lastProgress = System.nanoTime();
            }
            stored = now;
            // Requests still in flight when wrk stopped may add raw records for a moment.
            raw = TopicCounts.endOffsets(admin, rawTopic);
        }
        double drainSeconds = (System.nanoTime() - t0) / 1e9;
        long accepted = api.acceptedEvents();
        Duration readTimeout = Duration.ofMinutes(2);
        long duplicates = TopicCounts.committedRecords(bootstrap, Topics.DUPLICATE_EVENTS.name(""), readTimeout);
        long deadLetters = TopicCounts.committedRecords(bootstrap, Topics.DEAD_LETTER_EVENTS.name(""), readTimeout);
        Report.Conservation c = new Report.Conservation(accepted, answered2xx, raw, stored, duplicates, deadLetters, drainSeconds);
        progress("accepted %,d, raw-events %,d, rows %,d, duplicates %,d, dead letters %,d: %s", accepted, raw, stored, duplicates,
                deadLetters, c.passed() ? "PASS" : "FAIL");
        return c;
    }

    /** The raw producer baseline with {@code window} records in flight, on a scratch topic partitioned as raw-events. */
    private Report.ProducerBaseline rawProducer(Admin admin, String bootstrap, int partitions, int window) throws Exception {
        String topic = "bench-raw-producer-" + UUID.randomUUID().toString().substring(0, 8);
        // The standalone's broker creates no topic by itself (auto.create.topics.enable=false).
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        try {
            progress("raw producer: %,d records in flight, %d senders, %d + %d rounds of %d s", window, producerSenders, 1, producerRounds,
                    producerRound.toSeconds());
            RawProducer.Rounds rounds = RawProducer.run(bootstrap, topic, window, producerSenders, producerRound, 1, producerRounds,
                    contacts, eventNames);
            Report.ProducerBaseline baseline = new Report.ProducerBaseline(window, rounds);
            // Failed sends are reported, not fatal: they are what a 503 is to the API (Kafka did not
            // acknowledge within delivery.timeout.ms), and the rate counts acknowledged records only.
            progress("raw producer: %,.0f records/s (median of %s), %,d failed sends", baseline.median(), rounds.recordsPerSecond(),
                    rounds.failed());
            return baseline;
        } finally {
            // Its records would only take disk for the rest of the run.
            admin.deleteTopics(List.of(topic)).all().get();
        }
    }

    /** The bare Javalin handler in a JVM of its own, under the same wrk load. */
    private PhaseResult bareJavalin(Run run, Load load) throws Exception {
        ChildJvm javalin = start("bare-javalin", List.of("-cp", System.getProperty("java.class.path"), BareJavalin.class.getName()),
                run.logs(), line -> line.startsWith("LISTENING "));
        try {
            String port = javalin.awaitReady(STARTUP_TIMEOUT).substring("LISTENING ".length()).trim();
            Target target = new Target(null, "http://127.0.0.1:" + port, List.of(javalin), null);
            warmUp(run, load, baselineWarmup, target);
            return measure(run, Report.JAVALIN, load, measure, target);
        } finally {
            stop(javalin);
        }
    }

    /**
     * ingest-api alone: its own JVM on the standalone's broker, under a topic prefix of its own so that the
     * standalone's dedupe-stream and sink never see its records. The standalone's JVM is measured alongside:
     * its broker does the writing.
     */
    private List<PhaseResult> ingestAlone(Run run, String bootstrap, int partitions, ChildJvm standalone, Load single, Load bulk)
            throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String prefix = "bench-ingest-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        List<String> command = new ArrayList<>(List.of("-jar", ingestJar.toString(),
                "--set", "kafka.bootstrap.servers=" + bootstrap, "--set", "topic.prefix=" + prefix,
                "--set", "topic.partitions=" + partitions, "--set", "topic.replication.factor=1",
                "--set", "http.host=127.0.0.1", "--set", "http.port=" + port, "--set", "auth.dev.token=" + run.token(),
                "--set", "rate.limit.app.per.minute=" + RATE_LIMIT, "--set", "rate.limit.workspace.per.minute=" + RATE_LIMIT));
        ChildJvm ingest = start("ingest-alone", command, run.logs(), line -> false);
        try {
            ApiClient api = new ApiClient("http://127.0.0.1:" + port, run.token());
            api.awaitReady(STARTUP_TIMEOUT, ingest);
            api.createContacts(contacts, 32);
            progress("ingest alone ready on port %d, topic prefix %s, %,d contacts created", port, prefix, contacts);
            Target target = new Target(api, List.of(ingest, standalone), null);
            List<PhaseResult> out = new ArrayList<>();
            warmUp(run, single, baselineWarmup, target);
            out.add(measure(run, Report.INGEST, single, measure, target));
            warmUp(run, bulk, baselineWarmup, target);
            out.add(measure(run, Report.INGEST_BULK, bulk, measure, target));
            return out;
        } finally {
            stop(ingest);
        }
    }
}
