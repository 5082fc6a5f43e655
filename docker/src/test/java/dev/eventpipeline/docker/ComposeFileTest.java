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
    void names_three_brokers_postgres_nginx_and_the_services_with_two_api_and_two_stream_instances() {
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("kafka-1", "kafka-2", "kafka-3", "postgres", PROXY,
                "ingest-api-1", "ingest-api-2", "dedupe-stream-1", "dedupe-stream-2", "event-sink");
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
