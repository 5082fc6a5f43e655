package dev.eventpipeline.ingest.publish;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.RawEvent;
import java.util.concurrent.CompletableFuture;

/**
 * Where accepted requests go: {@code raw-events} and {@code contacts}. A returned future completes
 * only when the record is stored ({@code acks=all}); it fails with {@link Unavailable} when the log
 * cannot take the record in bounded time. Production code uses {@link KafkaEventLog}; HTTP unit tests
 * use an in-memory one.
 */
public interface EventLog extends AutoCloseable {

    CompletableFuture<Void> appendEvent(RawEvent event);

    CompletableFuture<Void> appendContact(Contact contact);

    /** Whether the log answered recently (what {@code /readyz} reports together with the contact view). */
    boolean isReachable();

    @Override
    void close();

    /** The record was not stored: Kafka timed out, is unreachable, or too many writes are waiting. */
    final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
