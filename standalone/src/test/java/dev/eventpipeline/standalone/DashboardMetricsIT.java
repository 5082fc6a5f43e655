package dev.eventpipeline.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.eventpipeline.common.topics.Topics;
import dev.eventpipeline.standalone.dashboard.DashboardCheck;
import dev.eventpipeline.standalone.dashboard.DashboardCheck.Query;
import dev.eventpipeline.standalone.dashboard.PrometheusScrape;
import dev.eventpipeline.testing.ChildJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operators' dashboard (docker/monitoring) against the real pipeline, without a Docker engine: the
 * standalone jar serves every service's meters on one /metrics, under the names and labels the services
 * serve them in the compose cluster. After a little traffic of every kind, every metric, label and value
 * that a panel of the provisioned Grafana dashboard queries must be in that scrape, at the path the
 * Prometheus config scrapes. A misspelt or renamed metric would otherwise show as an empty panel, silently.
 */
class DashboardMetricsIT {

    private static final Path JAR = Path.of("target", "event-pipeline.jar");
    private static final Path PROMETHEUS_CONFIG = Path.of("..", "docker", "monitoring", "prometheus.yml");
    private static final Path DASHBOARD = Path.of("..", "docker", "monitoring", "grafana", "dashboards", "event-pipeline.json");
    private static final Duration START = Duration.ofMinutes(3);
    private static final Duration FLOW = Duration.ofSeconds(90);
    /**
     * Micrometer's Kafka binders look for new client metrics once a minute, and the consumers' per-partition
     * lag exists only once a partition has been fetched: the dashboard's lag series can take that long to appear.
     */
    private static final Duration KAFKA_METERS = Duration.ofMinutes(3);
    private static final Pattern READY = Pattern.compile("READY ingest=(\\S+) kafka=(\\S+) sink=(\\S+).*");
    private static final String TOKEN = "dashboard-it-" + System.nanoTime();

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void every_metric_label_and_value_a_dashboard_panel_queries_is_served_on_the_path_prometheus_scrapes() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<Query> queries = DashboardCheck.queries(dashboard);
        // Not vacuous: every panel of the dashboard was read (a panel without a query is refused by queries()).
        Set<String> panels = new TreeSet<>();
        dashboard.get("panels").forEach(p -> {
            if (!p.get("type").asText().equals("row")) {
                panels.add(p.get("title").asText());
            }
        });
        assertThat(panels).isNotEmpty();
        assertThat(queries.stream().map(Query::panel).distinct()).containsExactlyInAnyOrderElementsOf(panels);
        Set<String> paths = scrapedPaths();

        try (ChildJvm pipeline = ChildJvm.start(List.of("-Xmx1g"), List.of("-jar", JAR.toString(),
                "--data-dir", dataDir.toString(), "--http-port", "0", "--kafka-port", "0", "--dev-token", TOKEN,
                "--topic-partitions", "2"), dataDir.resolveSibling(dataDir.getFileName() + "-dashboard.log"))) {
            Matcher ready = READY.matcher(pipeline.awaitLine("READY ", START));
            assertThat(ready.matches()).isTrue();
            String api = ready.group(1);
            String kafka = ready.group(2);

            // Traffic of every kind a panel counts, so that labelled series exist: a contact, two events, a copy of
            // the first (a duplicate), a bulk request of one new event, an invalid event (400), a call without a
            // token (401), and a record that is not a raw event written straight to raw-events (an unreadable dead letter).
            assertThat(post(api, "/contacts", "{\"external_id\":\"dash-1\"}", TOKEN)).isEqualTo(200);
            String first = event("signed-up", 1_700_000_000L);
            assertThat(post(api, "/events", first, TOKEN)).isEqualTo(202);
            assertThat(post(api, "/events", event("upgraded", 1_700_000_001L), TOKEN)).isEqualTo(202);
            assertThat(post(api, "/events", first, TOKEN)).isEqualTo(202);
            assertThat(post(api, "/bulk/events", "{\"items\":[{\"method\":\"post\",\"data_type\":\"event\",\"data\":"
                    + event("invited-friend", 1_700_000_002L) + "}]}", TOKEN)).isEqualTo(202);
            assertThat(post(api, "/events", "{\"user_id\":\"dash-1\"}", TOKEN)).isEqualTo(400);
            assertThat(post(api, "/events", first, "not-a-token")).isEqualTo(401);
            writeUnreadableRawRecord(kafka);

            // Computed from the traffic above: 4 events accepted (the bulk item counts one) and judged, 3 first copies
            // and 1 duplicate; the unreadable record never reaches the processor and is only its dead letter; 3 rows
            // stored. Once all of it shows, every stage has counted this traffic, and only the Kafka clients' meters
            // may still be on their way.
            await().atMost(FLOW).untilAsserted(() -> assertThat(get(api + "/metrics").body()).contains(
                    "ingest_events_accepted_total 4.0", "dedupe_events_processed_total 4.0", "dedupe_events_clean_total 3.0",
                    "dedupe_events_duplicates_total 1.0", "dedupe_events_dead_letters_total{reason=\"unreadable\"} 1.0",
                    "sink_rows_written_total{table=\"events\"} 3.0"));

            await().atMost(KAFKA_METERS).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                for (String path : paths) {
                    HttpResponse<String> scrape = get(api + path);
                    assertThat(scrape.statusCode()).as("GET %s", path).isEqualTo(200);
                    assertThat(DashboardCheck.problems(queries, PrometheusScrape.parse(scrape.body())))
                            .as("queries of the dashboard that read nothing in the scrape of %s", path).isEmpty();
                }
            });
        }
    }

    /** The paths the Prometheus config scrapes (every service serves /metrics; a job may say otherwise). */
    private static Set<String> scrapedPaths() throws Exception {
        JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(PROMETHEUS_CONFIG.toFile());
        Set<String> paths = new TreeSet<>();
        config.get("scrape_configs").forEach(job -> paths.add(job.path("metrics_path").asText("/metrics")));
        assertThat(paths).isNotEmpty();
        return paths;
    }

    private static void writeUnreadableRawRecord(String kafka) throws Exception {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.RAW_EVENTS.name(""), "not-an-event-id".getBytes(StandardCharsets.UTF_8),
                    "not json".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }
    }

    private static String event(String name, long createdAt) {
        return "{\"event_name\":\"" + name + "\",\"created_at\":" + createdAt + ",\"user_id\":\"dash-1\",\"metadata\":{\"plan\":\"pro\"}}";
    }

    private int post(String api, String path, String body, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
