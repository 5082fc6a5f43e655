package dev.eventpipeline.ingest.support;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.ingest.publish.EventLog;
import dev.eventpipeline.ingest.publish.InFlightLimit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * An {@link EventLog} for HTTP unit tests: stores in lists, or refuses every write while {@link #failWrites} is set.
 * Faults of other kinds: {@link #failWritesNumbered} (the n-th write fails), {@link #throwOnAppend} (the log
 * breaks its contract and throws), {@link #limit} (the production in-flight bound in front of it).
 */
public final class InMemoryEventLog implements EventLog {

    public final List<RawEvent> events = new CopyOnWriteArrayList<>();
    public final List<Contact> contacts = new CopyOnWriteArrayList<>();
    public volatile boolean failWrites;
    /** While set, writes complete only when this future does (a slow Kafka). */
    public volatile CompletableFuture<Void> gate;
    /** While set, {@code append*} throws this instead of answering with a future. */
    public volatile RuntimeException throwOnAppend;
    /** While set, every write passes the bound that {@code KafkaEventLog} puts in front of Kafka. */
    public volatile InFlightLimit limit;
    private volatile Supplier<RuntimeException> nextFault;
    private final AtomicInteger handedOver = new AtomicInteger();

    /** Writes that reached this log (past {@link #limit}, if set), stored or not: what a test waits for. */
    public int writesHandedOver() {
        return handedOver.get();
    }

    /**
     * From now on, write number {@code n} (counted from 1 at this call, events and contacts alike, in the
     * order they are handed to the log) fails with {@code faultOf.apply(n)}, or is stored when that is null.
     */
    public void failWritesNumbered(IntFunction<RuntimeException> faultOf) {
        AtomicInteger written = new AtomicInteger();
        nextFault = () -> faultOf.apply(written.incrementAndGet());
    }

    /** Clears every fault; stored records stay. */
    public void heal() {
        failWrites = false;
        gate = null;
        throwOnAppend = null;
        limit = null;
        nextFault = null;
    }

    @Override
    public CompletableFuture<Void> appendEvent(RawEvent event) {
        return append(events, event);
    }

    @Override
    public CompletableFuture<Void> appendContact(Contact contact) {
        return append(contacts, contact);
    }

    private <T> CompletableFuture<Void> append(List<T> list, T value) {
        RuntimeException thrown = throwOnAppend;
        if (thrown != null) {
            throw thrown;
        }
        InFlightLimit l = limit;
        return l == null ? store(list, value) : l.run(() -> store(list, value));
    }

    private <T> CompletableFuture<Void> store(List<T> list, T value) {
        handedOver.incrementAndGet();
        if (failWrites) {
            return CompletableFuture.failedFuture(new Unavailable("test: writes refused", null));
        }
        Supplier<RuntimeException> f = nextFault;
        RuntimeException fault = f == null ? null : f.get();
        if (fault != null) {
            return CompletableFuture.failedFuture(fault);
        }
        CompletableFuture<Void> g = gate;
        if (g != null) {
            return g.thenRunAsync(() -> list.add(value));
        }
        // Completed on another thread, as Kafka's callbacks are.
        return CompletableFuture.runAsync(() -> list.add(value));
    }

    @Override
    public boolean isReachable() {
        return !failWrites;
    }

    @Override
    public void close() {
        // nothing held
    }
}
