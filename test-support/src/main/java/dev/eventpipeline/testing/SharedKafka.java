package dev.eventpipeline.testing;

import dev.eventpipeline.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The broker that every integration test in one JVM shares: started once, on first use, and stopped
 * when the JVM exits. When {@code KAFKA_BOOTSTRAP_SERVERS} is set, tests use that cluster instead and
 * no broker is started.
 *
 * <p>Tests isolate themselves by topic names ({@link TestTopics#uniquePrefix}), never by brokers.
 * A test that must stop a broker starts its own {@link EmbeddedKafkaBroker} instead of stopping this one.
 */
public final class SharedKafka {

    public static final String EXTERNAL_ENV = "KAFKA_BOOTSTRAP_SERVERS";

    private static EmbeddedKafkaBroker broker;

    private SharedKafka() {}

    public static synchronized String bootstrapServers() {
        String external = System.getenv(EXTERNAL_ENV);
        if (external != null && !external.isBlank()) {
            return external;
        }
        if (broker == null) {
            broker = EmbeddedKafkaBroker.builder(tempDir()).build().start();
            EmbeddedKafkaBroker started = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "shared-kafka-stop"));
        }
        return broker.bootstrapServers();
    }

    /** The embedded broker, when tests use one (empty when {@code KAFKA_BOOTSTRAP_SERVERS} is set). */
    public static synchronized Optional<EmbeddedKafkaBroker> embedded() {
        bootstrapServers();
        return Optional.ofNullable(broker);
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("shared-kafka-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
