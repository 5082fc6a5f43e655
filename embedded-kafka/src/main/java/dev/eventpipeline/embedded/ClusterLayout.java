package dev.eventpipeline.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * What must stay the same for a cluster's whole life: its id and every node's two ports. Chosen on
 * first use of a directory and kept in {@code cluster.properties} there, so that a node restarted
 * later, or the whole cluster started again by a new process, comes back where clients and the
 * other voters expect it. Node ids are 1..n.
 */
record ClusterLayout(String clusterId, List<Ports> nodes) {

    static final String FILE = "cluster.properties";
    static final String HOST = "127.0.0.1";

    /** The client (PLAINTEXT) and controller ports of one node. */
    record Ports(int client, int controller) {}

    static ClusterLayout loadOrCreate(Path dir, int nodeCount) {
        Path file = dir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                ClusterLayout layout = read(file);
                if (layout.nodes.size() != nodeCount) {
                    throw new IllegalStateException(file + " describes a cluster of " + layout.nodes.size()
                            + " nodes, not " + nodeCount + ": use another directory or the same node count");
                }
                return layout;
            }
            Files.createDirectories(dir);
            ClusterLayout layout = create(nodeCount);
            layout.write(file);
            return layout;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    int size() {
        return nodes.size();
    }

    Ports ports(int nodeId) {
        return nodes.get(nodeId - 1);
    }

    String bootstrapServers() {
        return nodes.stream().map(p -> HOST + ":" + p.client()).collect(Collectors.joining(","));
    }

    /**
     * {@code controller.quorum.voters}: every node votes, a static quorum. Kafka 4.4's StorageTool also
     * formats a dynamic one (KIP-853: {@code controller.quorum.bootstrap.servers} and
     * {@code --initial-controllers id@host:port:directory-id,...}, the same on every node), but that
     * needs every node's directory id chosen before the first format and kept with the ports, and buys
     * adding and removing voters, which this cluster never does. The static set is fixed by the ports
     * alone and is what the docker-compose cluster runs.
     */
    String quorumVoters() {
        List<String> voters = new ArrayList<>();
        for (int id = 1; id <= nodes.size(); id++) {
            voters.add(id + "@" + HOST + ":" + ports(id).controller());
        }
        return String.join(",", voters);
    }

    private static ClusterLayout create(int nodeCount) throws IOException {
        // All sockets are held open until every port is chosen, so that no two of them are the same.
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Ports> ports = new ArrayList<>();
            for (int i = 0; i < nodeCount; i++) {
                ports.add(new Ports(hold(held), hold(held)));
            }
            return new ClusterLayout(Uuid.randomUuid().toString(), List.copyOf(ports));
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    private static int hold(List<ServerSocket> held) throws IOException {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST));
        held.add(s);
        return s.getLocalPort();
    }

    private static ClusterLayout read(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        String clusterId = required(p, file, "cluster.id");
        int count = Integer.parseInt(required(p, file, "nodes"));
        List<Ports> ports = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            ports.add(new Ports(
                    Integer.parseInt(required(p, file, "node." + id + ".port")),
                    Integer.parseInt(required(p, file, "node." + id + ".controller.port"))));
        }
        return new ClusterLayout(clusterId, List.copyOf(ports));
    }

    private void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("cluster.id", clusterId);
        p.setProperty("nodes", Integer.toString(nodes.size()));
        for (int id = 1; id <= nodes.size(); id++) {
            p.setProperty("node." + id + ".port", Integer.toString(ports(id).client()));
            p.setProperty("node." + id + ".controller.port", Integer.toString(ports(id).controller()));
        }
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "written by EmbeddedKafkaCluster on first start: the log directories carry this cluster id and every node's voters name these ports");
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String required(Properties p, Path file, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(file + " has no " + key);
        }
        return v.trim();
    }
}
