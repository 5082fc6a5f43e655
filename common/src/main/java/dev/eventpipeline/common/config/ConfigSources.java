package dev.eventpipeline.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where a service's settings come from, lowest precedence first: the defaults declared in its
 * {@link ConfigDef}, an optional properties file, environment variables, explicit overrides (command line).
 *
 * <p>A key's environment variable is the key upper-cased with dots and dashes turned into
 * underscores: {@code kafka.bootstrap.servers} is {@code KAFKA_BOOTSTRAP_SERVERS}. Any Kafka client
 * property can be passed through under the {@code kafka.} prefix, in the file
 * ({@code kafka.security.protocol=SASL_SSL}) or as {@code KAFKA_SECURITY_PROTOCOL}; only names that
 * are real producer, consumer or admin settings are taken from the environment, so unrelated
 * variables such as {@code KAFKA_HOME} are not passed to the clients.
 */
public final class ConfigSources {

    /** Prefix of Kafka client properties passed through to every producer, consumer, admin and Streams client. */
    public static final String KAFKA_PREFIX = "kafka.";

    private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|jaas|token|credential|key\\.).*");

    private ConfigSources() {}

    public static Map<String, Object> load(ConfigDef def, Map<String, String> env, Path file, Map<String, ?> overrides) {
        Map<String, Object> merged = new HashMap<>();
        if (file != null) {
            merged.putAll(readProperties(file));
        }
        for (String name : def.names()) {
            String value = env.get(envName(name));
            if (value != null) {
                merged.put(name, value);
            }
        }
        Set<String> clientNames = kafkaClientConfigNames();
        for (var e : env.entrySet()) {
            if (e.getKey().startsWith("KAFKA_")) {
                String clientName = e.getKey().substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
                if (clientNames.contains(clientName)) {
                    merged.putIfAbsent(KAFKA_PREFIX + clientName, e.getValue());
                }
            }
        }
        overrides.forEach((k, v) -> {
            if (v != null) {
                merged.put(k, v);
            }
        });
        return merged;
    }

    /** The environment variable that sets {@code key}. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The settings as they may be logged: anything that looks like a secret is replaced by {@code [hidden]}. */
    public static Map<String, Object> redacted(Map<String, ?> values) {
        Map<String, Object> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, SECRET.matcher(k).matches() ? "[hidden]" : String.valueOf(v)));
        return out;
    }

    private static Map<String, String> readProperties(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new HashMap<>();
        props.stringPropertyNames().forEach(n -> out.put(n, props.getProperty(n)));
        return out;
    }

    private static Set<String> kafkaClientConfigNames() {
        Set<String> names = new java.util.HashSet<>(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return names;
    }
}
