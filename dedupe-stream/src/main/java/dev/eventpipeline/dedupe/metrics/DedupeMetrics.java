package dev.eventpipeline.dedupe.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the stream counts. Counters are updated from stream threads and the exception handlers; the
 * pending-key gauge sums what each task last reported, because each task only knows its own definitions.
 *
 * <p>Counters count processing attempts: after a crash, records of an aborted transaction are
 * processed again and counted again. The topics, read committed, are the exact numbers.
 */
public final class DedupeMetrics {

    private final MeterRegistry registry;
    private final Counter processed;
    private final Counter clean;
    private final Counter duplicates;
    private final Counter droppedKeys;
    private final Counter definitionChanges;
    private final Counter ownerTrips;
    private final Counter rekeyed;
    private final Counter seeds;
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Map<String, Long> pendingKeysByTask = new ConcurrentHashMap<>();

    public DedupeMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.processed = Counter.builder("dedupe.events.processed").description("raw events read (every outcome)").register(registry);
        this.clean = Counter.builder("dedupe.events.clean").description("first copies written to clean-events").register(registry);
        this.duplicates = Counter.builder("dedupe.events.duplicates").description("later copies written to duplicate-events").register(registry);
        this.droppedKeys = Counter.builder("dedupe.metadata.keys.dropped")
                .description("metadata keys removed from clean events because the definition already tracks ten keys").register(registry);
        this.definitionChanges = Counter.builder("dedupe.definitions.published")
                .description("event definitions published (created, key added, key promoted)").register(registry);
        this.ownerTrips = Counter.builder("dedupe.definitions.owner.trips")
                .description("clean events decided by their definition's owner task (a key the task's copy of the definition did not track, or no copy yet)")
                .register(registry);
        this.rekeyed = Counter.builder("dedupe.events.rekeyed")
                .description("raw-events records with the old <workspace>:<event_name> key, re-keyed by event id before de-duplication").register(registry);
        this.seeds = Counter.builder("dedupe.upgrade.seeds")
                .description("entries of the name-keyed topology's de-duplication memory taken over at the upgrade").register(registry);
        Gauge.builder("dedupe.metadata.keys.pending", pendingKeysByTask, m -> m.values().stream().mapToLong(Long::longValue).sum())
                .description("tracked metadata keys still waiting for the metadata delay").register(registry);
    }

    /** Metrics that go nowhere: for tests and benchmarks that do not look at them. */
    public static DedupeMetrics discarding() {
        return new DedupeMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void processed() {
        processed.increment();
    }

    public void clean() {
        clean.increment();
    }

    public void duplicate() {
        duplicates.increment();
    }

    public void droppedKeys(int count) {
        droppedKeys.increment(count);
    }

    public void definitionPublished() {
        definitionChanges.increment();
    }

    public void ownerTrip() {
        ownerTrips.increment();
    }

    public void rekeyed() {
        rekeyed.increment();
    }

    public void seeded() {
        seeds.increment();
    }

    public void deadLetter(String reason) {
        deadLetters.computeIfAbsent(reason, r -> Counter.builder("dedupe.events.dead.letters")
                .description("raw records written to dead-letter-events").tag("reason", r).register(registry)).increment();
    }

    public void pendingKeys(String taskId, long count) {
        pendingKeysByTask.put(taskId, count);
    }

    public void taskClosed(String taskId) {
        pendingKeysByTask.remove(taskId);
    }

    public double count(String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }
}
