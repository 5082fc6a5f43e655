package dev.eventpipeline.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool$;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka node (KRaft, combined broker and controller) running in this JVM from Apache Kafka's
 * own server classes. It binds to 127.0.0.1 only.
 *
 * <p>By default it is a single-node cluster. The log directory is formatted on first start and reused
 * afterwards, so {@link #stop()} and {@link #start()} on the same directory keep every record, and the
 * ports chosen on first start are kept so that clients reconnect by themselves. Internal topics use
 * replication factor 1, which is what lets transactions (exactly-once Streams) work on one node.
 *
 * <p>With {@link Builder#controllerQuorumVoters} it is one voter of a larger quorum instead; that is
 * how {@link KafkaNodeMain} runs each node of an {@link EmbeddedKafkaCluster}, one per JVM.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";

    private final Path logDir;
    private final int nodeId;
    private final String clusterId;
    private final String controllerQuorumVoters;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private final Duration startupTimeout;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(Builder b) {
        this.logDir = b.logDir;
        this.nodeId = b.nodeId;
        this.clusterId = b.clusterId;
        this.controllerQuorumVoters = b.controllerQuorumVoters;
        this.port = b.port > 0 ? b.port : freePort();
        this.controllerPort = b.controllerPort > 0 ? b.controllerPort : freePort();
        this.overrides = Map.copyOf(b.overrides);
        this.startupTimeout = b.startupTimeout;
    }

    public static Builder builder(Path logDir) {
        return new Builder(logDir);
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public int nodeId() {
        return nodeId;
    }

    public Path logDir() {
        return logDir;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * Formats the log directory if it is new, starts the broker and waits until it answers a client
     * request; fails with the reason if it does not within the start-up timeout.
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (server != null) {
            return this;
        }
        long started = System.nanoTime();
        Properties props = serverProperties();
        try {
            Files.createDirectories(logDir);
            Path propsFile = logDir.resolve("embedded-server.properties");
            try (Writer w = Files.newBufferedWriter(propsFile, StandardCharsets.UTF_8)) {
                props.store(w, "written by EmbeddedKafkaBroker; regenerated on every start");
            }
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(propsFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka log directory " + logDir, e);
        }
        KafkaRaftServer raft = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        raft.startup();
        server = raft;
        try {
            awaitReady();
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        LOG.info("embedded Kafka broker ready on {} in {} ms (log dir {})",
                bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), logDir);
        return this;
    }

    /** Stops the broker (a controlled shutdown: clients see it disappear); the log directory is kept. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer stopping = server;
        server = null;
        stopping.shutdown();
        stopping.awaitShutdown();
        LOG.info("embedded Kafka broker on {} stopped", bootstrapServers());
    }

    @Override
    public void close() {
        stop();
    }

    private Properties serverProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        if (controllerQuorumVoters == null) {
            p.put("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
        } else {
            p.put("controller.quorum.voters", controllerQuorumVoters);
        }
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        // One node: every internal topic must be satisfiable by one replica, or transactions
        // (exactly-once Streams) and consumer groups never become available.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Fewer internal partitions than the default 50 make the first group and the first
        // transaction available in well under a second; one node gains nothing from 50.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        // A group's first rebalance need not wait for more members on a single-node setup.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Services create their topics explicitly with the right configs; a typo must not create one.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.putAll(overrides);
        return p;
    }

    private void format(Path propsFile) {
        List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", propsFile.toString()));
        if (controllerQuorumVoters == null) {
            // A dynamic quorum of this one controller (KIP-853), as kafka-storage.sh does for a single node.
            args.add("--standalone");
        }
        // With static voters, Kafka 4.4's StorageTool takes no quorum flag at all: it refuses
        // --standalone and --initial-controllers next to controller.quorum.voters.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool$.MODULE$.execute(args.toArray(String[]::new), ps);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting " + logDir + " failed (" + rc + "): " + out.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        Map<String, Object> conf = new HashMap<>();
        conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
        try (Admin admin = Admin.create(conf)) {
            Exception last = null;
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the embedded broker", e);
                } catch (Exception e) {
                    last = e;
                }
            }
            throw new IllegalStateException("embedded Kafka broker on " + bootstrapServers()
                    + " not ready within " + startupTimeout, last);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    /** Options of an {@link EmbeddedKafkaBroker}; ports 0 (the default) mean "pick a free one". */
    public static final class Builder {
        private final Path logDir;
        private int nodeId = 1;
        private String clusterId = Uuid.randomUuid().toString();
        private String controllerQuorumVoters;
        private int port;
        private int controllerPort;
        private final Map<String, String> overrides = new HashMap<>();
        private Duration startupTimeout = Duration.ofSeconds(60);

        private Builder(Path logDir) {
            this.logDir = logDir;
        }

        /** {@code node.id}; 1 by default. */
        public Builder nodeId(int nodeId) {
            this.nodeId = nodeId;
            return this;
        }

        /** The cluster id written when the log directory is formatted; ignored once it is. Random by default. */
        public Builder clusterId(String clusterId) {
            this.clusterId = clusterId;
            return this;
        }

        /**
         * Makes this node one voter of a static quorum ({@code controller.quorum.voters}, e.g.
         * {@code 1@127.0.0.1:9093,2@127.0.0.1:9094,3@127.0.0.1:9095}) instead of a quorum of its own.
         * The entry of this node must name its {@link #controllerPort}.
         */
        public Builder controllerQuorumVoters(String voters) {
            this.controllerQuorumVoters = voters;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder controllerPort(int controllerPort) {
            this.controllerPort = controllerPort;
            return this;
        }

        /** Any broker setting, applied last. */
        public Builder brokerProperty(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = timeout;
            return this;
        }

        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }
    }
}
