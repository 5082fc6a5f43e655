package dev.eventpipeline.ingest.publish;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * At most {@code max} writes waiting for the log at once ({@code produce.max.in.flight.requests}).
 * Beyond that a write fails at once with {@link EventLog.Unavailable} (a 503) instead of queueing:
 * every waiting write holds a request and its record in memory, so an unbounded wait would let a slow
 * Kafka grow the heap until the process dies.
 *
 * <p>Its own class so the HTTP tests can put the same bound in front of an in-memory log.
 */
public final class InFlightLimit {

    private final Semaphore permits;

    public InFlightLimit(int max) {
        this.permits = new Semaphore(max);
    }

    /**
     * {@code write}'s future, once a place is free; else a future failed at once. The place is given back
     * before the returned future completes, so whoever acts on the answer (the next request of the same
     * client) finds it free.
     */
    public CompletableFuture<Void> run(Supplier<CompletableFuture<Void>> write) {
        if (!permits.tryAcquire()) {
            return CompletableFuture.failedFuture(new EventLog.Unavailable("too many writes waiting for Kafka", null));
        }
        CompletableFuture<Void> written;
        try {
            written = write.get();
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
        return written.whenComplete((v, error) -> permits.release());
    }
}
