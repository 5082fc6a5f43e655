package dev.eventpipeline.dedupe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics of the dedupe-stream application itself (named after its application id, like Kafka Streams'
 * internal topics): created when missing with as many partitions as {@code raw-events}, and refused at
 * start-up when an existing one has another count, because their partition p is read by the task of
 * raw-events' partition p.
 */
final class ApplicationTopics {

    private static final Logger LOG = LoggerFactory.getLogger(ApplicationTopics.class);

    private final Admin admin;
    private final String rawEventsTopic;
    private final Optional<Short> replicationFactor;
    private final Duration timeout;

    ApplicationTopics(Admin admin, String rawEventsTopic, short replicationFactor, Duration timeout) {
        this.admin = admin;
        this.rawEventsTopic = rawEventsTopic;
        this.replicationFactor = replicationFactor > 0 ? Optional.of(replicationFactor) : Optional.empty();
        this.timeout = timeout;
    }

    /** Ensures each topic exists with raw-events' partition count; a negative retention keeps records by size only. */
    void ensure(Map<String, Duration> retentionByTopic) {
        int partitions = describe(rawEventsTopic).partitions().size();
        List<NewTopic> missing = new ArrayList<>();
        for (var entry : retentionByTopic.entrySet()) {
            String topic = entry.getKey();
            Optional<TopicDescription> existing = describeIfExists(topic);
            if (existing.isPresent()) {
                int count = existing.get().partitions().size();
                if (count != partitions) {
                    throw new IllegalStateException(topic + " has " + count + " partitions but " + rawEventsTopic + " has " + partitions
                            + ": they must be equal (partition p of both is read by one task); recreate " + topic + " with "
                            + partitions + " partitions");
                }
                continue;
            }
            long retention = entry.getValue().isNegative() ? -1 : entry.getValue().toMillis();
            missing.add(new NewTopic(topic, Optional.of(partitions), replicationFactor).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention))));
        }
        if (missing.isEmpty()) {
            return;
        }
        for (var created : admin.createTopics(missing).values().entrySet()) {
            try {
                created.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("created topic {} ({} partitions, as {})", created.getKey(), partitions, rawEventsTopic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create " + created.getKey() + ": " + e.getCause(), e);
                }
                // Another instance created it between our describe and our create: that is the goal.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topics", e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("cannot create " + created.getKey() + " within " + timeout, e);
            }
        }
    }

    private TopicDescription describe(String topic) {
        return describeIfExists(topic).orElseThrow(() -> new IllegalStateException(topic + " does not exist"));
    }

    private Optional<TopicDescription> describeIfExists(String topic) {
        try {
            return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw new IllegalStateException("cannot describe " + topic + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot describe " + topic + " within " + timeout, e);
        }
    }
}
