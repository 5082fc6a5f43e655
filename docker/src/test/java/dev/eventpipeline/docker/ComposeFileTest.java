package dev.eventpipeline.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.eventpipeline.common.config.ConfigSources;
import dev.eventpipeline.dedupe.DedupeConfig;
import dev.eventpipeline.ingest.IngestConfig;
import dev.eventpipeline.ingest.auth.ApiToken;
import dev.eventpipeline.ingest.auth.TokenRegistry;
import dev.eventpipeline.sink.SinkConfig;
import dev.eventpipeline.store.ReadPoolSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker/docker-compose.yml agrees with the code: every service, image, port, file and environment
 * variable it names exists and means what the compose file thinks it means. No Docker engine needed.
 */
class ComposeFileTest {

    private static final Path DOCKER = Path.of("").toAbsolutePath();
    private static final Path ROOT = DOCKER.getParent();
    private static final List<String> INGEST = List.of("ingest-api-1", "ingest-api-2");
    private static final Set<String> APP_SERVICES = Set.of("ingest-api-1", "ingest-api-2", "dedupe-stream-1", "dedupe-stream-2", "event-sink");
    private static final String PROXY = "api";
    private static final List<String> BROKERS = List.of("kafka-1", "kafka-2", "kafka-3");
    private static final String DEV_TOKEN = "compose-dev-token";
    private static final String PROMETHEUS = "prometheus";
    private static final String GRAFANA = "grafana";

    private static JsonNode services;
    /** docker/nginx.conf without its comments. */
    private static String nginx;

    @BeforeAll
    static void parse() throws IOException {
        services = new ObjectMapper(new YAMLFactory()).readTree(DOCKER.resolve("docker-compose.yml").toFile()).get("services");
        nginx = Files.readAllLines(DOCKER.resolve("nginx.conf")).stream()
                .map(line -> line.replaceFirst("^\\s*#.*$", "")).collect(Collectors.joining("\n"));
    }

    @Test
    void names_three_brokers_postgres_nginx_two_api_and_two_stream_instances_the_sink_prometheus_and_grafana() {
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("kafka-1", "kafka-2", "kafka-3", "postgres", PROXY,
                "ingest-api-1", "ingest-api-2", "dedupe-stream-1", "dedupe-stream-2", "event-sink", "prometheus", "grafana");
    }

    @Test
    void brokers_run_the_projects_kafka_version_as_one_three_voter_quorum_with_rf3_and_min_isr2() {
        String kafkaVersion = System.getProperty("kafka.version");
        Set<String> nodeIds = new TreeSet<>();
        for (String broker : BROKERS) {
            JsonNode s = services.get(broker);
            assertThat(s.get("image").asText()).isEqualTo("apache/kafka:" + kafkaVersion);
            JsonNode env = s.get("environment");
            nodeIds.add(env.get("KAFKA_NODE_ID").asText());
            assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS").asText()).isEqualTo("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093");
            assertThat(env.get("KAFKA_ADVERTISED_LISTENERS").asText()).contains("INTERNAL://" + broker + ":9092");
            assertThat(env.get("KAFKA_DEFAULT_REPLICATION_FACTOR").asText()).isEqualTo("3");
            assertThat(env.get("KAFKA_MIN_INSYNC_REPLICAS").asText()).isEqualTo("2");
            assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR").asText()).isEqualTo("3");
            assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR").asText()).isEqualTo("2");
        }
        assertThat(nodeIds).containsExactly("1", "2", "3");
    }

