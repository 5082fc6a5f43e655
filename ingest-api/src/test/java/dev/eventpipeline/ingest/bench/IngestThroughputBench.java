package dev.eventpipeline.ingest.bench;

import dev.eventpipeline.store.Database;
import dev.eventpipeline.store.EventQueries;
import dev.eventpipeline.store.ReadPoolSettings;
import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.embedded.EmbeddedKafkaBroker;
import dev.eventpipeline.ingest.IngestConfig;
import dev.eventpipeline.ingest.IngestService;
import dev.eventpipeline.ingest.auth.ApiToken;
import dev.eventpipeline.ingest.auth.TokenRegistry;
import dev.eventpipeline.ingest.contacts.ContactDirectory;
import dev.eventpipeline.ingest.http.HttpLimits;
import dev.eventpipeline.ingest.http.IngestApp;
import dev.eventpipeline.ingest.publish.EventLog;
import dev.eventpipeline.ingest.ratelimit.RateLimiter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Single-event throughput of POST /events with wrk as the concurrent client, against a baseline
 * measured in the same run: the same app (auth, rate limit, parsing, validation, contact lookup) with
 * an event log that acknowledges at once. The ratio is what writing to Kafka with acks=all costs.
 * Afterwards it counts raw-events to check that every 202 wrk saw is stored.
 *
 * <p>Usage (from bench.sh): {@code IngestThroughputBench [seconds=15] [connections=64,256] [threads=1]}
 */
public final class IngestThroughputBench {

    private static final String TOKEN = "bench-token";
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final String BODY = "{\"event_name\":\"invited-friend\",\"created_at\":1671028894,\"user_id\":\"314159\","
            + "\"metadata\":{\"invite_code\":\"ADDAFRIEND\",\"load\":3.67}}";

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        String[] connections = (args.length > 1 ? args[1] : "64,256").split(",");
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Path dir = Files.createTempDirectory("ingest-bench-");
        Path script = dir.resolve("post.lua");
        Files.writeString(script, "wrk.method = \"POST\"\nwrk.body = '" + BODY + "'\n"
                + "wrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"Authorization\"] = \"Bearer " + TOKEN + "\"\n");

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).build().start()) {
            Map<String, Object> s = new HashMap<>();
            s.put("kafka.bootstrap.servers", broker.bootstrapServers());
            s.put("http.host", "127.0.0.1");
            s.put("http.port", 0);
            s.put("auth.dev.token", TOKEN);
            s.put("contacts.mode", "trust");
            s.put("topic.partitions", 6);
            // The benchmark measures the write path, not the rate limiter.
            s.put("rate.limit.app.per.minute", 1_000_000_000);
            s.put("rate.limit.workspace.per.minute", 1_000_000_000);
            IngestApp baseline = baseline();
            try (IngestService service = IngestService.start(new IngestConfig(s))) {
                List<String> report = new ArrayList<>();
                long kafka2xx = 0;
                for (String c : connections) {
                    warmUp(script, baseline.port(), service.port(), threads, c);
                    // Alternate A/B rounds and keep the medians: on a shared machine the load drifts
                    // during a run, and alternating spreads that drift over both sides equally.
                    List<Result> base = new ArrayList<>();
                    List<Result> real = new ArrayList<>();
                    for (int round = 0; round < ROUNDS; round++) {
                        base.add(wrk(script, baseline.port(), seconds, threads, c));
                        Result r = wrk(script, service.port(), seconds, threads, c);
                        real.add(r);
                        kafka2xx += r.requests - r.non2xx;
                    }
                    Result b = median(base);
                    Result k = median(real);
                    long non2xx = real.stream().mapToLong(Result::non2xx).sum() + base.stream().mapToLong(Result::non2xx).sum();
                    report.add(String.format("connections=%s baseline_rps=%.0f (p99 %s) kafka_rps=%.0f (p99 %s) ratio=%.2f non2xx=%d rounds=%d",
                            c, b.rps, b.p99, k.rps, k.p99, k.rps / b.rps, non2xx, ROUNDS));
                }
                long stored = endOffsets(broker.bootstrapServers());
                report.forEach(System.out::println);
                System.out.printf("raw-events records=%d, 202s counted by wrk in measured runs=%d (warm-up runs add more records)%n", stored, kafka2xx);
                if (stored < kafka2xx) {
                    System.out.println("LOST: fewer records in raw-events than 202 answers");
                    System.exit(1);
                }
            } finally {
                baseline.stop();
            }
        }
    }

    private static void warmUp(Path script, int basePort, int kafkaPort, int threads, String connections) throws Exception {
        wrk(script, basePort, 3, threads, connections);
        wrk(script, kafkaPort, 3, threads, connections);
    }

    /** The same HTTP app with an event log that acknowledges immediately: everything but Kafka. */
    private static IngestApp baseline() {
        ContactDirectory contacts = new ContactDirectory(true, Clock.systemUTC());
        EventLog immediate = new EventLog() {
            @Override
            public CompletableFuture<Void> appendEvent(RawEvent event) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<Void> appendContact(Contact contact) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public boolean isReachable() {
                return true;
            }

            @Override
            public void close() {
                // nothing held
            }
        };
        TokenRegistry tokens = new TokenRegistry(List.of(new ApiToken(TokenRegistry.digestHex(TOKEN), "dev", "dev",
                Set.of(ApiToken.READ, ApiToken.WRITE), 1_000_000_000, null)));
        return IngestApp.create("127.0.0.1", 0, HttpLimits.defaults().withRateLimits(1_000_000_000, 1_000_000_000), tokens, contacts,
                // POST only: the read pool (never opened, since nothing reads) is on a store that is not there.
                immediate, new EventQueries(Database.openForReads(ReadPoolSettings.of("jdbc:sqlite:target/no-store/events.db"))),
                new RateLimiter(Clock.systemUTC()), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                Clock.systemUTC(), () -> true).start();
    }

    record Result(double rps, String p99, long requests, long non2xx) {}

    private static Result median(List<Result> results) {
        List<Result> sorted = new ArrayList<>(results);
        sorted.sort(java.util.Comparator.comparingDouble(Result::rps));
        return sorted.get(sorted.size() / 2);
    }

    private static Result wrk(Path script, int port, int seconds, int threads, String connections) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency",
                "-s", script.toString(), "http://127.0.0.1:" + port + "/events").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + out);
        }
        double rps = Double.parseDouble(find(out, "Requests/sec:\\s+([0-9.]+)"));
        String p99 = find(out, "99%\\s+(\\S+)");
        long requests = Long.parseLong(find(out, "(\\d+) requests in"));
        String non2xx = findOptional(out, "Non-2xx or 3xx responses:\\s+(\\d+)");
        return new Result(rps, p99, requests, non2xx == null ? 0 : Long.parseLong(non2xx));
    }

    private static long endOffsets(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            String topic = Topics.RAW_EVENTS.name("");
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int i = 0; i < partitions; i++) {
                request.put(new TopicPartition(topic, i), OffsetSpec.latest());
            }
            return admin.listOffsets(request).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    private static String find(String text, String regex) {
        String v = findOptional(text, regex);
        if (v == null) {
            throw new IllegalStateException("no '" + regex + "' in wrk output:\n" + text);
        }
        return v;
    }

    private static String findOptional(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? m.group(1) : null;
    }

}
