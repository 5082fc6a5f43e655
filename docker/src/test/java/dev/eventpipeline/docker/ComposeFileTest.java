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
    private static final Set<String> APP_SERVICES = Set.of("ingest-api", "dedupe-stream-1", "dedupe-stream-2", "event-sink");
    private static final List<String> BROKERS = List.of("kafka-1", "kafka-2", "kafka-3");
    private static final String DEV_TOKEN = "compose-dev-token";

    private static JsonNode services;

    @BeforeAll
    static void parse() throws IOException {
        services = new ObjectMapper(new YAMLFactory()).readTree(DOCKER.resolve("docker-compose.yml").toFile()).get("services");
    }

    @Test
    void names_three_brokers_postgres_and_the_services_with_two_stream_instances() {
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder(
                "kafka-1", "kafka-2", "kafka-3", "postgres", "ingest-api", "dedupe-stream-1", "dedupe-stream-2", "event-sink");
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
        assertThat(containerPorts("ingest-api")).contains(environment("ingest-api").get("HTTP_PORT"));
        for (String name : List.of("dedupe-stream-1", "dedupe-stream-2", "event-sink")) {
            assertThat(containerPorts(name)).contains(environment(name).get("MANAGEMENT_PORT"));
            assertThat(environment(name).get("MANAGEMENT_HOST")).as("reachable from outside the container").isEqualTo("0.0.0.0");
        }
        assertThat(environment("ingest-api").get("HTTP_HOST")).isEqualTo("0.0.0.0");
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
    void the_mounted_token_file_holds_the_documented_dev_token_with_write_scope() throws Exception {
        JsonNode ingest = services.get("ingest-api");
        String mount = ingest.get("volumes").get(0).asText();
        String[] parts = mount.split(":");
        assertThat(parts[1]).isEqualTo(environment("ingest-api").get("AUTH_TOKENS_FILE"));
        Path file = DOCKER.resolve(parts[0]).normalize();
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(DEV_TOKEN.getBytes(StandardCharsets.UTF_8)));
        List<ApiToken> tokens = TokenRegistry.readFile(file).tokens();
        assertThat(tokens).anySatisfy(t -> {
            assertThat(t.digest()).isEqualTo(digest);
            assertThat(t.allows(ApiToken.WRITE)).isTrue();
        });
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
