package dev.eventpipeline.dedupe;

import dev.eventpipeline.common.config.Durations;
import dev.eventpipeline.common.config.KafkaSettings;
import dev.eventpipeline.common.ops.ManagementServer;
import dev.eventpipeline.common.topics.RawEventsRetention;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Every setting of {@code dedupe-stream}, declared once. The shared Kafka and topic keys come from
 * {@link KafkaSettings}; any {@code kafka.*} key is passed to the Streams clients as is.
 */
public final class DedupeConfig extends AbstractConfig {

    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String DEDUPE_WINDOW = "dedupe.window";
    public static final String METADATA_DELAY = "metadata.delay";
    public static final String METADATA_CHECK_INTERVAL = "metadata.check.interval";
    public static final String NUM_STREAM_THREADS = "num.stream.threads";
    public static final String NUM_STANDBY_REPLICAS = "num.standby.replicas";
    public static final String SHUTDOWN_TIMEOUT = "shutdown.timeout";
    public static final String MANAGEMENT_HOST = ManagementServer.HOST;
    public static final String MANAGEMENT_PORT = ManagementServer.PORT;

    public static final ConfigDef DEF = ManagementServer.define(KafkaSettings.define(new ConfigDef()), 8091)
            .define(APPLICATION_ID, Type.STRING, "event-pipeline-dedupe", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka Streams application id: the consumer group, the transactional id prefix and the prefix of the "
                            + "internal changelog topics. Instances with the same id share the work.")
            .define(STATE_DIR, Type.STRING, Path.of(System.getProperty("java.io.tmpdir"), "event-pipeline-dedupe").toString(),
                    new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Directory of the local state stores (RocksDB). Losing it costs a restore from the changelogs, never data.")
            .define(DEDUPE_WINDOW, Type.STRING, RawEventsRetention.DEFAULT_DEDUPE_WINDOW.toDays() + "d", Durations.positive(), Importance.HIGH,
                    "De-duplication window W, in receive time: a copy received less than W after an earlier copy of the "
                            + "same event is a duplicate; each copy refreshes the window. raw-events keeps records for W + 7 days "
                            + "(raised at start-up if an existing topic keeps less).")
            .define(METADATA_DELAY, Type.STRING, "24h", Durations.positive(), Importance.HIGH,
                    "How long a metadata key added to an existing event definition stays 'pending' before it turns 'active'.")
            .define(METADATA_CHECK_INTERVAL, Type.STRING, "1s", Durations.positive(), Importance.LOW,
                    "How often (wall clock) each task checks whether a pending key is due; a key turns active at most this "
                            + "late. A check with nothing due costs one comparison.")
            .define(NUM_STREAM_THREADS, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM,
                    "Stream threads of this instance; more than the partitions it is assigned buys nothing.")
            .define(NUM_STANDBY_REPLICAS, Type.INT, 0, Range.atLeast(0), Importance.MEDIUM,
                    "Warm copies of each state store on other instances, so a failover does not wait for a full restore.")
            .define(SHUTDOWN_TIMEOUT, Type.STRING, "30s", Durations.positive(), Importance.LOW,
                    "How long close() waits for the stream threads to commit and leave the group.");

    public DedupeConfig(Map<?, ?> originals) {
        super(DEF, originals, false);
    }

    public Duration dedupeWindow() {
        return Durations.parse(getString(DEDUPE_WINDOW));
    }

    public Duration metadataDelay() {
        return Durations.parse(getString(METADATA_DELAY));
    }

    public Duration metadataCheckInterval() {
        return Durations.parse(getString(METADATA_CHECK_INTERVAL));
    }

    public Duration shutdownTimeout() {
        return Durations.parse(getString(SHUTDOWN_TIMEOUT));
    }

    public String topicPrefix() {
        return getString(KafkaSettings.TOPIC_PREFIX);
    }
}
