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
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
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
 *
 * <p>A key that the service does not declare, in the file or on the command line, stops start-up
 * ({@link SettingNames}): a misspelt key would otherwise be ignored and its default used.
 */
public final class ConfigSources {

    /** Prefix of Kafka client properties passed through to every producer, consumer, admin and Streams client. */
    public static final String KAFKA_PREFIX = "kafka.";

    private ConfigSources() {}

    /**
     * The settings of the service declared by {@code def}, merged from every source. A key in the file or
     * in {@code overrides} that the service does not declare (and that is not under {@code kafka.}) is a
     * {@link ConfigException} naming it, with the closest declared name; the environment is read only for
     * declared names and so never trips this.
     */
    public static Map<String, Object> load(ConfigDef def, Map<String, String> env, Path file, Map<String, ?> overrides) {
        Map<String, Object> merged = new HashMap<>();
        if (file != null) {
            Map<String, String> fromFile = readProperties(file);
            requireKnown(def, fromFile.keySet(), file.toString());
            merged.putAll(fromFile);
        }
        merged.putAll(fromEnvironment(def, env));
        requireKnown(def, overrides.keySet(), "--set");
        overrides.forEach((k, v) -> {
            if (v != null) {
                merged.put(k, v);
            }
        });
        return merged;
    }

    /**
     * The settings the environment holds for the service declared by {@code def}, by key: each declared
     * name's variable, and {@code KAFKA_<NAME>} as {@code kafka.<name>} for real producer, consumer and
     * admin names only. Nothing else in the environment is looked at.
     */
    public static Map<String, String> fromEnvironment(ConfigDef def, Map<String, String> env) {
        Map<String, String> found = new HashMap<>();
        for (String name : def.names()) {
            String value = env.get(envName(name));
            if (value != null) {
                found.put(name, value);
            }
        }
        Set<String> clientNames = kafkaClientConfigNames();
        for (var e : env.entrySet()) {
            if (e.getKey().startsWith("KAFKA_")) {
                String clientName = e.getKey().substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
                if (clientNames.contains(clientName)) {
                    // A declared name (kafka.bootstrap.servers) read above wins; it is the same variable anyway.
                    found.putIfAbsent(KAFKA_PREFIX + clientName, e.getValue());
                }
            }
        }
        return found;
    }

    /** The environment variable that sets {@code key}. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * What a service logs as its effective configuration: every declared setting with its value in effect
     * (defaults included) and every {@code kafka.*} pass-through, secrets hidden ({@link Redaction}).
     */
    public static Map<String, Object> effective(AbstractConfig config) {
        Map<String, Object> shown = new HashMap<>(config.values());
        config.originalsWithPrefix(KAFKA_PREFIX, false).forEach(shown::put);
        return Redaction.hideSecrets(shown);
    }

    private static void requireKnown(ConfigDef def, Set<String> keys, String source) {
        Set<String> declared = def.names();
        SettingNames.requireKnown(keys, key -> SettingNames.isKnown(declared, key), declared, source);
    }

    /** The settings of a properties file; an unreadable file is a {@link ConfigException} naming it. */
    public static Map<String, String> readProperties(Path file) {
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
