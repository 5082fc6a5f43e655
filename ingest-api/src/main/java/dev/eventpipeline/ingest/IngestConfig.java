package dev.eventpipeline.ingest;

import dev.eventpipeline.common.config.Durations;
import dev.eventpipeline.common.config.KafkaSettings;
import dev.eventpipeline.store.ReadPoolSettings;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** Every setting of {@code ingest-api}, declared once with its default and meaning. */
public final class IngestConfig extends AbstractConfig {

    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_IDLE_TIMEOUT = "http.idle.timeout";
    public static final String HTTP_MIN_REQUEST_DATA_RATE = "http.min.request.data.rate";
    public static final String HTTP_MAX_HEADER_BYTES = "http.max.header.bytes";
    public static final String HTTP_MAX_CONNECTIONS = "http.max.connections";
    public static final String AUTH_TOKENS_FILE = "auth.tokens.file";
    public static final String AUTH_DEV_TOKEN = "auth.dev.token";
    public static final String AUTH_DEV_WORKSPACE = "auth.dev.workspace";
    public static final String DEFAULT_INTERCOM_VERSION = "intercom.version.default";
    public static final String CONTACTS_MODE = "contacts.mode";
    public static final String LIMIT_EVENT_BODY_BYTES = "limits.event.body.bytes";
    public static final String LIMIT_BULK_BODY_BYTES = "limits.bulk.body.bytes";
    public static final String LIMIT_BULK_ITEMS = "limits.bulk.max.items";
    public static final String RATE_LIMIT_APP_PER_MINUTE = "rate.limit.app.per.minute";
    public static final String RATE_LIMIT_WORKSPACE_PER_MINUTE = "rate.limit.workspace.per.minute";
    public static final String RATE_LIMIT_SYNC_INTERVAL = "rate.limit.sync.interval";
    public static final String PRODUCE_TIMEOUT = "produce.timeout";
    public static final String PRODUCE_MAX_BLOCK = "produce.max.block";
    public static final String PRODUCE_LINGER = "produce.linger";
    public static final String MAX_IN_FLIGHT_REQUESTS = "produce.max.in.flight.requests";

    public static final String MODE_DIRECTORY = "directory";
    public static final String MODE_TRUST = "trust";

    public static final ConfigDef DEF = KafkaSettings.define(new ConfigDef())
            .define(HTTP_HOST, Type.STRING, "0.0.0.0", Importance.HIGH, "Interface the HTTP API binds to.")
            .define(HTTP_PORT, Type.INT, 8080, Range.between(0, 65535), Importance.HIGH,
                    "Port of the HTTP API; 0 picks any free port (tests).")
            .define(HTTP_IDLE_TIMEOUT, Type.STRING, "30s", Durations.positive(), Importance.LOW,
                    "A connection with no traffic for this long is closed, so idle or abandoned clients cannot hold sockets forever.")
            // Jetty measures this from the first body byte and checks it once a read happens 1 s or more
            // later, so a small body read late because the server is busy fails too: at 64 B/s a
            // 130-byte event fails only when the server is over 2 s behind, while a client trickling a
            // few bytes a second (slowloris, pinning a thread in a blocking read) is cut off after ~1 s.
            .define(HTTP_MIN_REQUEST_DATA_RATE, Type.LONG, 64L, Range.atLeast(0), Importance.LOW,
                    "Bytes per second a client must at least send while uploading a body, measured by Jetty from the first body byte; slower uploads (slowloris) get 408. 0 disables.")
            .define(HTTP_MAX_HEADER_BYTES, Type.INT, 8192, Range.between(1024, 1 << 20), Importance.LOW,
                    "Largest request line plus headers accepted; larger gets 431 from Jetty before any handler runs.")
            .define(HTTP_MAX_CONNECTIONS, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                    "Open HTTP connections at most; beyond it new connections wait in the OS backlog. Bounds memory under overload.")
            .define(AUTH_TOKENS_FILE, Type.STRING, "", Importance.HIGH,
                    "JSON token registry (SHA-256 digests only), written by the 'token create' command. Empty: no file.")
            .define(AUTH_DEV_TOKEN, Type.PASSWORD, null, Importance.MEDIUM,
                    "A token registered in memory (its digest only) with scopes read and write for workspace auth.dev.workspace. For development and the standalone launcher.")
            .define(AUTH_DEV_WORKSPACE, Type.STRING, "dev", dev.eventpipeline.ingest.auth.WorkspaceIds.configValidator(), Importance.LOW,
                    "Workspace (and app id) of auth.dev.token: " + dev.eventpipeline.ingest.auth.WorkspaceIds.RULE + ".")
            .define(DEFAULT_INTERCOM_VERSION, Type.STRING, "2.10", Importance.LOW,
                    "Intercom-Version recorded when the request has none and the token sets no default.")
            .define(CONTACTS_MODE, Type.STRING, MODE_DIRECTORY, ValidString.in(MODE_DIRECTORY, MODE_TRUST), Importance.HIGH,
                    "directory: an event for an unknown contact is 404 (Intercom). trust: an unknown user_id or email becomes a user contact, created on first use.")
            .define(LIMIT_EVENT_BODY_BYTES, Type.INT, 64 * 1024, Range.between(1024, 16 << 20), Importance.MEDIUM,
                    "Largest body of POST /events and POST /contacts; larger is 413 before parsing.")
            .define(LIMIT_BULK_BODY_BYTES, Type.INT, 2 * 1024 * 1024, Range.between(1024, 64 << 20), Importance.MEDIUM,
                    "Largest body of POST /bulk/events; larger is 413 before parsing.")
            .define(LIMIT_BULK_ITEMS, Type.INT, 100, Range.between(1, 10_000), Importance.MEDIUM,
                    "Most items in one POST /bulk/events.")
            .define(RATE_LIMIT_APP_PER_MINUTE, Type.INT, 10_000, Range.atLeast(6), Importance.MEDIUM,
                    "Calls per minute per app (token) when the token sets none; enforced as ceil(n/6) per 10-second window (Intercom).")
            .define(RATE_LIMIT_WORKSPACE_PER_MINUTE, Type.INT, 25_000, Range.atLeast(6), Importance.MEDIUM,
                    "Calls per minute per workspace, shared by all its apps; enforced as ceil(n/6) per 10-second window.")
            // The limits are the app's and the workspace's, shared by every instance: each sees the others'
            // calls this much (plus Kafka's delivery) late, which is how far together they may overshoot.
            .define(RATE_LIMIT_SYNC_INTERVAL, Type.STRING, "50ms", syncInterval(), Importance.LOW,
                    "How often this instance tells the others (through the rate-limit-usage topic) how many calls it admitted in the current 10-second window, 10ms to 1s. All instances together may admit what arrives at the others within about this long (plus Kafka's delivery) beyond a limit.")
            .define(PRODUCE_TIMEOUT, Type.STRING, "5s", Durations.positive(), Importance.MEDIUM,
                    "How long a write may wait for Kafka's acknowledgement (the producer's delivery.timeout.ms) before the request gets 503.")
            .define(PRODUCE_MAX_BLOCK, Type.STRING, "1s", Durations.positive(), Importance.LOW,
                    "How long a request thread may block handing a record to the producer (max.block.ms: missing metadata or a full buffer) before 503.")
            .define(PRODUCE_LINGER, Type.STRING, "5ms", nonNegativeDuration(), Importance.LOW,
                    "The producer's linger.ms: a few milliseconds of latency buy batches, which is what lets many concurrent requests share one producer.")
            .define(MAX_IN_FLIGHT_REQUESTS, Type.INT, 20_000, Range.atLeast(1), Importance.LOW,
                    "Write requests waiting for Kafka at once; beyond it new writes get 503 at once, so memory stays bounded.");

