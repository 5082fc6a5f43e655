package dev.eventpipeline.common.topics;

import dev.eventpipeline.common.config.Durations;
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
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a service needs when they are missing, and never changes existing ones
 * (an operator may have tuned them), with one exception: a retention the service's own settings require
 * is raised when too short ({@link #raiseRetention}). Safe to run from every instance at once.
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

    /**
     * Raises {@code retention.ms} of an existing topic to at least {@code atLeast}, and never lowers it
     * ({@code -1}, keep forever, stays).
     *
     * <p>The one exception to "never change an existing topic": {@code raw-events} must outlast the
     * de-duplication window ({@link RawEventsRetention}), and the window is the configuration of the
     * service calling this. Raising it only keeps records longer (disk, never data or meaning); whatever
     * else an operator tuned, including a longer retention, is left alone. Each raise is logged.
     *
     * <p>Two instances raising at once with different windows could leave the smaller of the two (an
     * alter is not a compare-and-set); instances of one Streams application must share one window anyway.
     */
    public void raiseRetention(Topic<?, ?> topic, Duration atLeast, String why) {
        String name = topic.name(prefix);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                try {
                    raiseRetention(resource, atLeast, why, deadline);
                    return;
                } catch (ExecutionException e) {
                    // A topic created a moment ago (by this service or another instance) is not known to the
                    // broker that answers until its metadata arrives: ask again, for at most the timeout.
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the retention of " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot make the retention of " + name + " at least " + Durations.format(atLeast)
                    + " (" + why + ") within " + Durations.format(timeout) + ": " + (e.getCause() == null ? e : e.getCause())
                    + "; raise it by hand (kafka-configs.sh --alter --entity-type topics --entity-name " + name
                    + " --add-config retention.ms=" + atLeast.toMillis() + ")", e);
        }
    }

    private void raiseRetention(ConfigResource resource, Duration atLeast, String why, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        long waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        Config config = admin.describeConfigs(List.of(resource)).all().get(waitMs, TimeUnit.MILLISECONDS).get(resource);
        long current = Long.parseLong(config.get(TopicConfig.RETENTION_MS_CONFIG).value());
        if (current < 0 || current >= atLeast.toMillis()) {
            return;
        }
        AlterConfigOp raise = new AlterConfigOp(
                new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(atLeast.toMillis())), AlterConfigOp.OpType.SET);
        admin.incrementalAlterConfigs(Map.of(resource, List.of(raise))).all().get(waitMs, TimeUnit.MILLISECONDS);
        LOG.warn("raised retention.ms of {} from {} to {} ({} ms): {}", resource.name(), Durations.format(Duration.ofMillis(current)),
                Durations.format(atLeast), atLeast.toMillis(), why);
    }
}
