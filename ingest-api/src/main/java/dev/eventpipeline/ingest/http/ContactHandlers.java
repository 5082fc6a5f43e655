package dev.eventpipeline.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.ingest.api.ApiException;
import dev.eventpipeline.ingest.auth.ApiToken;
import dev.eventpipeline.ingest.contacts.ContactDirectory;
import dev.eventpipeline.ingest.contacts.ContactIds;
import dev.eventpipeline.ingest.publish.EventLog;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /contacts} and {@code GET /contacts/{id}}: the subset of Intercom's contacts API the events need.
 *
 * <p>{@code 409} for a user whose {@code external_id} this instance already knows. Across instances the
 * guarantee is one contact per {@code external_id}, not one {@code 200}: two creates racing on two
 * instances may both answer {@code 200}, with the same id; the topic keeps the later record's fields.
 */
final class ContactHandlers {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Admission admission;
    private final int bodyLimit;
    private final ContactDirectory contacts;
    private final EventLog log;
    private final StoredAnswers answers;
    private final Clock clock;

    ContactHandlers(Admission admission, int bodyLimit, ContactDirectory contacts, EventLog log, StoredAnswers answers, Clock clock) {
        this.admission = admission;
        this.bodyLimit = bodyLimit;
        this.contacts = contacts;
        this.log = log;
        this.answers = answers;
        this.clock = clock;
    }

    /** {@code POST /contacts}: {@code 200} with the contact once Kafka has it; a taken {@code external_id} is {@code 409}. */
    void create(Context ctx) {
        Call call = admission.admit(ctx, ApiToken.WRITE);
        JsonNode body = RequestBodies.readJson(ctx, bodyLimit);
        String role = RequestBodies.optionalString(body, "role");
        if (role == null) {
            role = ContactRef.ROLE_USER;
        } else if (!role.equals(ContactRef.ROLE_USER) && !role.equals(ContactRef.ROLE_LEAD)) {
            throw ApiException.invalidParameter("role", "role must be 'user' or 'lead'");
        }
        String externalId = RequestBodies.optionalString(body, "external_id");
        String email = RequestBodies.optionalString(body, "email");
        String name = RequestBodies.optionalString(body, "name");
        if (role.equals(ContactRef.ROLE_USER) && externalId == null && email == null) {
            throw ApiException.notFoundParameter(null, "A user needs external_id or email");
        }
        String workspace = call.workspaceId();
        boolean reserved = role.equals(ContactRef.ROLE_USER) && externalId != null;
        // A user's id is derived from its external_id: two instances creating the same user at the same
        // moment (neither has read the other's record yet) both write one key of the compacted topic, so
        // the workspace ends with one contact, and both answers name it. Everything else has a random id.
        String id = reserved ? ContactIds.forExternalId(workspace, externalId) : HexFormat.of().formatHex(randomBytes(12));
        // On this instance the view (and the reservation of a create still waiting for Kafka) answer 409 at once.
        if (reserved && !contacts.reserveExternalId(workspace, externalId, id)) {
            throw ApiException.conflict("A contact matching those details already exists with external_id " + externalId);
        }
        Contact contact = new Contact(Contact.TYPE, id, workspace, role, externalId, email, name, clock.instant().getEpochSecond());
        CompletableFuture<Void> appended;
        try {
            appended = log.appendContact(contact);
        } catch (RuntimeException e) {
            // The log threw instead of failing its future (a bare 500 follows): a reservation left behind
            // would answer 409 for this external_id on this instance until it restarts.
            if (reserved) {
                contacts.releaseExternalId(workspace, externalId);
            }
            throw e;
        }
        CompletableFuture<Void> stored = appended.whenComplete((v, e) -> {
            if (e == null) {
                contacts.put(contact); // read-your-writes: usable by the next request on this instance
            }
            if (reserved) {
                contacts.releaseExternalId(workspace, externalId);
            }
        });
        answers.whenStored(ctx, stored, () -> ctx.status(200).contentType("application/json").result(Json.toBytes(contact)));
    }

    /** {@code GET /contacts/{id}}: the contact of this token's workspace, or {@code 404}. */
    void get(Context ctx) {
        Call call = admission.admit(ctx, ApiToken.READ);
        Contact contact = contacts.byId(call.workspaceId(), ctx.pathParam("id")).orElseThrow(ApiException::userNotFound);
        ctx.status(200).contentType("application/json").result(Json.toBytes(contact));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