    private static ConfigDef.Validator syncInterval() {
        return (name, value) -> {
            try {
                java.time.Duration d = Durations.parse((String) value);
                if (d.toMillis() < 10 || d.toMillis() > 1_000) {
                    throw new ConfigException(name, value, "must be between 10ms and 1s");
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        };
    }

    public Duration rateLimitSyncInterval() {
        return Durations.parse(getString(RATE_LIMIT_SYNC_INTERVAL));
    }

    private static ConfigDef.Validator nonNegativeDuration() {
        return (name, value) -> {
            try {
                if (Durations.parse((String) value).isNegative()) {
                    throw new ConfigException(name, value, "must not be negative");
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        };
    }

    public IngestConfig(Map<?, ?> originals) {
        super(DEF, originals, false);
    }

    public String httpHost() {
        return getString(HTTP_HOST);
    }

    public int httpPort() {
        return getInt(HTTP_PORT);
    }

    public Duration httpIdleTimeout() {
        return Durations.parse(getString(HTTP_IDLE_TIMEOUT));
    }

    public String tokensFile() {
        return getString(AUTH_TOKENS_FILE);
    }

    /** The dev token in clear, or null; never log it. */
    public String devToken() {
        Password p = getPassword(AUTH_DEV_TOKEN);
        return p == null || p.value() == null || p.value().isBlank() ? null : p.value();
    }

    public String devWorkspace() {
        return getString(AUTH_DEV_WORKSPACE);
    }

    public boolean trustMode() {
        return MODE_TRUST.equals(getString(CONTACTS_MODE));
    }

    public String topicPrefix() {
        return getString(KafkaSettings.TOPIC_PREFIX);
    }

    public Duration produceTimeout() {
        return Durations.parse(getString(PRODUCE_TIMEOUT));
    }

    public Duration produceMaxBlock() {
        return Durations.parse(getString(PRODUCE_MAX_BLOCK));
    }

    public Duration produceLinger() {
        return Durations.parse(getString(PRODUCE_LINGER));
    }

    public Duration startupTimeout() {
        return KafkaSettings.startupTimeout(this);
    }

    // GET /events reads the sink's store: the read pool's store.* keys are event-store's, declared there
    // once and added to this service's definition here (a static block runs after DEF is assigned).
    static {
        ReadPoolSettings.define(DEF);
    }

    /** The read-only pool of GET /events ({@code store.*}). */
    public ReadPoolSettings readPool() {
        return ReadPoolSettings.from(this);
    }
}
