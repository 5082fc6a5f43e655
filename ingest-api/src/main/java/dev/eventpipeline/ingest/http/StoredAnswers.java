package dev.eventpipeline.ingest.http;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.ingest.api.ApiException;
import dev.eventpipeline.ingest.contacts.ContactDirectory;
import dev.eventpipeline.ingest.publish.EventLog;
import io.javalin.http.Context;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a write is answered: only once Kafka has acknowledged it (http-api.md: a 2xx means the record is
 * in Kafka), through {@code ctx.future}, so no Jetty thread waits for the acknowledgement. A write Kafka
 * could not take in bounded time is a 503 with {@code Retry-After}; anything else a bare 500.
 */
final class StoredAnswers {

    private static final Logger LOG = LoggerFactory.getLogger(StoredAnswers.class);

    private final EventLog log;
    private final ContactDirectory contacts;

    StoredAnswers(EventLog log, ContactDirectory contacts) {
        this.log = log;
        this.contacts = contacts;
    }

    /** Answers with {@code success} once {@code stored} completes, or with the error it failed with. */
    void whenStored(Context ctx, CompletableFuture<Void> stored, Runnable success) {
        ctx.future(() -> stored.handle((v, error) -> {
            if (error == null) {
                success.run();
                return null;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof EventLog.Unavailable) {
                ErrorResponses.write(ctx, ApiException.unavailable(1));
            } else {
                LOG.error("write failed unexpectedly (request {})", RequestIds.of(ctx), cause);
                ErrorResponses.write(ctx, ApiException.serverError());
            }
            return null;
        }));
    }

    /**
     * Trust-mode contacts made by this request: stored before the events that name them (so no event
     * in Kafka names a contact the topic lacks), then visible to this instance's next requests.
     */
    CompletableFuture<Void> publishCreated(List<Contact> created) {
        if (created.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(created.stream()
                .map(c -> log.appendContact(c).thenRun(() -> contacts.put(c)))
                .toArray(CompletableFuture[]::new));
    }
}