    @Test
    void every_service_environment_variable_is_a_real_setting_of_that_service_with_a_valid_value() {
        Map<String, Function<Map<String, Object>, ?>> configs = Map.of(
                "ingest-api", IngestConfig::new, "dedupe-stream", DedupeConfig::new, "event-sink", SinkConfig::new);
        Map<String, ConfigDef> defs = Map.of("ingest-api", IngestConfig.DEF, "dedupe-stream", DedupeConfig.DEF, "event-sink", SinkConfig.DEF);
        for (String name : APP_SERVICES) {
            String module = module(name);
            Map<String, String> env = environment(name);
            Set<String> known = new TreeSet<>();
            defs.get(module).names().forEach(key -> known.add(ConfigSources.envName(key)));
            assertThat(known).as("settings of %s", name).containsAll(env.keySet());
            Map<String, Object> loaded = ConfigSources.load(defs.get(module), env, null, Map.of());
            assertThatCode(() -> configs.get(module).apply(loaded)).as("values of %s", name).doesNotThrowAnyException();
            assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo("kafka-1:9092,kafka-2:9092,kafka-3:9092");
            assertThat(env.get("TOPIC_REPLICATION_FACTOR")).isEqualTo("3");
        }
    }

    @Test
    void each_image_is_built_from_its_modules_runnable_jar() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        assertThat(dockerfile).contains("/src/${SERVICE}/target/${SERVICE}.jar");
        for (String name : APP_SERVICES) {
            JsonNode build = services.get(name).get("build");
            assertThat(build.get("dockerfile").asText()).isEqualTo("docker/Dockerfile");
            assertThat(DOCKER.resolve(build.get("context").asText()).normalize()).isEqualTo(ROOT);
            String module = build.get("args").get("SERVICE").asText();
            assertThat(module).isEqualTo(module(name));
            assertThat(Files.readString(ROOT.resolve(module).resolve("pom.xml")))
                    .as("%s/pom.xml shades %s.jar", module, module)
                    .contains("<outputFile>${project.build.directory}/" + module + ".jar</outputFile>");
        }
    }

    @Test
    void published_ports_reach_the_ports_the_services_listen_on() {
        for (String name : List.of("dedupe-stream-1", "dedupe-stream-2", "event-sink")) {
            assertThat(containerPorts(name)).contains(environment(name).get("MANAGEMENT_PORT"));
            assertThat(environment(name).get("MANAGEMENT_HOST")).as("reachable from outside the container").isEqualTo("0.0.0.0");
        }
        for (String name : INGEST) {
            assertThat(services.get(name).has("ports")).as("%s is reached through %s only", name, PROXY).isFalse();
            assertThat(environment(name).get("HTTP_HOST")).as("reachable from the proxy").isEqualTo("0.0.0.0");
        }
    }

    @Test
    void one_published_api_port_is_nginx_from_the_official_image_with_its_mounted_config() {
        JsonNode api = services.get(PROXY);
        assertThat(api.get("image").asText()).as("the official image: no registry, no namespace").matches("nginx:[0-9][0-9.]*(-alpine)?");
        assertThat(api.get("ports")).hasSize(1);
        assertThat(api.get("ports").get(0).asText()).isEqualTo("8080:8080");
        assertThat(nginx).containsPattern("\\blisten\\s+" + containerPorts(PROXY).get(0) + ";");
        assertThat(api.get("volumes").get(0).asText()).isEqualTo("./nginx.conf:/etc/nginx/conf.d/default.conf:ro");
        assertThat(DOCKER.resolve("nginx.conf")).exists();
        List<String> dependsOn = new ArrayList<>();
        api.get("depends_on").forEach(d -> dependsOn.add(d.asText()));
        assertThat(dependsOn).containsExactlyInAnyOrderElementsOf(INGEST);
    }

    @Test
    void nginx_balances_over_every_ingest_api_instance_on_its_http_port_and_nothing_else() {
        Matcher upstream = Pattern.compile("upstream\\s+(\\S+)\\s*\\{([^}]*)}").matcher(nginx);
        assertThat(upstream.find()).as("an upstream block").isTrue();
        List<String> servers = new ArrayList<>();
        Matcher server = Pattern.compile("\\bserver\\s+([^;\\s]+)\\s*;").matcher(upstream.group(2));
        while (server.find()) {
            servers.add(server.group(1));
        }
        assertThat(servers).containsExactlyInAnyOrderElementsOf(INGEST.stream().map(s -> s + ":" + environment(s).get("HTTP_PORT")).toList());
        assertThat(nginx).contains("proxy_pass http://" + upstream.group(1) + ";");
    }

    @Test
    void nginx_passes_the_host_header_as_sent_so_pages_next_stays_on_the_proxy() {
        // $http_host is the header as the client sent it, port included; $host would drop the port.
        assertThat(nginx).containsPattern("proxy_set_header\\s+Host\\s+\\$http_host;");
    }

    @Test
    void nginx_lets_every_body_the_service_accepts_through_so_the_service_answers_413_itself() {
        Matcher limit = Pattern.compile("client_max_body_size\\s+(\\d+)([kKmM]?);").matcher(nginx);
        assertThat(limit.find()).isTrue();
        long bytes = Long.parseLong(limit.group(1)) * switch (limit.group(2).toLowerCase()) {
            case "k" -> 1024L;
            case "m" -> 1024L * 1024;
            default -> 1L;
        };
        IngestConfig config = new IngestConfig(ConfigSources.load(IngestConfig.DEF, environment(INGEST.get(0)), null, Map.of()));
        assertThat(bytes).isGreaterThanOrEqualTo(config.getInt(IngestConfig.LIMIT_BULK_BODY_BYTES))
                .isGreaterThanOrEqualTo(config.getInt(IngestConfig.LIMIT_EVENT_BODY_BYTES));
    }

    @Test
    void every_ingest_api_instance_is_configured_alike() {
        Map<String, String> first = environment(INGEST.get(0));
        for (String name : INGEST) {
            assertThat(environment(name)).as(name).isEqualTo(first);
            assertThat(services.get(name).get("image").asText()).isEqualTo(services.get(INGEST.get(0)).get("image").asText());
        }
    }

    @Test
    void get_events_reads_the_database_the_sink_writes() {
        Map<String, String> sink = environment("event-sink");
        Map<String, String> db = environment("postgres");
        for (String name : INGEST) {
            Map<String, String> ingest = environment(name);
            assertThat(ingest.get("STORE_JDBC_URL")).isEqualTo(sink.get("JDBC_URL"));
            assertThat(ingest.get("STORE_JDBC_USER")).isEqualTo(db.get("POSTGRES_USER"));
            assertThat(ingest.get("STORE_JDBC_PASSWORD")).isEqualTo(db.get("POSTGRES_PASSWORD"));
            assertThat(ReadPoolSettings.from(new IngestConfig(ConfigSources.load(IngestConfig.DEF, ingest, null, Map.of()))).jdbcUrl())
                    .isEqualTo(sink.get("JDBC_URL"));
        }
    }

    @Test
    void the_sink_writes_to_the_compose_postgres_with_its_credentials() {
        Map<String, String> db = environment("postgres");
        Map<String, String> sink = environment("event-sink");
        assertThat(sink.get("JDBC_URL")).isEqualTo("jdbc:postgresql://postgres:5432/" + db.get("POSTGRES_DB"));
        assertThat(sink.get("JDBC_USER")).isEqualTo(db.get("POSTGRES_USER"));
        assertThat(sink.get("JDBC_PASSWORD")).isEqualTo(db.get("POSTGRES_PASSWORD"));
    }

    @Test
    void the_mounted_token_file_holds_the_documented_dev_token_with_read_and_write_scope() throws Exception {
        for (String name : INGEST) {
            String mount = services.get(name).get("volumes").get(0).asText();
            String[] parts = mount.split(":");
            assertThat(parts[1]).isEqualTo(environment(name).get("AUTH_TOKENS_FILE"));
            Path file = DOCKER.resolve(parts[0]).normalize();
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(DEV_TOKEN.getBytes(StandardCharsets.UTF_8)));
            List<ApiToken> tokens = TokenRegistry.readFile(file).tokens();
            assertThat(tokens).anySatisfy(t -> {
                assertThat(t.digest()).isEqualTo(digest);
                assertThat(t.allows(ApiToken.WRITE)).isTrue();
                assertThat(t.allows(ApiToken.READ)).as("GET /events needs read").isTrue();
            });
        }
    }

    @Test
    void docker_compose_itself_accepts_the_file() throws Exception {
        boolean installed = Files.isExecutable(Path.of("/usr/bin/docker-compose")) || Files.isExecutable(Path.of("/usr/local/bin/docker-compose"));
        Assumptions.assumeTrue(installed, "docker-compose is not installed: only the structural checks ran (apt-get install docker-compose)");
        Process p = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "config", "-q")
                .directory(DOCKER.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isZero();
    }

    @Test
    void prometheus_and_grafana_run_pinned_official_images() {
        // The official images (no registry host, the vendors' own namespaces), at an exact release: "latest" or a
        // bare major would change the dashboard's behaviour under a rebuild.
        assertThat(services.get(PROMETHEUS).get("image").asText()).matches("prom/prometheus:v\\d+\\.\\d+\\.\\d+");
        assertThat(services.get(GRAFANA).get("image").asText()).matches("grafana/grafana:\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void prometheus_scrapes_every_service_instance_at_the_port_its_metrics_listen_on_and_nothing_else() throws IOException {
        // Expected from the compose file: every service built from a module's jar is scraped, in a job named after
        // the module, at the container port its /metrics is served on (ingest-api: the API port; the others: management).
        Map<String, Set<String>> expected = new HashMap<>();
        services.fields().forEachRemaining(s -> {
            if (s.getValue().has("build")) {
                String module = module(s.getKey());
                String port = environment(s.getKey()).get(module.equals("ingest-api") ? "HTTP_PORT" : "MANAGEMENT_PORT");
                expected.computeIfAbsent(module, m -> new TreeSet<>()).add(s.getKey() + ":" + port);
            }
        });
        Map<String, Set<String>> scraped = new HashMap<>();
        for (JsonNode job : prometheusConfig().get("scrape_configs")) {
            assertThat(job.path("metrics_path").asText("/metrics")).as("path of %s", job.get("job_name")).isEqualTo("/metrics");
            Set<String> targets = scraped.computeIfAbsent(job.get("job_name").asText(), j -> new TreeSet<>());
            job.get("static_configs").forEach(c -> c.get("targets").forEach(t -> targets.add(t.asText())));
        }
        assertThat(scraped).isEqualTo(expected);
    }

    @Test
    void prometheus_and_grafana_publish_9090_and_3000_and_mount_files_that_exist() {
        assertThat(services.get(PROMETHEUS).get("ports").get(0).asText()).isEqualTo("9090:9090");
        assertThat(services.get(GRAFANA).get("ports").get(0).asText()).isEqualTo("3000:3000");
        // The images' own commands are kept: they read these paths (Prometheus's --config.file, Grafana's provisioning).
        assertThat(services.get(PROMETHEUS).has("command")).isFalse();
        assertThat(services.get(GRAFANA).has("command")).isFalse();
        assertThat(mounts(PROMETHEUS)).containsEntry("/etc/prometheus/prometheus.yml", DOCKER.resolve("monitoring/prometheus.yml"));
        assertThat(mounts(GRAFANA)).containsKeys("/etc/grafana/provisioning/datasources", "/etc/grafana/provisioning/dashboards");
        for (String service : List.of(PROMETHEUS, GRAFANA)) {
            assertThat(mounts(service).values()).allSatisfy(source -> assertThat(source).exists());
        }
    }

    @Test
    void grafanas_data_source_is_the_prometheus_service_at_its_port_and_knows_its_scrape_interval() throws IOException {
        JsonNode sources = yaml(mounts(GRAFANA).get("/etc/grafana/provisioning/datasources").resolve("prometheus.yml")).get("datasources");
        assertThat(sources).hasSize(1);
        JsonNode source = sources.get(0);
        assertThat(source.get("type").asText()).isEqualTo("prometheus");
        // Prometheus listens on 9090 in its container (the image's default --web.listen-address).
        assertThat(source.get("url").asText()).isEqualTo("http://" + PROMETHEUS + ":" + containerPorts(PROMETHEUS).get(0));
        assertThat(containerPorts(PROMETHEUS).get(0)).isEqualTo("9090");
        // $__rate_interval is derived from it: it must be the interval Prometheus really scrapes at.
        assertThat(source.get("jsonData").get("timeInterval").asText())
                .isEqualTo(prometheusConfig().get("global").get("scrape_interval").asText());
    }

    @Test
    void every_dashboard_panel_queries_the_provisioned_data_source_and_the_home_dashboard_is_mounted() throws IOException {
        Path provisioning = mounts(GRAFANA).get("/etc/grafana/provisioning/dashboards");
        JsonNode providers = yaml(provisioning.resolve("event-pipeline.yml")).get("providers");
        assertThat(providers).hasSize(1);
        String containerPath = providers.get(0).get("options").get("path").asText();
        Path dashboards = mounts(GRAFANA).get(containerPath);
        assertThat(dashboards).as("the provider's folder is mounted").isNotNull();
        String uid = yaml(mounts(GRAFANA).get("/etc/grafana/provisioning/datasources").resolve("prometheus.yml"))
                .get("datasources").get(0).get("uid").asText();

        String home = environment(GRAFANA).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(home).startsWith(containerPath + "/");
        Path homeFile = dashboards.resolve(home.substring(containerPath.length() + 1));
        assertThat(homeFile).exists();
        JsonNode dashboard = new ObjectMapper().readTree(homeFile.toFile());
        List<JsonNode> queried = new ArrayList<>();
        dashboard.get("panels").forEach(panel -> {
            if (!panel.get("type").asText().equals("row")) {
                queried.add(panel.get("datasource"));
                panel.get("targets").forEach(target -> queried.add(target.get("datasource")));
            }
        });
        assertThat(queried).isNotEmpty().allSatisfy(ds -> {
            assertThat(ds.get("type").asText()).isEqualTo("prometheus");
            assertThat(ds.get("uid").asText()).isEqualTo(uid);
        });
    }

    @Test
    void grafana_shows_the_dashboard_to_anyone_read_only_and_the_admin_password_is_the_documented_one() throws IOException {
        Map<String, String> env = environment(GRAFANA);
        assertThat(env).containsEntry("GF_AUTH_ANONYMOUS_ENABLED", "true").containsEntry("GF_AUTH_ANONYMOUS_ORG_ROLE", "Viewer")
                .containsEntry("GF_USERS_ALLOW_SIGN_UP", "false");
        String readme = Files.readString(ROOT.resolve("README.md"));
        String cluster = readme.substring(readme.indexOf("## The docker-compose cluster"));
        assertThat(cluster).contains("http://127.0.0.1:3000", "http://127.0.0.1:9090",
                "`" + env.get("GF_SECURITY_ADMIN_USER") + "`/`" + env.get("GF_SECURITY_ADMIN_PASSWORD") + "`");
    }

    private static JsonNode prometheusConfig() throws IOException {
        return yaml(mounts(PROMETHEUS).get("/etc/prometheus/prometheus.yml"));
    }

    private static JsonNode yaml(Path file) throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    }

    /** A service's bind mounts: container path to the host file or folder (named volumes are left out). */
    private static Map<String, Path> mounts(String service) {
        Map<String, Path> mounts = new HashMap<>();
        services.get(service).get("volumes").forEach(v -> {
            String[] parts = v.asText().split(":");
            if (parts[0].startsWith("./")) {
                mounts.put(parts[1], DOCKER.resolve(parts[0]).normalize());
            }
        });
        return mounts;
    }

    private static String module(String service) {
        return service.replaceFirst("-\\d+$", "");
    }

    private static Map<String, String> environment(String service) {
        Map<String, String> env = new HashMap<>();
        services.get(service).get("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    private static List<String> containerPorts(String service) {
        List<String> ports = new ArrayList<>();
        services.get(service).get("ports").forEach(p -> ports.add(p.asText().substring(p.asText().lastIndexOf(':') + 1)));
        return ports;
    }
}
