package dev.eventpipeline.ingest.http;

import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.RawEvent;
import dev.eventpipeline.ingest.auth.ApiToken;
import dev.eventpipeline.ingest.validation.EventRequest;
import java.time.Instant;

/**
 * An admitted call: whose token it is and which {@code Intercom-Version} applies (the header's, else
 * the token's default, else the service's).
 */
record Call(ApiToken token, String intercomVersion) {

    String workspaceId() {
        return token.workspaceId();
    }

    /** The accepted request of raw-events for one validated event of this call. */
    RawEvent rawEvent(String requestId, Instant receivedAt, ContactRef contact, EventRequest r) {
        return new RawEvent(RawEvent.CURRENT_VERSION, requestId, receivedAt, token.workspaceId(), token.appId(), intercomVersion,
                contact, r.eventName(), r.createdAt(), r.metadata(), r.ignoredMetadataKeys());
    }
}
