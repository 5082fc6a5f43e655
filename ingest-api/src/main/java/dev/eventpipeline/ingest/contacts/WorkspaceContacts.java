package dev.eventpipeline.ingest.contacts;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.common.records.ContactRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The contacts of one workspace and the two indexes resolution needs. Per-workspace maps keep keys
 * short (no {@code workspace:} prefix on every entry), which is most of the view's memory.
 *
 * <p>Both indexes map an identifier to one user id, or to a {@code String[]} when several users share
 * it; leads are never in them (http-api.md: user_id and email match users only). Several users sharing
 * an email is the 409 case. Several users sharing an {@code external_id} cannot be created any more (a
 * user's id is derived from it, {@link ContactIds}), but a workspace may hold such pairs from before that
 * rule, or from another system producing to the topic: then {@link #userByExternalId} picks one
 * canonically — the user whose id is the derived one, else the oldest, then the smallest id — so every
 * instance resolves that user's events to the same contact whatever order it read the topic in.
 */
final class WorkspaceContacts {

    private final String workspaceId;
    private final ConcurrentHashMap<String, Contact> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> userIdsByExternalId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> userIdsByEmail = new ConcurrentHashMap<>();
    /** external ids being created on this instance and not yet acknowledged by Kafka. */
    private final ConcurrentHashMap<String, String> reservedExternalIds = new ConcurrentHashMap<>();

    WorkspaceContacts(String workspaceId) {
        this.workspaceId = workspaceId;
    }

    Contact byId(String id) {
        return byId.get(id);
    }

    Contact userByExternalId(String externalId) {
        Object ids = userIdsByExternalId.get(externalId);
        if (ids instanceof String id) {
            return byId.get(id);
        }
        if (ids == null) {
            return null;
        }
        String derived = ContactIds.forExternalId(workspaceId, externalId);
        Contact canonical = null;
        for (String id : (String[]) ids) {
            Contact c = byId.get(id);
            if (c == null) {
                continue;
            }
            if (c.id().equals(derived)) {
                return c;
            }
            if (canonical == null || c.createdAt() < canonical.createdAt()
                    || c.createdAt() == canonical.createdAt() && c.id().compareTo(canonical.id()) < 0) {
                canonical = c;
            }
        }
        return canonical;
    }

    List<Contact> usersByEmail(String email) {
        Object ids = userIdsByEmail.get(normaliseEmail(email));
        if (ids == null) {
            return List.of();
        }
        if (ids instanceof String id) {
            Contact c = byId.get(id);
            return c == null ? List.of() : List.of(c);
        }
        List<Contact> out = new ArrayList<>();
        for (String id : (String[]) ids) {
            Contact c = byId.get(id);
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    int size() {
        return byId.size();
    }

    /** Replaces (or adds) a contact; the indexes follow. Synchronized: a contact's three entries change together. */
    synchronized void put(Contact given) {
        Contact contact = compact(given);
        Contact old = byId.put(contact.id(), contact);
        // Readers do not lock: index the new identifiers before dropping the old ones, and drop only
        // those that changed, so a lookup racing a re-applied record never finds a gap (a false 404).
        index(contact);
        if (old != null) {
            unindexChanged(old, contact);
        }
    }

    private void unindexChanged(Contact old, Contact now) {
        if (!ContactRef.ROLE_USER.equals(old.role())) {
            return;
        }
        boolean stillUser = ContactRef.ROLE_USER.equals(now.role());
        if (old.externalId() != null && !(stillUser && old.externalId().equals(now.externalId()))) {
            userIdsByExternalId.computeIfPresent(old.externalId(), (k, v) -> removeId(v, old.id()));
        }
        if (old.email() != null && !(stillUser && now.email() != null
                && normaliseEmail(old.email()).equals(normaliseEmail(now.email())))) {
            userIdsByEmail.computeIfPresent(normaliseEmail(old.email()), (k, v) -> removeId(v, old.id()));
        }
    }

    synchronized boolean remove(String id) {
        Contact old = byId.remove(id);
        if (old != null) {
            unindex(old);
            return true;
        }
        return false;
    }

    /**
     * Claims {@code externalId} for a contact being created here; false when a user already has it or
     * another request is creating one with it (the 409 of POST /contacts).
     */
    synchronized boolean reserveExternalId(String externalId, String contactId) {
        if (userIdsByExternalId.containsKey(externalId)) {
            return false;
        }
        return reservedExternalIds.putIfAbsent(externalId, contactId) == null;
    }

    void releaseExternalId(String externalId) {
        reservedExternalIds.remove(externalId);
    }

    /**
     * The contact with the strings every contact repeats (type, role, workspace) shared: read from the
     * topic, each record carries its own copies, which at a million contacts would cost ~100 MB.
     */
    private Contact compact(Contact c) {
        String role = ContactRef.ROLE_USER.equals(c.role()) ? ContactRef.ROLE_USER
                : ContactRef.ROLE_LEAD.equals(c.role()) ? ContactRef.ROLE_LEAD : c.role();
        if (c.type() == Contact.TYPE && role == c.role() && c.workspaceId() == workspaceId) {
            return c;
        }
        return new Contact(Contact.TYPE, c.id(), workspaceId, role, c.externalId(), c.email(), c.name(), c.createdAt());
    }

    private void index(Contact c) {
        if (!ContactRef.ROLE_USER.equals(c.role())) {
            return;
        }
        if (c.externalId() != null) {
            userIdsByExternalId.merge(c.externalId(), c.id(), WorkspaceContacts::addId);
        }
        if (c.email() != null) {
            userIdsByEmail.merge(normaliseEmail(c.email()), c.id(), WorkspaceContacts::addId);
        }
    }

    private void unindex(Contact c) {
        if (!ContactRef.ROLE_USER.equals(c.role())) {
            return;
        }
        if (c.externalId() != null) {
            userIdsByExternalId.computeIfPresent(c.externalId(), (k, v) -> removeId(v, c.id()));
        }
        if (c.email() != null) {
            userIdsByEmail.computeIfPresent(normaliseEmail(c.email()), (k, v) -> removeId(v, c.id()));
        }
    }

    private static Object addId(Object existing, Object added) {
        String id = (String) added;
        if (existing instanceof String one) {
            return one.equals(id) ? one : new String[] {one, id};
        }
        String[] many = (String[]) existing;
        if (Arrays.asList(many).contains(id)) {
            return many;
        }
        String[] more = Arrays.copyOf(many, many.length + 1);
        more[many.length] = id;
        return more;
    }

    private static Object removeId(Object existing, String id) {
        if (existing instanceof String one) {
            return one.equals(id) ? null : one;
        }
        String[] rest = Arrays.stream((String[]) existing).filter(x -> !x.equals(id)).toArray(String[]::new);
        return rest.length == 0 ? null : rest.length == 1 ? rest[0] : rest;
    }

    /** Emails match case-insensitively (the domain part is case-insensitive and clients mix case in practice). */
    static String normaliseEmail(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }
}
