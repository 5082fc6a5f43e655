package dev.eventpipeline.sink.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sink's meters. Names are Micrometer's dotted form; Prometheus shows them as
 * {@code sink_rows_written_total{table="events"}}, {@code sink_batch_size}, {@code sink_write_latency_seconds},
 * {@code sink_consumer_lag}, {@code sink_database_available}, ...
 */
public final class SinkMetrics {

    private final Counter eventsInserted;
    private final Counter eventsAlreadyStored;
    private final Counter summariesUpdated;
    private final Counter definitionsWritten;
    private final DistributionSummary batchSize;
    private final Timer writeLatency;
    private final Timer eventsStatement;
    private final Timer summariesStatement;
    private final Timer definitionsStatement;
    private final Timer commitStatement;
    private final Counter writeFailures;
    private final Counter offsetCommitFailures;
    private final Counter deadLetters;
    private final AtomicLong consumerLag = new AtomicLong();
    private final AtomicLong databaseAvailable = new AtomicLong(1);

    public SinkMetrics(MeterRegistry registry) {
        this.eventsInserted = Counter.builder("sink.rows.written").tag("table", "events")
                .description("Rows inserted; a replayed event inserts none").register(registry);
        this.summariesUpdated = Counter.builder("sink.rows.written").tag("table", "event_summaries")
                .description("Summary rows inserted or incremented").register(registry);
        this.definitionsWritten = Counter.builder("sink.rows.written").tag("table", "event_definitions")
                .description("Definition rows written or deleted").register(registry);
        this.eventsAlreadyStored = Counter.builder("sink.events.already.stored")
                .description("Events consumed again whose row already existed (replays after a crash or rebalance)").register(registry);
        this.batchSize = DistributionSummary.builder("sink.batch.size")
                .description("Records per database transaction").publishPercentiles(0.5, 0.99).register(registry);
        this.writeLatency = Timer.builder("sink.write.latency")
                .description("Time to write and commit one batch in the database").publishPercentiles(0.5, 0.99).register(registry);
        // Where the transaction's time goes, statement by statement: what to look at when the sink is slow.
        this.eventsStatement = phase(registry, "events");
        this.summariesStatement = phase(registry, "summaries");
        this.definitionsStatement = phase(registry, "definitions");
        this.commitStatement = phase(registry, "commit");
        this.writeFailures = Counter.builder("sink.write.failures")
                .description("Batch writes that failed and will be retried").register(registry);
        this.offsetCommitFailures = Counter.builder("sink.offset.commit.failures")
                .description("Offset commits that failed after the database commit (the records are replayed, harmlessly)").register(registry);
        this.deadLetters = Counter.builder("sink.dead.letters")
                .description("Unreadable or invalid records sent to dead-letter-events").register(registry);
        Gauge.builder("sink.consumer.lag", consumerLag, AtomicLong::get)
                .description("Records not yet consumed, summed over this instance's partitions").register(registry);
        Gauge.builder("sink.database.available", databaseAvailable, AtomicLong::get)
                .description("1 while writes succeed, 0 while the sink is paused waiting for the database").register(registry);
    }

    private static Timer phase(MeterRegistry registry, String phase) {
        return Timer.builder("sink.write.phase").tag("phase", phase)
                .description("Time one batch's transaction spent in this statement (events insert, summaries upsert, definitions, commit)")
                .register(registry);
    }

    /** Nanoseconds one batch's transaction spent in each statement. */
    public void batchPhases(long events, long summaries, long definitions, long commit) {
        eventsStatement.record(events, java.util.concurrent.TimeUnit.NANOSECONDS);
        summariesStatement.record(summaries, java.util.concurrent.TimeUnit.NANOSECONDS);
        definitionsStatement.record(definitions, java.util.concurrent.TimeUnit.NANOSECONDS);
        commitStatement.record(commit, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void batchWritten(int records, int eventsInserted, int eventsAlreadyStored, int summaries, int definitions, Duration took) {
        batchSize.record(records);
        writeLatency.record(took);
        this.eventsInserted.increment(eventsInserted);
        this.eventsAlreadyStored.increment(eventsAlreadyStored);
        this.summariesUpdated.increment(summaries);
        this.definitionsWritten.increment(definitions);
    }

    public void writeFailed() {
        writeFailures.increment();
    }

    public void offsetCommitFailed() {
        offsetCommitFailures.increment();
    }

    public void deadLettered() {
        deadLetters.increment();
    }

    public void consumerLag(long lag) {
        consumerLag.set(lag);
    }

    public void databaseAvailable(boolean available) {
        databaseAvailable.set(available ? 1 : 0);
    }

    public double eventsInserted() {
        return eventsInserted.count();
    }

    public double writeFailures() {
        return writeFailures.count();
    }
}
