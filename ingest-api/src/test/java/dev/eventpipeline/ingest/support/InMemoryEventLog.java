package dev.eventpipeline.ingest.support;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.ingest.publish.EventLog;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link EventLog} for HTTP unit tests: stores in lists, or refuses every write while {@link #failWrites} is set. */
public final class InMemoryEventLog implements EventLog {

    public final List<RawEvent> events = new CopyOnWriteArrayList<>();
    public final List<Contact> contacts = new CopyOnWriteArrayList<>();
    public volatile boolean failWrites;
    /** While set, writes complete only when this future does (a slow Kafka). */
    public volatile CompletableFuture<Void> gate;

    @Override
    public CompletableFuture<Void> appendEvent(RawEvent event) {
        return store(events, event);
    }

    @Override
    public CompletableFuture<Void> appendContact(Contact contact) {
        return store(contacts, contact);
    }

    private <T> CompletableFuture<Void> store(List<T> list, T value) {
        if (failWrites) {
            return CompletableFuture.failedFuture(new Unavailable("test: writes refused", null));
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
