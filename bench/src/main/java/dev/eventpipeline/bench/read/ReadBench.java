package dev.eventpipeline.bench.read;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.records.TypedValue;
import dev.eventpipeline.ingest.auth.ApiToken;
import dev.eventpipeline.ingest.auth.TokenRegistry;
import dev.eventpipeline.ingest.contacts.ContactDirectory;
import dev.eventpipeline.ingest.http.HttpLimits;
import dev.eventpipeline.ingest.http.IngestApp;
import dev.eventpipeline.ingest.publish.EventLog;
import dev.eventpipeline.ingest.ratelimit.RateLimiter;
import dev.eventpipeline.store.Database;
import dev.eventpipeline.store.EventQueries;
import dev.eventpipeline.store.EventStore;
import dev.eventpipeline.store.ReadPoolSettings;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code GET /events} against the database's own rate for the same read: a page of {@code --per-page}
 * events of one contact, on a table of {@code --events} events across {@code --contacts} contacts, on
 * SQLite and on PostgreSQL.
 *
 * <ul>
 *   <li>candidate: the real ingest-api HTTP app (admission, rate limiter, contact view, the read pool,
 *       the JSON answer) under {@code wrk} at {@code --clients} connections, each request a random contact;</li>
 *   <li>baseline: the same {@link EventQueries#listEvents} call (the same SQL and row decoding) straight
 *       over JDBC from {@code --clients} threads, each on a connection of its own, random contacts too.</li>
 * </ul>
 * Rounds alternate (baseline, candidate, ...); the medians of the rounds are printed with their ratio and
 * the targets (p99 of GET /events at most 20 ms; at least 0.7 of the direct rate). The tables are filled by
 * the sink's {@link EventStore} in large batches, not through Kafka.
 */
@Command(name = "read", mixinStandardHelpOptions = true,
        description = "GET /events (one contact's page) over HTTP against the same query straight over JDBC.")
public final class ReadBench implements java.util.concurrent.Callable<Integer> {

    private static final String WORKSPACE = "bench";
    private static final String TOKEN = "read-bench-token";
    private static final Pattern WRK_RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern WRK_P99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)");
    private static final Pattern WRK_NON2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern WRK_REQUESTS = Pattern.compile("(\\d+) requests in");

    @Option(names = "--events", description = "events in the table (default ${DEFAULT-VALUE})")
    int events = 1_000_000;
    @Option(names = "--contacts", description = "contacts they belong to, evenly (default ${DEFAULT-VALUE})")
    int contacts = 10_000;
    @Option(names = "--per-page", description = "page size of every read (default ${DEFAULT-VALUE})")
    int perPage = 15;
    @Option(names = "--clients", description = "concurrent HTTP connections, and JDBC threads of the baseline (default ${DEFAULT-VALUE})")
    int clients = 32;
    @Option(names = "--pool-size", description = "store.pool.size of the HTTP app (default ${DEFAULT-VALUE}, the service's default)")
    int poolSize = ReadPoolSettings.DEFAULT_POOL_SIZE;
    @Option(names = "--seconds", description = "length of one measured round (default ${DEFAULT-VALUE})")
    int seconds = 15;
    @Option(names = "--warmup", description = "seconds of each side's warm-up before the rounds (default ${DEFAULT-VALUE})")
    int warmup = 15;
    @Option(names = "--rounds", description = "measured rounds of each side (default ${DEFAULT-VALUE})")
    int rounds = 3;
    @Option(names = "--databases", split = ",", description = "sqlite, postgresql or both (default ${DEFAULT-VALUE})")
    List<String> databases = List.of("sqlite", "postgresql");
    @Option(names = "--postgres-url", description = "PostgreSQL to fill a scratch schema of (default ${DEFAULT-VALUE})")
    String postgresUrl = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    @Option(names = "--work-dir", description = "where the SQLite file and the wrk script go (default: a new temporary directory)")
    Path workDir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReadBench()).execute(args));
    }

    /** One measured round; {@code cpuMicrosPerRequest} is this JVM's CPU time per request (wrk's own is not in it). */
    record Round(double rps, double p99Millis, long requests, long failures, double cpuMicrosPerRequest) {

        Round withCpu(long cpuNanos) {
            return new Round(rps, p99Millis, requests, failures, requests == 0 ? Double.NaN : cpuNanos / 1e3 / requests);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    @Override
    public Integer call() throws Exception {
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("read-bench-");
        System.out.printf(Locale.ROOT, "read bench: %,d events across %,d contacts, pages of %d, %d clients, HTTP read pool %d, rounds of %d s x %d%n",
                events, contacts, perPage, clients, poolSize, seconds, rounds);
        for (String database : databases) {
            String url;
            String schema = null;
            if (database.equals("sqlite")) {
                Path file = dir.resolve("read-bench.db");
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir.resolve("read-bench.db-wal"));
                Files.deleteIfExists(dir.resolve("read-bench.db-shm"));
                url = "jdbc:sqlite:" + file;
            } else if (database.equals("postgresql")) {
                schema = "read_bench_" + UUID.randomUUID().toString().substring(0, 8);
                try (Connection c = DriverManager.getConnection(postgresUrl); Statement s = c.createStatement()) {
                    s.execute("CREATE SCHEMA " + schema);
                }
                url = postgresUrl + (postgresUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
            } else {
                throw new CommandLine.ParameterException(new CommandLine(this), "unknown database " + database);
            }
            try {
                run(database, url, dir);
            } finally {
                if (schema != null) {
                    try (Connection c = DriverManager.getConnection(postgresUrl); Statement s = c.createStatement()) {
                        s.execute("DROP SCHEMA " + schema + " CASCADE");
                    }
                }
            }
        }
        return 0;
    }

    private void run(String database, String url, Path dir) throws Exception {
        List<String> contactIds = new ArrayList<>(contacts);
        for (int i = 0; i < contacts; i++) {
            contactIds.add(String.format(Locale.ROOT, "%024x", i + 1));
        }
        long now = Instant.now().getEpochSecond();
        fill(url, contactIds, now);

        ContactDirectory directory = new ContactDirectory(false, Clock.systemUTC());
        for (String id : contactIds) {
            directory.put(new Contact(Contact.TYPE, id, WORKSPACE, ContactRef.ROLE_USER, "u-" + id, id + "@example.com", null, now));
        }
        TokenRegistry tokens = new TokenRegistry(List.of(new ApiToken(TokenRegistry.digestHex(TOKEN), WORKSPACE, "bench",
                Set.of(ApiToken.READ), 1_000_000_000, null)));
        try (Database httpPool = Database.openForReads(new ReadPoolSettings(url, "", "", poolSize,
                ReadPoolSettings.DEFAULT_CONNECT_TIMEOUT, ReadPoolSettings.DEFAULT_QUERY_TIMEOUT));
             Database directPool = Database.openForReads(new ReadPoolSettings(url, "", "", clients,
                     ReadPoolSettings.DEFAULT_CONNECT_TIMEOUT, ReadPoolSettings.DEFAULT_QUERY_TIMEOUT))) {
            IngestApp app = IngestApp.create("127.0.0.1", 0, HttpLimits.defaults().withRateLimits(1_000_000_000, 1_000_000_000),
                    tokens, directory, new NoWrites(), new EventQueries(httpPool), new RateLimiter(Clock.systemUTC()),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(), () -> true).start();
            try {
                Path script = wrkScript(dir);
                EventQueries direct = new EventQueries(directPool);
                System.out.printf(Locale.ROOT, "%s: warming up %d s each%n", database, warmup);
                direct(direct, contactIds, warmup);
                wrk(script, app.port(), warmup);
                List<Round> baseline = new ArrayList<>();
                List<Round> candidate = new ArrayList<>();
                for (int r = 1; r <= rounds; r++) {
                    long cpu0 = processCpuNanos();
                    Round b = direct(direct, contactIds, seconds);
                    long cpu1 = processCpuNanos();
                    Round c = wrk(script, app.port(), seconds);
                    long cpu2 = processCpuNanos();
                    b = b.withCpu(cpu1 - cpu0);
                    c = c.withCpu(cpu2 - cpu1);
                    baseline.add(b);
                    candidate.add(c);
                    System.out.printf(Locale.ROOT, "%s round %d: direct JDBC %,.0f reads/s (p99 %.2f ms, %.0f us CPU each) | GET /events %,.0f req/s"
                                    + " (p99 %.2f ms, %.0f us CPU each in this JVM, wrk's not included; %d non-2xx)%n",
                            database, r, b.rps, b.p99Millis, b.cpuMicrosPerRequest, c.rps, c.p99Millis, c.cpuMicrosPerRequest, c.failures);
                }
                double directRps = median(baseline.stream().map(Round::rps).toList());
                double httpRps = median(candidate.stream().map(Round::rps).toList());
                double httpP99 = median(candidate.stream().map(Round::p99Millis).toList());
                double ratio = httpRps / directRps;
                long failures = candidate.stream().mapToLong(Round::failures).sum();
                System.out.printf(Locale.ROOT, "RESULT %s: GET /events %,.0f req/s, p99 %.2f ms (target <= 20 ms: %s); direct JDBC %,.0f reads/s;"
                                + " ratio %.2f (target >= 0.70: %s); %d non-2xx answers%n",
                        database, httpRps, httpP99, httpP99 <= 20 ? "met" : "MISSED", directRps, ratio, ratio >= 0.70 ? "met" : "MISSED", failures);
            } finally {
                app.stop();
            }
        }
    }

    /** The events, through the sink's own writer in batches of 10,000 (one transaction each). */
    private void fill(String url, List<String> contactIds, long now) throws SQLException {
        long t0 = System.nanoTime();
        SplittableRandom random = new SplittableRandom(42);
        try (Database writer = Database.open(url, "", "", Duration.ofSeconds(10))) {
            writer.awaitAndMigrate(Duration.ofSeconds(60));
            EventStore store = new EventStore(writer);
            List<EventStore.EventRow> batch = new ArrayList<>(10_000);
            String[] names = {"viewed-page", "clicked-button", "invited-friend", "updated-plan", "placed-order"};
            for (int i = 0; i < events; i++) {
                String contact = contactIds.get(i % contactIds.size());
                // Within the 90 days listed, a second apart at most per contact: every page is full.
                long createdAt = now - random.nextLong(80L * 86_400);
                String name = names[random.nextInt(names.length)];
                Map<String, TypedValue> metadata = new LinkedHashMap<>();
                metadata.put("plan", new TypedValue("string", JsonNodeFactory.instance.textNode("pro")));
                metadata.put("load", new TypedValue("number", JsonNodeFactory.instance.numberNode(new BigDecimal("3.670"))));
                metadata.put("price", new TypedValue("monetary_amount", JsonNodeFactory.instance.objectNode().put("amount", 34999).put("currency", "eur")));
                CleanEvent e = new CleanEvent(EventKeys.eventId(WORKSPACE, contact, name, createdAt), WORKSPACE, name, createdAt,
                        new ContactRef(contact, ContactRef.ROLE_USER, "u-" + contact, contact + "@example.com"), metadata, List.of(),
                        Instant.ofEpochSecond(now), UUID.randomUUID().toString(), "2.10");
                batch.add(EventStore.EventRow.of(e));
                if (batch.size() == 10_000 || i == events - 1) {
                    store.write(batch, List.of());
                    batch.clear();
                }
            }
        }
        System.out.printf(Locale.ROOT, "filled %,d events in %.1f s%n", events, (System.nanoTime() - t0) / 1e9);
    }

    /** {@code --clients} threads calling {@link EventQueries#listEvents} for random contacts for {@code seconds}. */
    private Round direct(EventQueries queries, List<String> contactIds, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long[][] latencies = new long[clients][];
        int[] counts = new int[clients];
        long[] failures = new long[clients];
        CountDownLatch done = new CountDownLatch(clients);
        long start = System.nanoTime();
        for (int t = 0; t < clients; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(thread);
                long[] mine = new long[1 << 16];
                int n = 0;
                try {
                    while (System.nanoTime() < end) {
                        String contact = contactIds.get(random.nextInt(contactIds.size()));
                        long t0 = System.nanoTime();
                        try {
                            EventQueries.Page page = queries.listEvents(WORKSPACE, contact, Instant.now(), null, perPage);
                            if (page.events().size() != perPage) {
                                failures[thread]++;
                            }
                        } catch (Exception e) {
                            failures[thread]++;
                        }
                        if (n == mine.length) {
                            mine = Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = System.nanoTime() - t0;
                    }
                } finally {
                    latencies[thread] = mine;
                    counts[thread] = n;
                    done.countDown();
                }
            }, "direct-read-" + t);
            worker.start();
        }
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < clients; t++) {
            System.arraycopy(latencies[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        double p99 = total == 0 ? Double.NaN : all[(int) Math.min(total - 1, Math.ceil(total * 0.99) - 1)] / 1e6;
        return new Round(total / elapsed, p99, total, Arrays.stream(failures).sum(), Double.NaN);
    }

    /** Each request names a random contact, as the baseline's reads do. */
    private Path wrkScript(Path dir) throws IOException {
        Path script = dir.resolve("read-bench.lua");
        Files.writeString(script, String.join("\n",
                "math.randomseed(42)",
                "local headers = {[\"Authorization\"] = \"Bearer " + TOKEN + "\"}",
                "request = function()",
                "  local id = string.format(\"%024x\", math.random(1, " + contacts + "))",
                "  return wrk.format(\"GET\", \"/events?type=user&intercom_user_id=\" .. id .. \"&per_page=" + perPage + "\", headers)",
                "end", ""), StandardCharsets.UTF_8);
        return script;
    }

    private Round wrk(Path script, int port, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("wrk", "-t1", "-c" + clients, "-d" + seconds + "s", "--latency", "-s", script.toString(),
                "http://127.0.0.1:" + port).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("wrk failed (apt-get install wrk): " + out);
        }
        Matcher rps = WRK_RPS.matcher(out);
        Matcher p99 = WRK_P99.matcher(out);
        Matcher requests = WRK_REQUESTS.matcher(out);
        if (!rps.find() || !p99.find() || !requests.find()) {
            throw new IllegalStateException("unexpected wrk output: " + out);
        }
        Matcher non2xx = WRK_NON2XX.matcher(out);
        double p99Value = Double.parseDouble(p99.group(1));
        double millis = switch (p99.group(2)) {
            case "us" -> p99Value / 1000;
            case "s" -> p99Value * 1000;
            default -> p99Value;
        };
        return new Round(Double.parseDouble(rps.group(1)), millis, Long.parseLong(requests.group(1)),
                non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0, Double.NaN);
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The reads need no Kafka: this app is never written to. */
    private static final class NoWrites implements EventLog {
        @Override
        public CompletableFuture<Void> appendEvent(RawEvent event) {
            return CompletableFuture.failedFuture(new EventLog.Unavailable("the read benchmark takes no writes", null));
        }

        @Override
        public CompletableFuture<Void> appendContact(Contact contact) {
            return CompletableFuture.failedFuture(new EventLog.Unavailable("the read benchmark takes no writes", null));
        }

        @Override
        public boolean isReachable() {
            return true;
        }

        @Override
        public void close() {
            // nothing held
        }
    }
}
