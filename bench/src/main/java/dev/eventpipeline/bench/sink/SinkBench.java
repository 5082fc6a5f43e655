package dev.eventpipeline.bench.sink;

import static dev.eventpipeline.bench.Medians.median;
import static dev.eventpipeline.bench.Medians.medianRatio;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.eventpipeline.bench.WorkDirectory;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.TypedValue;
import dev.eventpipeline.common.topics.TopicProvisioner;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.embedded.EmbeddedKafkaBroker;
import dev.eventpipeline.sink.SinkConfig;
import dev.eventpipeline.sink.SinkService;
import dev.eventpipeline.store.Database;
import dev.eventpipeline.store.EventStore;
import dev.eventpipeline.store.SqlDialect;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Sink rows/s against the database's own limit, on SQLite and PostgreSQL, in the same run.
 *
 * <p>The limit: the same rows (already serialised) inserted into the same freshly migrated
 * {@code events} table by a plain JDBC batch insert, {@code batch} rows per transaction, no Kafka, no
 * conflict check, no summaries. The sink: {@link SinkService} consuming the same events, already in
 * {@code clean-events}, into another freshly migrated schema, with the same batch size: it also
 * decodes JSON, checks every id, keeps the insert idempotent and updates {@code event_summaries} in the
 * same transaction, and commits offsets. Both rates leave out the first {@code warmup} rows (JIT,
 * connection set-up, the consumer group's join).
 *
 * <p>A reference, once per round: the sink's own {@code EventStore} writing the same rows with no Kafka in
 * the way (see {@link #storeOnly}), the ceiling of the sink's ratio.
 *
 * <p>{@code java -jar bench/target/bench.jar sink [options]} ({@code --help} lists them). The default of
 * {@code --events} (200,000: tables of 70 to 90 MB) outgrows SQLite's default page cache, as any production
 * table does, though not yet PostgreSQL's default {@code shared_buffers}; see {@link #tableBytes}. In each
 * round the baseline, the sink and the store-alone reference take turns at going first; medians of the
 * rounds are reported.
 */
@Command(name = "sink", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = "event-sink on SQLite and PostgreSQL against a plain JDBC batch insert of the same rows, in the same run.")
public final class SinkBench implements Callable<Integer> {

    @Option(names = "--events", defaultValue = "200000", description = "Events loaded into clean-events and written by each run (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--batch", defaultValue = "1000", description = "Rows per database transaction, for the sink and the baseline alike (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--warmup", description = "Rows at the start of every run left out of its rate (default: 10% of --events).")
    Integer warmupRows;

    @Option(names = "--contacts", defaultValue = "2000", description = "Contacts the events are spread over (default: ${DEFAULT-VALUE}).")
    int contacts;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of clean-events (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--databases", split = ",", defaultValue = "sqlite,postgresql", description = "Databases to run against (default: ${DEFAULT-VALUE}).")
    List<String> databases;

    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds per database (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup-rounds", defaultValue = "1",
            description = "Rounds per database run and printed but not counted: the JIT compiles the sink's code during the first (default: ${DEFAULT-VALUE}).")
    int warmupRounds;

    @Option(names = "--postgres", description = "PostgreSQL JDBC URL (default: SINK_TEST_POSTGRES_URL, else jdbc:postgresql://127.0.0.1:5432/test?user=postgres).")
    String postgresUrl;

    @Mixin
    WorkDirectory.Options workDirectoryOptions;

    @Override
    public Integer call() throws Exception {
        int warmup = warmupRows != null ? warmupRows : events / 10;
        String env = System.getenv("SINK_TEST_POSTGRES_URL");
        String postgres = postgresUrl != null ? postgresUrl
                : env != null && !env.isBlank() ? env : "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

        System.out.printf("sink benchmark: %d events (first %d not timed), batch %d, %d contacts x 5 event names, %d partitions,"
                + " %d rounds after %d warm-up round(s) per database, JVM %s, %d cores%n", events, warmup, batch, contacts, partitions,
                rounds, warmupRounds, Runtime.version(), Runtime.getRuntime().availableProcessors());
        List<CleanEvent> rows = events(events, contacts, 42);
        System.out.printf("baseline (the database's own limit): the same %d event rows, JSON and timestamps rendered beforehand,"
                + " one single-row INSERT INTO events (no ON CONFLICT, no summaries) prepared once and run as a JDBC batch of %d rows"
                + " + COMMIT per batch, through the sink's own Database pool and settings (SQLite: WAL, synchronous=FULL;"
                + " PostgreSQL: the server's defaults), into a freshly migrated schema, in the same JVM with the broker idle%n", events, batch);
        System.out.printf("sink: SinkService consuming them from clean-events (in-process broker, read_committed), same batch size,"
                + " events + summaries upsert + COMMIT per batch, then the offset commit%n");

        List<String> table = new ArrayList<>();
        try (WorkDirectory workDirectory = workDirectoryOptions.create("sink-bench-");
             EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(workDirectory.path().resolve("kafka")).build().start()) {
            Path dir = workDirectory.path();
            String bootstrap = broker.bootstrapServers();
            String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + ".";
            load(bootstrap, prefix, partitions, rows);
            for (String db : databases) {
                String kind = db.trim().toLowerCase(Locale.ROOT);
                // Alternating rounds, medians: on a shared machine one round of either can be hit by a neighbour.
                List<Double> limits = new ArrayList<>();
                List<Double> sinks = new ArrayList<>();
                List<Double> stores = new ArrayList<>();
                for (int round = 1; round <= warmupRounds + rounds; round++) {
                    Target baseTarget = target(kind, dir, postgres, "base");
                    Target sinkTarget = target(kind, dir, postgres, "sink");
                    Target storeTarget = target(kind, dir, postgres, "store");
                    try {
                        if (round == 1) {
                            System.out.printf("%s: page cache of the database %s%n", kind, pageCache(sinkTarget));
                        }
                        // The three runs take turns at going first: the one after another one inherits its
                        // dirty pages and the disk's write-back, so a fixed order would favour one of them.
                        double limit = 0;
                        double sink = 0;
                        double store = 0;
                        for (int turn = 0; turn < 3; turn++) {
                            switch ((turn + round - 1) % 3) {
                                case 0 -> limit = baseline(baseTarget, rows, batch, warmup);
                                case 1 -> sink = sink(sinkTarget, bootstrap, prefix, rows.size(), batch, warmup);
                                default -> store = storeOnly(storeTarget, rows, batch, warmup);
                            }
                        }
                        if (round <= warmupRounds) {
                            System.out.printf("%s warm-up round %d (not counted): plain JDBC batch insert %,.0f rows/s, sink %,.0f rows/s, ratio %.2f%n",
                                    kind, round, limit, sink, sink / limit);
                            continue;
                        }
                        limits.add(limit);
                        sinks.add(sink);
                        stores.add(store);
                        System.out.printf("%s round %d: plain JDBC batch insert %,.0f rows/s, sink %,.0f rows/s, ratio %.2f;"
                                + " reference: the sink's store alone %,.0f rows/s, ratio %.2f; the sink's tables at the end %.0f MB%n",
                                kind, round - warmupRounds, limit, sink, sink / limit, store, store / limit, tableBytes(sinkTarget) / 1e6);
                    } finally {
                        baseTarget.drop();
                        sinkTarget.drop();
                        storeTarget.drop();
                    }
                }
                double limit = median(limits);
                double sink = median(sinks);
                double store = median(stores);
                // Both statistics: the ratio of the medians, and the median of each round's ratio (the rounds are
                // paired, their runs take turns under the same conditions; DedupeBench reports this one).
                table.add(String.format("| %s | %,.0f | %,.0f | %.2f | %.2f | %,.0f | %.2f |", kind, limit, sink, sink / limit,
                        medianRatio(sinks, limits), store, store / limit));
            }
        }
        System.out.println();
        System.out.printf("medians of %d rounds:%n", rounds);
        System.out.println("| database | plain JDBC batch insert, rows/s | event-sink, rows/s | ratio | median of the rounds' ratios |"
                + " reference: the sink's store alone, rows/s | its ratio |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        table.forEach(System.out::println);
        return 0;
    }

    /**
     * The size of a target's tables with their indexes. How the ratio comes out depends on it: while the
     * tables fit the database's page cache (SQLite's 2 MiB by default, PostgreSQL's {@code shared_buffers})
     * a write costs little but CPU, and the sink's own per-row work weighs more against the plain insert's.
     */
    private static long tableBytes(Target target) throws SQLException {
        return Long.parseLong(queryOne(target, SqlDialect.of(target.url()) == SqlDialect.SQLITE
                ? "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
                : "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = current_schema() AND c.relkind = 'r'"));
    }

    /** What the database caches of its pages, as it reports it (the sink's pool leaves both at their defaults). */
    private static String pageCache(Target target) throws SQLException {
        if (SqlDialect.of(target.url()) == SqlDialect.SQLITE) {
            String value = queryOne(target, "PRAGMA cache_size");
            // A negative cache_size is in KiB, a positive one in pages.
            return "cache_size " + value + (value.startsWith("-") ? " (KiB)" : " (pages)");
        }
        return "shared_buffers " + queryOne(target, "SHOW shared_buffers");
    }

    private static String queryOne(Target target, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(target.url());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A fresh, migrated database (an SQLite file, or a new PostgreSQL schema). */
    private record Target(String url, Runnable dropper) {
        void drop() {
            dropper.run();
        }
    }

    private static Target target(String kind, Path dir, String postgres, String name) throws SQLException {
        Target t;
        if (kind.equals("sqlite")) {
            t = new Target("jdbc:sqlite:" + dir.resolve(name + "-" + UUID.randomUUID() + ".db"), () -> { });
        } else if (kind.equals("postgresql")) {
            String schema = "sink_bench_" + name + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
            try (Connection c = DriverManager.getConnection(postgres); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            t = new Target(postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + schema, () -> {
                try (Connection c = DriverManager.getConnection(postgres); Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA " + schema + " CASCADE");
                } catch (SQLException e) {
                    System.err.println("could not drop benchmark schema " + schema + ": " + e.getMessage());
                }
            });
        } else {
            throw new IllegalArgumentException("databases are sqlite and postgresql, not " + kind);
        }
        try (Database db = Database.open(t.url(), "", "", Duration.ofSeconds(5))) {
            db.awaitAndMigrate(Duration.ofSeconds(30));
        }
        return t;
    }

    static List<CleanEvent> events(int n, int contacts, long seed) {
        Random random = new Random(seed);
        List<CleanEvent> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String contact = "c" + random.nextInt(contacts);
            String name = "event-" + random.nextInt(5);
            long createdAt = 1_700_000_000L + i; // distinct per event: every row is new
            Map<String, TypedValue> metadata = new LinkedHashMap<>();
            metadata.put("invite_code", new TypedValue("string", JsonNodeFactory.instance.textNode("ADDAFRIEND" + random.nextInt(100))));
            metadata.put("load", new TypedValue("number", JsonNodeFactory.instance.numberNode(3.67)));
            out.add(new CleanEvent(EventKeys.eventId("ws-bench", contact, name, createdAt), "ws-bench", name, createdAt,
                    new ContactRef(contact, ContactRef.ROLE_USER, "u-" + contact, contact + "@example.com"), metadata, List.of(),
                    Instant.parse("2026-11-27T08:00:00.123Z").plusMillis(i), UUID.randomUUID().toString(), "2.10"));
        }
        return out;
    }

    private static void load(String bootstrap, String prefix, int partitions, List<CleanEvent> rows) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicProvisioner(admin, prefix, partitions, (short) 1, Duration.ofSeconds(30))
                    .ensure(List.of(Topics.CLEAN_EVENTS, Topics.EVENT_DEFINITIONS, Topics.DEAD_LETTER_EVENTS), Map.of());
        }
        String topic = Topics.CLEAN_EVENTS.name(prefix);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer())) {
            for (CleanEvent e : rows) {
                producer.send(new ProducerRecord<>(topic, EventKeys.contactKey(e.workspaceId(), e.contact().id()), Json.toBytes(e)));
            }
            producer.flush();
        }
    }

    /** Plain JDBC: the same rows, serialised beforehand, batch-inserted {@code batch} per transaction. */
    private static double baseline(Target target, List<CleanEvent> events, int batch, int warmup) throws SQLException {
        SqlDialect d = SqlDialect.of(target.url());
        List<Object[]> rows = new ArrayList<>(events.size());
        for (CleanEvent e : events) {
            rows.add(new Object[] {e.id(), e.workspaceId(), e.contact().id(), e.contact().role(), e.contact().userId(),
                    e.contact().email(), e.eventName(), e.createdAt(), Json.toString(e.metadata()), Json.toString(e.droppedMetadata()),
                    SqlDialect.timestamp(e.receivedAt()), e.requestId(), e.intercomVersion()});
        }
        String sql = "INSERT INTO events (id, workspace_id, contact_id, contact_role, user_id, email, event_name,"
                + " created_at, metadata, dropped_metadata, received_at, request_id, intercom_version)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, " + d.json() + ", " + d.json() + ", " + d.timestampParam() + ", ?, ?)";
        try (Database db = Database.open(target.url(), "", "", Duration.ofSeconds(5));
             Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            long start = 0;
            long insertNanos = 0;
            long commitNanos = 0;
            long cpuNanos = 0;
            int timedBatches = 0;
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (int from = 0; from < rows.size(); from += batch) {
                if (from >= warmup && start == 0) {
                    start = System.nanoTime();
                }
                long t0 = System.nanoTime();
                long cpu0 = threads.getCurrentThreadCpuTime();
                for (Object[] row : rows.subList(from, Math.min(rows.size(), from + batch))) {
                    for (int i = 0; i < row.length; i++) {
                        ps.setObject(i + 1, row[i]);
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
                long t1 = System.nanoTime();
                c.commit();
                if (start != 0) {
                    insertNanos += t1 - t0;
                    commitNanos += System.nanoTime() - t1;
                    cpuNanos += threads.getCurrentThreadCpuTime() - cpu0;
                    timedBatches++;
                }
            }
            System.out.printf("  plain JDBC batch insert: per batch, ms: events %.1f commit %.1f; CPU of the inserting thread %.1f%n",
                    insertNanos / 1e6 / timedBatches, commitNanos / 1e6 / timedBatches, cpuNanos / 1e6 / timedBatches);
            int timed = rows.size() - (int) (Math.ceil((double) warmup / batch) * batch);
            return timed / ((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * A reference, not the target: the sink's own {@link EventStore} writing the same rows, already decoded,
     * {@code batch} per transaction, with no Kafka in the way. It does what the sink's database side must do
     * (idempotent insert, summaries upserted in the same transaction), so its ratio to the plain insert is
     * the most the sink could reach however cheap the Kafka side became.
     */
    private static double storeOnly(Target target, List<CleanEvent> events, int batch, int warmup) throws SQLException {
        List<EventStore.EventRow> rows = new ArrayList<>(events.size());
        for (CleanEvent e : events) {
            rows.add(EventStore.EventRow.of(e));
        }
        try (Database db = Database.open(target.url(), "", "", Duration.ofSeconds(5))) {
            EventStore store = new EventStore(db);
            long start = 0;
            for (int from = 0; from < rows.size(); from += batch) {
                if (from >= warmup && start == 0) {
                    start = System.nanoTime();
                }
                store.write(rows.subList(from, Math.min(rows.size(), from + batch)), List.of());
            }
            int timed = rows.size() - (int) (Math.ceil((double) warmup / batch) * batch);
            return timed / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** CPU time of every live thread, by "id name" (user and system time, nanoseconds). */
    private static Map<String, Long> threadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu >= 0) {
                    out.put(info.getThreadId() + " " + info.getThreadName(), cpu);
                }
            }
        }
        return out;
    }

    private static final String[] PHASES = {"events", "summaries", "definitions", "commit"};

    private static io.micrometer.core.instrument.Timer phase(SinkService sink, String phase) {
        return sink.meterRegistry().get("sink.write.phase").tag("phase", phase).timer();
    }

    /** The sink, consuming the events already in Kafka; timed from the moment it has written {@code warmup} rows. */
    private static double sink(Target target, String bootstrap, String prefix, int total, int batch, int warmup) throws Exception {
        Map<String, Object> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", bootstrap);
        settings.put("topic.prefix", prefix);
        settings.put("group.id", "bench-" + UUID.randomUUID());
        settings.put("jdbc.url", target.url());
        settings.put("batch.size", batch);
        settings.put("management.port", -1);
        try (SinkService sink = SinkService.start(new SinkConfig(settings))) {
            var written = sink.meterRegistry().get("sink.rows.written").tag("table", "events").counter();
            var writeLatency = sink.meterRegistry().get("sink.write.latency").timer();
            Map<String, Long> cpuAtStart = Map.of();
            double busyAtStart = 0;
            double[] phasesAtStart = new double[PHASES.length];
            long batchesAtStart = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            double startCount = -1;
            long start = 0;
            while (written.count() < total) {
                if (startCount < 0 && written.count() >= warmup) {
                    startCount = written.count();
                    start = System.nanoTime();
                    busyAtStart = writeLatency.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS);
                    for (int p = 0; p < PHASES.length; p++) {
                        phasesAtStart[p] = phase(sink, PHASES[p]).totalTime(java.util.concurrent.TimeUnit.NANOSECONDS);
                    }
                    batchesAtStart = writeLatency.count();
                    cpuAtStart = threadCpu();
                }
                if (System.nanoTime() > deadline || !sink.isAlive()) {
                    throw new IllegalStateException("sink wrote " + written.count() + " of " + total + " rows");
                }
                Thread.onSpinWait();
                Thread.sleep(1); // sampling pace of a benchmark harness, not a test
            }
            long end = System.nanoTime();
            Map<String, Long> cpuAtEnd = threadCpu();
            if (start == 0) {
                throw new IllegalStateException("warm-up too large: lower --warmup");
            }
            double busy = writeLatency.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) - busyAtStart;
            // Near 1: the database is the limit. Well below 1: the Kafka side (fetch, decode) keeps it waiting.
            System.out.printf("  sink: database busy %.0f%% of the timed interval, mean batch %.0f records%n",
                    100 * busy / (end - start), sink.meterRegistry().get("sink.batch.size").summary().mean());
            long batches = writeLatency.count() - batchesAtStart;
            StringBuilder perBatch = new StringBuilder("  sink: per batch, ms:");
            for (int p = 0; p < PHASES.length; p++) {
                double ms = (phase(sink, PHASES[p]).totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) - phasesAtStart[p]) / 1e6 / batches;
                perBatch.append(String.format(" %s %.1f", PHASES[p], ms));
            }
            System.out.println(perBatch);
            // Where the two cores went: the writer competes with the consumer loop and the in-process broker.
            long writerCpu = 0;
            long loopCpu = 0;
            long otherCpu = 0;
            for (var e : cpuAtEnd.entrySet()) {
                long used = e.getValue() - cpuAtStart.getOrDefault(e.getKey(), 0L);
                String name = e.getKey().substring(e.getKey().indexOf(' ') + 1);
                if (name.equals("event-sink-writer")) {
                    writerCpu += used;
                } else if (name.equals("event-sink-loop")) {
                    loopCpu += used;
                } else {
                    otherCpu += used;
                }
            }
            System.out.printf("  sink: CPU per batch, ms: writer thread %.1f, consumer loop %.1f, other Java threads (broker, Kafka clients, this harness) %.1f%n",
                    writerCpu / 1e6 / batches, loopCpu / 1e6 / batches, otherCpu / 1e6 / batches);
            return (total - startCount) / ((end - start) / 1e9);
        }
    }
}
