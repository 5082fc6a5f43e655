package dev.eventpipeline.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.ingest.api.ApiException;
import dev.eventpipeline.ingest.auth.ApiToken;
import dev.eventpipeline.ingest.contacts.ContactResolver;
import dev.eventpipeline.ingest.contacts.ContactResolver.Resolution;
import dev.eventpipeline.ingest.publish.EventLog;
import dev.eventpipeline.ingest.validation.EventValidator;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code POST /events}: one event, {@code 202} with an empty body once Kafka has it (a duplicate too). */
final class PostEventHandler implements Handler {

    private final Admission admission;
    private final int bodyLimit;
    private final ContactResolver contacts;
    private final EventLog log;
    private final StoredAnswers answers;
    private final Clock clock;
    private final Counter accepted;

    PostEventHandler(Admission admission, int bodyLimit, ContactResolver contacts, EventLog log, StoredAnswers answers,
                     Clock clock, Counter accepted) {
        this.admission = admission;
        this.bodyLimit = bodyLimit;
        this.contacts = contacts;
        this.log = log;
        this.answers = answers;
        this.clock = clock;
        this.accepted = accepted;
    }

    @Override
    public void handle(Context ctx) {
        Call call = admission.admit(ctx, ApiToken.WRITE);
        JsonNode body = RequestBodies.readJson(ctx, bodyLimit);
        EventValidator.Result result = EventValidator.validate(body, clock.instant());
        if (!result.valid()) {
            throw new ApiException(400, result.errors(), Map.of());
        }
        Resolution resolution = contacts.resolve(call.workspaceId(), result.request());
        RawEvent event = call.rawEvent(RequestIds.of(ctx), Instant.ofEpochMilli(clock.millis()), resolution.contact(), result.request());
        CompletableFuture<Void> stored = answers.publishCreated(resolution.created() == null ? List.of() : List.of(resolution.created()))
                .thenCompose(v -> log.appendEvent(event));
        answers.whenStored(ctx, stored, () -> {
            accepted.increment();
            ctx.status(202);
        });
    }
}
