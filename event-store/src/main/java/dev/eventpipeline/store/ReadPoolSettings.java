package dev.eventpipeline.store;

import dev.eventpipeline.common.config.Durations;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The read-only pool of a service that reads the store ({@link Database#openForReads}). The keys are
 * declared here, once; a service adds them to its own {@link ConfigDef} with {@link #define} and reads
 * them back with {@link #from}.
 *
 * @param jdbcUrl        the database to read: the sink's own, or a PostgreSQL replica of it
 * @param poolSize       most reads at once
 * @param connectTimeout how long a read waits for a pooled connection (and SQLite for a lock)
 * @param queryTimeout   longest a read may run before it is cancelled
 */
public record ReadPoolSettings(String jdbcUrl, String user, String password, int poolSize,
                               Duration connectTimeout, Duration queryTimeout) {

    public static final String JDBC_URL = "store.jdbc.url";
    public static final String JDBC_USER = "store.jdbc.user";
    public static final String JDBC_PASSWORD = "store.jdbc.password";
    public static final String POOL_SIZE = "store.pool.size";
    public static final String CONNECT_TIMEOUT = "store.connect.timeout";
    public static final String QUERY_TIMEOUT = "store.query.timeout";

    /** The sink's default {@code jdbc.url}: a reader started in the same directory finds its file. */
    public static final String DEFAULT_JDBC_URL = "jdbc:sqlite:./data/events.db";
    public static final int DEFAULT_POOL_SIZE = 2;
    private static final String CONNECT_TIMEOUT_DEFAULT = "2s";
    private static final String QUERY_TIMEOUT_DEFAULT = "5s";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Durations.parse(CONNECT_TIMEOUT_DEFAULT);
    public static final Duration DEFAULT_QUERY_TIMEOUT = Durations.parse(QUERY_TIMEOUT_DEFAULT);

    /** Hikari refuses a shorter connection timeout. */
    static final Duration MIN_CONNECT_TIMEOUT = Duration.ofMillis(250);

    public ReadPoolSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        SqlDialect.of(jdbcUrl);
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1: " + poolSize);
        }
        if (connectTimeout.compareTo(MIN_CONNECT_TIMEOUT) < 0) {
            throw new IllegalArgumentException("connectTimeout must be at least " + MIN_CONNECT_TIMEOUT + ": " + connectTimeout);
        }
        if (queryTimeout.isNegative() || queryTimeout.isZero()) {
            throw new IllegalArgumentException("queryTimeout must be positive: " + queryTimeout);
        }
    }

    /** The defaults for {@code jdbcUrl}, no user or password. */
    public static ReadPoolSettings of(String jdbcUrl) {
        return new ReadPoolSettings(jdbcUrl, "", "", DEFAULT_POOL_SIZE, DEFAULT_CONNECT_TIMEOUT, DEFAULT_QUERY_TIMEOUT);
    }

    public ReadPoolSettings withQueryTimeout(Duration timeout) {
        return new ReadPoolSettings(jdbcUrl, user, password, poolSize, connectTimeout, timeout);
    }

    public ReadPoolSettings withConnectTimeout(Duration timeout) {
        return new ReadPoolSettings(jdbcUrl, user, password, poolSize, timeout, queryTimeout);
    }

    /** Adds the read pool's keys to a service's definition. */
    public static ConfigDef define(ConfigDef def) {
        return def
                .define(JDBC_URL, Type.STRING, DEFAULT_JDBC_URL, jdbcUrlValidator(), Importance.HIGH,
                        "JDBC URL of the event store to read (GET /events): the sink's jdbc.url, or a PostgreSQL"
                                + " replica of it. Opened read-only; never migrated (the sink creates and migrates the schema).")
                .define(JDBC_USER, Type.STRING, "", Importance.MEDIUM,
                        "Database user of the reads; empty for SQLite or when the URL carries it.")
                .define(JDBC_PASSWORD, Type.PASSWORD, "", Importance.MEDIUM,
                        "Database password of the reads; empty for SQLite or trust authentication. Never logged.")
                .define(POOL_SIZE, Type.INT, DEFAULT_POOL_SIZE, Range.between(1, 64), Importance.LOW,
                        "Most reads of the store at once. Small on purpose: on SQLite every read takes CPU from the"
                                + " sink's writer on the same machine, and a page is a few milliseconds of one connection.")
                .define(CONNECT_TIMEOUT, Type.STRING, CONNECT_TIMEOUT_DEFAULT, atLeast(MIN_CONNECT_TIMEOUT), Importance.LOW,
                        "How long a read waits for a free connection (or for the store to answer) before it fails"
                                + " as unavailable (503): a full pool answers quickly instead of piling up requests.")
                .define(QUERY_TIMEOUT, Type.STRING, QUERY_TIMEOUT_DEFAULT, Durations.positive(), Importance.LOW,
                        "Longest one read may run before it is cancelled (503). A page takes milliseconds; the bound"
                                + " keeps a runaway read from pinning SQLite's WAL (which cannot be checkpointed past"
                                + " it) or a replica's replay.");
    }

    /** The settings a service's config holds, after {@link #define} declared them. */
    public static ReadPoolSettings from(AbstractConfig config) {
        Password password = config.getPassword(JDBC_PASSWORD);
        return new ReadPoolSettings(config.getString(JDBC_URL), config.getString(JDBC_USER),
                password == null ? "" : password.value(), config.getInt(POOL_SIZE),
                Durations.parse(config.getString(CONNECT_TIMEOUT)), Durations.parse(config.getString(QUERY_TIMEOUT)));
    }

    @Override
    public String toString() {
        return "ReadPoolSettings[jdbcUrl=" + Database.redact(jdbcUrl) + ", user=" + user + ", password=[hidden]"
                + ", poolSize=" + poolSize + ", connectTimeout=" + connectTimeout + ", queryTimeout=" + queryTimeout + "]";
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
                return "jdbc:sqlite:<file> or jdbc:postgresql://...";
            }
        };
    }

    private static ConfigDef.Validator atLeast(Duration min) {
        ConfigDef.Validator positive = Durations.positive();
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                positive.ensureValid(name, value);
                if (Durations.parse((String) value).compareTo(min) < 0) {
                    throw new ConfigException(name, value, "must be at least " + min.toMillis() + "ms");
                }
            }

            @Override
            public String toString() {
                return "a duration of at least " + min.toMillis() + "ms";
            }
        };
    }
}
