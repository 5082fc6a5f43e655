package dev.eventpipeline.common.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a service needs when they are missing, and never changes existing ones
 * (an operator may have tuned them). Safe to run from every instance at once.
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final String prefix;
    private final Optional<Integer> partitions;
    private final Optional<Short> replicationFactor;
    private final Duration timeout;

    /** {@code partitions} or {@code replicationFactor} below 1 mean the broker's default. */
    public TopicProvisioner(Admin admin, String prefix, int partitions, short replicationFactor, Duration timeout) {
        this.admin = admin;
        this.prefix = prefix;
        this.partitions = partitions > 0 ? Optional.of(partitions) : Optional.empty();
        this.replicationFactor = replicationFactor > 0 ? Optional.of(replicationFactor) : Optional.empty();
        this.timeout = timeout;
    }

    /**
     * Ensures every topic exists. {@code retention} overrides per topic (for example raw-events must
     * outlive the de-duplication window) apply only to topics created now.
     */
    public void ensure(Collection<Topic<?, ?>> topics, Map<Topic<?, ?>, Duration> retention) {
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?, ?> topic : topics) {
                String name = topic.name(prefix);
                if (existing.contains(name)) {
                    continue;
                }
                Map<String, String> configs = new HashMap<>();
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG,
                        topic.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
                Duration keep = retention.get(topic);
                if (keep != null && !topic.compacted()) {
                    configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(keep.toMillis()));
                }
                missing.add(new NewTopic(name, partitions, replicationFactor).configs(configs));
            }
            if (missing.isEmpty()) {
                return;
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("created topic {}", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    // Another instance created it between our list and our create: that is the goal.
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics under prefix '" + prefix + "' within " + timeout
                    + ": " + (e.getCause() == null ? e : e.getCause()), e);
        }
    }
}
