package dev.eventpipeline.ingest.contacts;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.ingest.api.ApiException;
import dev.eventpipeline.ingest.validation.EventRequest;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local view of the compacted {@code contacts} topic, and contact resolution over it.
 *
 * <p>Filled by {@link ContactTopicLoader} (every instance's view converges on the topic) and, for
 * read-your-writes, by this instance's own acknowledged writes. In {@code trust} mode an unknown
 * {@code user_id} or email becomes a user whose id is derived from the workspace and that identifier
 * ({@link ContactIds}), so every instance creating it concurrently creates the same contact and
 * de-duplication agrees. {@code POST /contacts} derives a user's id from its {@code external_id} the same way.
 */
public final class ContactDirectory implements ContactResolver {

    private final ConcurrentHashMap<String, WorkspaceContacts> workspaces = new ConcurrentHashMap<>();
    private final boolean trustMode;
    private final Clock clock;

    public ContactDirectory(boolean trustMode, Clock clock) {
        this.trustMode = trustMode;
        this.clock = clock;
    }

    @Override
    public Resolution resolve(String workspaceId, EventRequest request) {
        // http-api.md: id, then user_id, then email (users only); the first that names a contact wins.
        Optional<Contact> found = Optional.empty();
        if (request.id() != null) {
            found = byId(workspaceId, request.id());
        }
        if (found.isEmpty() && request.userId() != null) {
            found = userByExternalId(workspaceId, request.userId());
        }
        if (found.isEmpty() && request.email() != null) {
            found = userByEmail(workspaceId, request.email());
        }
        if (found.isPresent()) {
            return new Resolution(ref(found.get()), null);
        }
        if (trustMode && (request.userId() != null || request.email() != null)) {
            Contact created = trustedUser(workspaceId, request);
            return new Resolution(ref(created), created);
        }
        throw ApiException.userNotFound();
    }

    private Contact trustedUser(String workspaceId, EventRequest request) {
        String id = request.userId() != null
                ? ContactIds.forExternalId(workspaceId, request.userId())
                : ContactIds.forEmail(workspaceId, request.email());
        return new Contact(Contact.TYPE, id, workspaceId, ContactRef.ROLE_USER, request.userId(), request.email(), null,
                clock.instant().getEpochSecond());
    }

    static ContactRef ref(Contact c) {
        return new ContactRef(c.id(), c.role(), c.externalId(), c.email());
    }

    /** The contact (a user or a lead) with this id: what an event's {@code id} and GET /events' {@code intercom_user_id} name. */
    public Optional<Contact> byId(String workspaceId, String id) {
        WorkspaceContacts ws = workspaces.get(workspaceId);
        return Optional.ofNullable(ws == null ? null : ws.byId(id));
    }

    /** The user with this {@code external_id} (what {@code user_id} names); never a lead, never created here. */
    public Optional<Contact> userByExternalId(String workspaceId, String externalId) {
        WorkspaceContacts ws = workspaces.get(workspaceId);
        return Optional.ofNullable(ws == null ? null : ws.userByExternalId(externalId));
    }

    /**
     * The one user with this email (case-insensitive); never a lead, never created here. Several users
     * with it: {@code 409} (http-api.md), because picking one would record or list another person's events.
     */
    public Optional<Contact> userByEmail(String workspaceId, String email) {
        WorkspaceContacts ws = workspaces.get(workspaceId);
        List<Contact> users = ws == null ? List.of() : ws.usersByEmail(email);
        if (users.size() > 1) {
            throw ApiException.ambiguousEmail(email);
        }
        return users.isEmpty() ? Optional.empty() : Optional.of(users.get(0));
    }

    /** Applies a record of the {@code contacts} topic, or one of our own acknowledged writes. Idempotent. */
    public void put(Contact contact) {
        workspaces.computeIfAbsent(contact.workspaceId(), k -> new WorkspaceContacts(k)).put(contact);
    }

    /**
     * Applies a tombstone of key {@code <workspace>:<contact id>}. A workspace id holds no ':'
     * ({@code WorkspaceIds}, checked wherever one is made); a contact id from another system may, so the
     * first ':' is the separator. Returns whether a contact was removed.
     */
    public boolean delete(String recordKey) {
        int colon = recordKey.indexOf(':');
        if (colon < 0) {
            return false;
        }
        WorkspaceContacts ws = workspaces.get(recordKey.substring(0, colon));
        return ws != null && ws.remove(recordKey.substring(colon + 1));
    }

    public boolean reserveExternalId(String workspaceId, String externalId, String contactId) {
        return workspaces.computeIfAbsent(workspaceId, k -> new WorkspaceContacts(k)).reserveExternalId(externalId, contactId);
    }

    public void releaseExternalId(String workspaceId, String externalId) {
        WorkspaceContacts ws = workspaces.get(workspaceId);
        if (ws != null) {
            ws.releaseExternalId(externalId);
        }
    }

    public long size() {
        return workspaces.values().stream().mapToLong(WorkspaceContacts::size).sum();
    }
}
