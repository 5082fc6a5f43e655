package dev.eventpipeline.sink;

import dev.eventpipeline.common.config.Durations;
import dev.eventpipeline.common.config.KafkaSettings;
import dev.eventpipeline.common.ops.ManagementServer;
import dev.eventpipeline.store.SqlDialect;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** Every setting of {@code event-sink}, declared once with its default and meaning. */
public final class SinkConfig extends AbstractConfig {

    public static final String JDBC_URL = "jdbc.url";
    public static final String JDBC_USER = "jdbc.user";
    public static final String JDBC_PASSWORD = "jdbc.password";
    public static final String GROUP_ID = "group.id";
    public static final String BATCH_SIZE = "batch.size";
    public static final String BATCH_LINGER = "batch.linger";
    public static final String OFFSET_COMMIT_INTERVAL = "offset.commit.interval";
    public static final String RETRY_BACKOFF_INITIAL = "retry.backoff.initial";
    public static final String RETRY_BACKOFF_MAX = "retry.backoff.max";
    public static final String DB_CONNECT_TIMEOUT = "db.connect.timeout";
    public static final String SHUTDOWN_TIMEOUT = "shutdown.timeout";
    public static final String MANAGEMENT_HOST = ManagementServer.HOST;
    public static final String MANAGEMENT_PORT = ManagementServer.PORT;

    public static final String DEFAULT_JDBC_URL = "jdbc:sqlite:./data/events.db";
    public static final String DEFAULT_GROUP_ID = "event-pipeline-sink";

    public static final ConfigDef DEF = ManagementServer.define(KafkaSettings.define(new ConfigDef()), 8083)
            .define(JDBC_URL, Type.STRING, DEFAULT_JDBC_URL, jdbcUrlValidator(), Importance.HIGH,
                    "JDBC URL of the store: jdbc:sqlite:<file> (the file's directory is created if missing) or"
                            + " jdbc:postgresql://host:port/db[?currentSchema=...]. The schema is created and migrated at start-up.")
            .define(JDBC_USER, Type.STRING, "", Importance.HIGH,
                    "Database user; empty for SQLite or when the URL carries it.")
            .define(JDBC_PASSWORD, Type.PASSWORD, "", Importance.HIGH,
                    "Database password; empty for SQLite or trust authentication. Never logged.")
            .define(GROUP_ID, Type.STRING, DEFAULT_GROUP_ID, new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Kafka consumer group of the sink; instances with the same group share the partitions.")
            .define(BATCH_SIZE, Type.INT, 1000, Range.between(1, 10_000), Importance.MEDIUM,
                    "Most records written to the database in one transaction (also the consumer's max.poll.records)."
                            + " Larger batches write faster; at most 10000 so one transaction stays small.")
            .define(BATCH_LINGER, Type.STRING, "100ms", Durations.positive(), Importance.MEDIUM,
                    "Longest a record waits in a partly filled batch before the batch is written: the latency the sink adds when traffic is light.")
            .define(OFFSET_COMMIT_INTERVAL, Type.STRING, "1s", Durations.nonNegative(), Importance.LOW,
                    "Longest time between offset commits while batches are written: offsets are committed only for"
                            + " batches already in the database, at most this often, and always before partitions are given"
                            + " up and at shutdown. After a crash the records of at most this interval are read again (the"
                            + " store ignores them). 0 commits after every batch.")
            .define(RETRY_BACKOFF_INITIAL, Type.STRING, "200ms", Durations.positive(), Importance.LOW,
                    "First wait before retrying a failed database write; doubles after each failure up to retry.backoff.max.")
            .define(RETRY_BACKOFF_MAX, Type.STRING, "30s", Durations.positive(), Importance.LOW,
                    "Longest wait between retries while the database is unreachable; consumption stays paused meanwhile.")
            .define(DB_CONNECT_TIMEOUT, Type.STRING, "5s", Durations.positive(), Importance.LOW,
                    "How long one attempt waits for a database connection (and SQLite for a lock) before it counts as failed.")
            .define(SHUTDOWN_TIMEOUT, Type.STRING, "30s", Durations.positive(), Importance.LOW,
                    "How long close() may take to write the last batch, commit its offsets and leave the group.");

    public SinkConfig(Map<?, ?> originals) {
        super(DEF, originals, false);
        if (retryBackoffInitial().compareTo(retryBackoffMax()) > 0) {
            throw new ConfigException(RETRY_BACKOFF_INITIAL, getString(RETRY_BACKOFF_INITIAL),
                    "must not exceed " + RETRY_BACKOFF_MAX + " (" + getString(RETRY_BACKOFF_MAX) + ")");
        }
    }

    public String jdbcUrl() {
        return getString(JDBC_URL);
    }

    public SqlDialect dialect() {
        return SqlDialect.of(jdbcUrl());
    }

    public String jdbcUser() {
        return getString(JDBC_USER);
    }

    public String jdbcPassword() {
        Password p = getPassword(JDBC_PASSWORD);
        return p == null ? "" : p.value();
    }

    public String groupId() {
        return getString(GROUP_ID);
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public Duration batchLinger() {
        return duration(BATCH_LINGER);
    }

    public Duration offsetCommitInterval() {
        return duration(OFFSET_COMMIT_INTERVAL);
    }

    public Duration retryBackoffInitial() {
        return duration(RETRY_BACKOFF_INITIAL);
    }

    public Duration retryBackoffMax() {
        return duration(RETRY_BACKOFF_MAX);
    }

    public Duration dbConnectTimeout() {
        return duration(DB_CONNECT_TIMEOUT);
    }

    public Duration shutdownTimeout() {
        return duration(SHUTDOWN_TIMEOUT);
    }

    public Duration startupTimeout() {
        return KafkaSettings.startupTimeout(this);
    }

    public String topicPrefix() {
        return getString(KafkaSettings.TOPIC_PREFIX);
    }

    public String managementHost() {
        return getString(MANAGEMENT_HOST);
    }

    public int managementPort() {
        return getInt(MANAGEMENT_PORT);
    }

    private Duration duration(String key) {
        return Durations.parse(getString(key));
    }

    private static ConfigDef.Validator jdbcUrlValidator() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                try {
                    SqlDialect.of((String) value);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, e.getMessage());
                }
            }

            @Override
            public String toString() {
                return "jdbc:sqlite:... or jdbc:postgresql:...";
            }
        };
    }
}
