package dev.eventpipeline.ingest.contacts;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.ingest.api.ApiException;
import dev.eventpipeline.ingest.validation.EventRequest;

/** Turns the identifiers of an event into the contact it is recorded against (http-api.md, "Contact resolution"). */
public interface ContactResolver {

    /**
     * The contact, or an {@link ApiException} ({@code 404 User Not Found}, {@code 409} for an
     * ambiguous email). {@code created} is non-null when trust mode made a new contact that must be
     * published before the event is acknowledged.
     */
    Resolution resolve(String workspaceId, EventRequest request);

    record Resolution(ContactRef contact, Contact created) {}
}
