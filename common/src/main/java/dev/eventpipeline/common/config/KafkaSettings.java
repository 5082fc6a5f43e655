package dev.eventpipeline.common.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** The settings every service shares: where Kafka is, and how topics are named and created. */
public final class KafkaSettings {

    public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "topic.replication.factor";
    public static final String STARTUP_TIMEOUT = "startup.timeout";

    private KafkaSettings() {}

    /** Adds the shared keys to a service's definition. */
    public static ConfigDef define(ConfigDef def) {
        return def
                .define(BOOTSTRAP_SERVERS, Type.STRING, "localhost:9092", Importance.HIGH,
                        "Kafka bootstrap servers, host:port[,host:port...]. Other Kafka client properties may be passed under the 'kafka.' prefix.")
                .define(TOPIC_PREFIX, Type.STRING, "", Importance.MEDIUM,
                        "Prepended verbatim to every topic name ('acme.' gives 'acme.raw-events').")
                .define(TOPIC_PARTITIONS, Type.INT, 6, Range.atLeast(-1), Importance.MEDIUM,
                        "Partitions of topics this service creates when missing; -1 takes the broker's default. Existing topics are never changed.")
                .define(TOPIC_REPLICATION_FACTOR, Type.SHORT, (short) -1, Importance.MEDIUM,
                        "Replication factor of topics this service creates when missing; -1 takes the broker's default.")
                .define(STARTUP_TIMEOUT, Type.STRING, "60s", Durations.positive(), Importance.LOW,
                        "How long start-up may wait for Kafka (and other dependencies) before the process fails.");
    }

    /** {@code kafka.*} settings as Kafka client properties ({@code bootstrap.servers} included). */
    public static Map<String, Object> clientProperties(AbstractConfig config) {
        Map<String, Object> props = new HashMap<>(config.originalsWithPrefix(ConfigSources.KAFKA_PREFIX));
        props.put("bootstrap.servers", config.getString(BOOTSTRAP_SERVERS));
        return props;
    }

    public static Duration startupTimeout(AbstractConfig config) {
        return Durations.parse(config.getString(STARTUP_TIMEOUT));
    }
}
