package dev.eventpipeline.sink.consume;

import dev.eventpipeline.common.records.DeadLetter;
import dev.eventpipeline.sink.consume.RecordDecoder.Decoded;
import dev.eventpipeline.sink.ops.SinkMetrics;
import dev.eventpipeline.store.EventStore;
import dev.eventpipeline.store.EventStore.DefinitionChange;
import dev.eventpipeline.store.EventStore.EventRow;
import dev.eventpipeline.store.EventStore.WriteResult;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop: poll, gather a batch, write it in one database transaction, then commit the
 * offsets of what is in the database. The order (database first, offsets second) means a crash in between
 * replays the batch, which the idempotent store absorbs; the reverse order could lose it.
 *
 * <p>Offsets are committed at most once per {@code offsetCommitInterval} (and always before partitions
 * are given up and at a clean stop), not after every batch: each commit is a broker round trip and a
 * write to {@code __consumer_offsets}, and since replays cost nothing but time, committing after every
 * batch buys only a shorter replay after a crash. (Kafka Connect's sinks do the same, every 60 s by default.)
 *
 * <p>Two threads: the loop thread owns the consumer (polls, decodes, commits offsets, runs the
 * rebalance callbacks); one writer thread runs the database transaction of one batch at a time, so that
 * reading and decoding the next batch overlaps with writing this one.
 *
 * <p>When a write fails the sink treats the database as unavailable: it pauses every partition (so it
 * stays in the group but reads nothing more), keeps the batch, retries it with exponential back-off
 * and resumes after the first success. On a rebalance it writes and commits everything read before
 * giving partitions up; what it cannot write it drops uncommitted, and the partition's next owner
 * reads it again.
 */
public final class SinkLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkLoop.class);

    /** Longest single poll: bounds how late the loop notices linger expiry, a retry due or a stop. */
    private static final Duration MAX_POLL_WAIT = Duration.ofMillis(100);

    /** Poll wait while a write is in flight: short, so its offsets are committed and the next batch handed over promptly. */
    private static final Duration IN_FLIGHT_POLL_WAIT = Duration.ofMillis(2);

    /** Settings of the loop. */
    public record Settings(int batchSize, Duration linger, Duration offsetCommitInterval,
                           Duration backoffInitial, Duration backoffMax, Duration closeTimeout) {}

    /** A fault-injection point for tests: runs after the database commit, before the offset commit. */
    public interface AfterDatabaseCommit {
        void run(int records);
    }

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<String, DeadLetter> deadLetterProducer;
    private final String deadLetterTopic;
    private final Collection<String> topics;
    private final EventStore store;
    private final RecordDecoder decoder;
    private final SinkMetrics metrics;
    private final Settings settings;
    private final AfterDatabaseCommit afterDatabaseCommit;

    private final List<Pending> buffer = new ArrayList<>();
    private InFlight inFlight;
    private boolean abandoned;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "event-sink-writer");
        t.setDaemon(true);
        return t;
    });
    private long bufferStartedNanos;
    /** Offsets of records already in the database, not committed yet; their count; when offsets were last committed. */
    private final Map<TopicPartition, OffsetAndMetadata> stored = new HashMap<>();
    private int storedRecords;
    private long lastCommitNanos = System.nanoTime();
    private boolean outage;
    private Duration backoff;
    private long nextRetryNanos;

    private volatile boolean running = true;
    private volatile boolean databaseAvailable = true;
    private volatile Throwable failure;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public SinkLoop(Consumer<byte[], byte[]> consumer, Producer<String, DeadLetter> deadLetterProducer,
                    String deadLetterTopic, Collection<String> topics, EventStore store, RecordDecoder decoder,
                    SinkMetrics metrics, Settings settings, AfterDatabaseCommit afterDatabaseCommit) {
        this.consumer = consumer;
        this.deadLetterProducer = deadLetterProducer;
        this.deadLetterTopic = deadLetterTopic;
        this.topics = List.copyOf(topics);
        this.store = store;
        this.decoder = decoder;
        this.metrics = metrics;
        this.settings = settings;
        this.afterDatabaseCommit = afterDatabaseCommit;
        this.backoff = settings.backoffInitial();
    }

    /**
     * One record read and decoded, waiting for its batch to be written. An event's row (its JSON and
     * timestamp rendered) is built when the record is read, while the previous batch is being written,
     * so that handing a batch to the writer costs the writer no waiting.
     */
    private record Pending(TopicPartition partition, long offset, Decoded decoded, Future<RecordMetadata> deadLetterAck) {}

    /** The batch being written by the writer thread, and the offsets to commit once it is in the database. */
    private record InFlight(List<Pending> batch, Map<TopicPartition, OffsetAndMetadata> offsets,
                            Future<WriteResult> result, long startNanos) {}

    @Override
    public void run() {
        boolean crashed = false;
        try {
            consumer.subscribe(topics, new FlushOnRevoke());
            while (running) {
                pollOnce();
            }
        } catch (WakeupException e) {
            if (running) {
                crashed = true;
                failure = e;
                LOG.error("sink consumer woken up unexpectedly; stopping", e);
            }
            // Otherwise: close() woke us to stop promptly; the final flush below runs.
        } catch (Throwable e) {
            crashed = true;
            failure = e;
            LOG.error("sink loop failed; stopping without committing what was not written", e);
        } finally {
            try {
                if (!crashed) {
                    finalFlush();
                } else {
                    // Closing the consumer calls onPartitionsRevoked: after a failure nothing more is written or
                    // committed, exactly as if the process had died here; the next owner reads these records again.
                    abandoned = true;
                    buffer.clear();
                    inFlight = null;
                }
            } finally {
                try {
                    // Auto-commit is off, so closing commits nothing the database does not hold.
                    consumer.close(settings.closeTimeout());
                } catch (RuntimeException e) {
                    LOG.warn("closing the sink consumer failed", e);
                }
                writer.shutdownNow();
                databaseAvailable = false;
                stopped.countDown();
            }
        }
    }

    /**
     * One turn of the loop. While the writer thread writes one batch, this thread reads and decodes the
     * next, so the database is kept busy and Kafka's share of the work hides behind it. At most one
     * batch is in flight and one waits: beyond that the loop stops reading until the write finishes.
     */
    private void pollOnce() {
        if (inFlight != null && inFlight.result().isDone()) {
            complete(true);
        }
        if (inFlight == null && !buffer.isEmpty()) {
            if (outage ? System.nanoTime() >= nextRetryNanos : buffer.size() >= settings.batchSize() || lingerExpired()) {
                submit();
            }
        }
        if (inFlight != null && buffer.size() >= settings.batchSize()) {
            awaitInFlight(MAX_POLL_WAIT);
            return;
        }
        var records = consumer.poll(pollWait());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            add(r);
        }
        if (commitDue()) {
            commitStored();
        }
        updateLag();
    }

    private Duration pollWait() {
        long now = System.nanoTime();
        long waitNanos = MAX_POLL_WAIT.toNanos();
        if (inFlight != null) {
            // Notice the end of the write soon, to commit it and hand over the next batch.
            waitNanos = IN_FLIGHT_POLL_WAIT.toNanos();
        } else if (outage) {
            waitNanos = Math.min(waitNanos, Math.max(0, nextRetryNanos - now));
        } else if (!buffer.isEmpty()) {
            waitNanos = Math.min(waitNanos, Math.max(0, bufferStartedNanos + settings.linger().toNanos() - now));
        }
        if (!stored.isEmpty()) {
            waitNanos = Math.min(waitNanos, Math.max(0, lastCommitNanos + settings.offsetCommitInterval().toNanos() - now));
        }
        return Duration.ofNanos(waitNanos);
    }

    private void add(ConsumerRecord<byte[], byte[]> r) {
        if (buffer.isEmpty()) {
            bufferStartedNanos = System.nanoTime();
        }
        Decoded d = decoder.decode(r);
        Future<RecordMetadata> ack = null;
        if (d.deadLetter() != null) {
            // Sent now, acknowledged before this batch's offsets are committed: the bad record is kept, never skipped.
            LOG.warn("dead-lettering {}-{}@{}: {} ({})", r.topic(), r.partition(), r.offset(),
                    d.deadLetter().reason(), d.deadLetter().detail());
            ack = sendDeadLetter(d.deadLetter());
            metrics.deadLettered();
        }
        buffer.add(new Pending(new TopicPartition(r.topic(), r.partition()), r.offset(), d, ack));
    }

    private boolean lingerExpired() {
        return !buffer.isEmpty() && System.nanoTime() - bufferStartedNanos >= settings.linger().toNanos();
    }

    /** Hands the oldest batch of the buffer to the writer thread. */
    private void submit() {
        List<Pending> batch = new ArrayList<>(buffer.subList(0, Math.min(buffer.size(), settings.batchSize())));
        List<EventRow> events = new ArrayList<>(batch.size());
        List<DefinitionChange> definitions = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        try {
            for (int i = 0; i < batch.size(); i++) {
                Pending p = batch.get(i);
                if (p.decoded().event() != null) {
                    events.add(p.decoded().event());
                } else if (p.decoded().definition() != null) {
                    definitions.add(p.decoded().definition());
                } else {
                    awaitDeadLetter(i, p);
                }
                // Records of one partition arrive in offset order: the last one sets the commit position.
                offsets.put(p.partition(), new OffsetAndMetadata(p.offset() + 1));
            }
        } catch (DeadLetterFailure e) {
            writeFailed(e, batch.size());
            return;
        }
        buffer.subList(0, batch.size()).clear();
        bufferStartedNanos = System.nanoTime();
        inFlight = new InFlight(batch, offsets, writer.submit(() -> store.write(events, definitions)), System.nanoTime());
    }

    /** Waits up to {@code max} for the write in flight and completes it if it finished. */
    private void awaitInFlight(Duration max) {
        try {
            inFlight.result().get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return; // still writing: the caller comes back
        } catch (ExecutionException e) {
            // Handled by complete(), which reads the same outcome.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the database", e);
        }
        complete(true);
    }

    /**
     * The write in flight has finished: on success its offsets join those to commit (the database holds
     * the rows now), committed here if the interval is up; on failure put its records back at the head of
     * the buffer, pause and schedule a retry. Returns whether it was written.
     *
     * <p>With {@code handOverNext}, a full (or lingered) next batch goes to the writer before the offsets
     * are committed: the commit is a round trip to the broker, and the database would idle through it.
     * That changes nothing in the guarantee: these offsets are still committed only after their own
     * batch's database commit, and the next batch's only after its own.
     */
    private boolean complete(boolean handOverNext) {
        InFlight done = inFlight;
        WriteResult result;
        try {
            result = done.result().get();
        } catch (ExecutionException e) {
            inFlight = null;
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            buffer.addAll(0, done.batch());
            writeFailed(cause, done.batch().size());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the database", e);
        }
        inFlight = null;
        metrics.batchWritten(done.batch().size(), result.eventsInserted(), result.eventsAlreadyStored(),
                result.summariesUpdated(), result.definitionsWritten(), Duration.ofNanos(System.nanoTime() - done.startNanos()));
        metrics.batchPhases(result.phases().events(), result.phases().summaries(), result.phases().definitions(),
                result.phases().commit());
        afterDatabaseCommit.run(done.batch().size());
        if (outage) {
            outage = false;
            databaseAvailable = true;
            metrics.databaseAvailable(true);
            consumer.resume(consumer.paused());
            LOG.info("database reachable again; consumption resumed");
        }
        backoff = settings.backoffInitial();
        if (handOverNext && !buffer.isEmpty() && (buffer.size() >= settings.batchSize() || lingerExpired())) {
            submit();
        }
        // Batches complete in order (one in flight at a time): a later batch's offset replaces an earlier one's.
        stored.putAll(done.offsets());
        storedRecords += done.batch().size();
        if (commitDue()) {
            commitStored();
        }
        return true;
    }

    private boolean commitDue() {
        return !stored.isEmpty() && System.nanoTime() - lastCommitNanos >= settings.offsetCommitInterval().toNanos();
    }

    /** Commits the offsets of everything the database holds. */
    private void commitStored() {
        if (!stored.isEmpty()) {
            commitOffsets(new HashMap<>(stored), storedRecords);
            stored.clear();
            storedRecords = 0;
        }
        lastCommitNanos = System.nanoTime();
    }

    private void writeFailed(Throwable e, int records) {
        metrics.writeFailed();
        if (!outage) {
            outage = true;
            databaseAvailable = false;
            metrics.databaseAvailable(false);
            consumer.pause(consumer.assignment());
        }
        LOG.warn("writing a batch of {} records failed ({}); consumption paused, retrying in {}",
                records, rootMessage(e), backoff);
        nextRetryNanos = System.nanoTime() + backoff.toNanos();
        backoff = min(backoff.multipliedBy(2), settings.backoffMax());
    }

    /**
     * Writes everything read so far, one batch at a time, waiting for each, and commits the offsets of all
     * that the database holds; stops writing at the first failure (what was stored before it is committed).
     */
    private boolean writeAllNow() {
        boolean written = writeAllBatches();
        commitStored();
        return written;
    }

    private boolean writeAllBatches() {
        if (inFlight != null && !complete(false)) {
            return false;
        }
        while (!buffer.isEmpty()) {
            submit();
            if (inFlight == null || !complete(false)) {
                return false;
            }
        }
        return true;
    }

    private void commitOffsets(Map<TopicPartition, OffsetAndMetadata> offsets, int records) {
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException e) {
            // close() raced with the commit: finish it, the stop is handled by the loop's condition.
            consumer.commitSync(offsets);
        } catch (KafkaException e) {
            // The rows are in the database; the partition's next owner replays them, and the store ignores them.
            metrics.offsetCommitFailed();
            LOG.warn("committing offsets of {} stored records failed ({}); they will be replayed harmlessly", records, e.toString());
        }
    }

    private void awaitDeadLetter(int index, Pending p) {
        try {
            p.deadLetterAck().get(settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeadLetterFailure("interrupted while waiting for a dead letter to be acknowledged", e);
        } catch (ExecutionException | TimeoutException e) {
            // Send it again for the retry of this batch; the offsets stay uncommitted until one send is acknowledged.
            buffer.set(index, new Pending(p.partition(), p.offset(), p.decoded(), sendDeadLetter(p.decoded().deadLetter())));
            throw new DeadLetterFailure("dead letter for " + p.partition() + "@" + p.offset() + " not acknowledged", e);
        }
    }

    private Future<RecordMetadata> sendDeadLetter(DeadLetter deadLetter) {
        return deadLetterProducer.send(new ProducerRecord<>(deadLetterTopic, deadLetter.key(), deadLetter));
    }

    private void updateLag() {
        long lag = 0;
        for (TopicPartition tp : consumer.assignment()) {
            lag += consumer.currentLag(tp).orElse(0);
        }
        metrics.consumerLag(lag);
    }

    private void finalFlush() {
        if (!writeAllNow()) {
            LOG.warn("stopping with {} records not written; they stay uncommitted and are read again on restart", buffer.size());
            buffer.clear();
        }
    }

    private void dropPending(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = new HashSet<>(partitions);
        int before = buffer.size();
        buffer.removeIf(p -> gone.contains(p.partition()));
        if (buffer.size() != before) {
            LOG.info("dropped {} unwritten records of partitions given up; their next owner reads them again", before - buffer.size());
        }
    }

    /** Asks the loop to stop: it writes the last batch, commits and leaves the group. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isRunning() {
        return stopped.getCount() > 0 && failure == null;
    }

    /** False while writes fail (consumption paused) and after the loop stopped. */
    public boolean isDatabaseAvailable() {
        return databaseAvailable;
    }

    public Throwable failure() {
        return failure;
    }

    private final class FlushOnRevoke implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            if (abandoned) {
                return;
            }
            // Write and commit before the partitions move, so their next owner starts after what we stored.
            if (!writeAllNow()) {
                LOG.warn("could not write before giving up partitions {}", partitions);
            }
            dropPending(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Lost, not revoked: another member may own them already, so committing is not allowed.
            dropPending(partitions);
            stored.keySet().removeAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (outage) {
                consumer.pause(partitions);
            }
        }
    }

    /** A dead letter that Kafka did not acknowledge: retried with the batch, like a database failure. */
    static final class DeadLetterFailure extends KafkaException {
        DeadLetterFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
