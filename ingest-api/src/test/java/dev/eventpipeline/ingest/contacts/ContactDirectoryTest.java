package dev.eventpipeline.ingest.contacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventpipeline.common.records.Contact;
import dev.eventpipeline.ingest.api.ApiException;
import dev.eventpipeline.ingest.validation.EventRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ContactDirectoryTest {

    private final ContactDirectory directory = new ContactDirectory(false, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

    private static Contact user(String ws, String id, String externalId, String email) {
        return new Contact("contact", id, ws, "user", externalId, email, null, 1);
    }

    private static EventRequest by(String userId, String id, String email) {
        return new EventRequest("e", 1, userId, id, email, null);
    }

    private String resolve(String ws, EventRequest r) {
        return directory.resolve(ws, r).contact().id();
    }

    @Test
    void an_updated_contact_is_found_by_its_new_identifiers_only() {
        directory.put(user("w", "c1", "old", "old@example.com"));
        directory.put(user("w", "c1", "new", "new@example.com"));
        assertThat(resolve("w", by("new", null, null))).isEqualTo("c1");
        assertThat(resolve("w", by(null, null, "new@example.com"))).isEqualTo("c1");
        assertThatThrownBy(() -> resolve("w", by("old", null, null))).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> resolve("w", by(null, null, "old@example.com"))).isInstanceOf(ApiException.class);
        assertThat(directory.size()).isEqualTo(1);
    }

    @Test
    void a_tombstone_splits_its_key_at_the_first_colon_and_removes_the_contact_with_its_indexes() {
        // Workspace ids hold no ':' (WorkspaceIds); a contact id produced by another system may.
        directory.put(user("org", "eu:c1", "u", "u@example.com"));
        directory.put(user("org", "c1", "v", "v@example.com"));
        assertThat(directory.delete("org:eu:c1")).isTrue();
        assertThat(directory.byId("org", "eu:c1")).isEmpty();
        assertThatThrownBy(() -> resolve("org", by("u", null, null))).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> resolve("org", by(null, null, "u@example.com"))).isInstanceOf(ApiException.class);
        assertThat(resolve("org", by("v", null, null))).as("the other contact stays").isEqualTo("c1");
        assertThat(directory.size()).isEqualTo(1);

        assertThat(directory.delete("org:eu:c1")).as("already gone").isFalse();
        assertThat(directory.delete("org")).as("no separator").isFalse();
        assertThat(directory.delete("other:c1")).as("another workspace").isFalse();
        assertThat(directory.delete("org:c1")).isTrue();
        assertThat(directory.size()).isZero();
    }

    @Test
    void an_email_becomes_unambiguous_again_when_one_of_its_users_is_deleted() {
        directory.put(user("w", "c1", "a", "x@example.com"));
        directory.put(user("w", "c2", "b", "X@Example.com"));
        directory.put(user("w", "c3", "c", "x@example.com"));
        assertThatThrownBy(() -> resolve("w", by(null, null, "x@example.com"))).hasMessageContaining("conflict");
        directory.delete("w:c1");
        directory.delete("w:c3");
        assertThat(resolve("w", by(null, null, "x@example.com"))).isEqualTo("c2");
    }

    @Test
    void two_users_with_one_external_id_from_before_derived_ids_resolve_alike_in_either_order() {
        // Legacy data: two users with one external_id (random ids, made on two instances before ids were
        // derived). Instances read the topic's partitions in different orders; they must still agree.
        Contact older = new Contact("contact", "ffff00000000000000000000", "w", "user", "dup", null, null, 100);
        Contact newer = new Contact("contact", "0000ffff0000000000000000", "w", "user", "dup", null, null, 200);
        ContactDirectory oneOrder = new ContactDirectory(false, Clock.systemUTC());
        oneOrder.put(older);
        oneOrder.put(newer);
        ContactDirectory otherOrder = new ContactDirectory(false, Clock.systemUTC());
        otherOrder.put(newer);
        otherOrder.put(older);
        assertThat(oneOrder.resolve("w", by("dup", null, null)).contact().id()).isEqualTo(older.id());
        assertThat(otherOrder.resolve("w", by("dup", null, null)).contact().id()).isEqualTo(older.id());

        // The user whose id is the derived one wins over both (it is the one every new create names).
        Contact derived = new Contact("contact", ContactIds.forExternalId("w", "dup"), "w", "user", "dup", null, null, 300);
        oneOrder.put(derived);
        otherOrder.put(derived);
        assertThat(oneOrder.resolve("w", by("dup", null, null)).contact().id()).isEqualTo(derived.id());
        assertThat(otherOrder.resolve("w", by("dup", null, null)).contact().id()).isEqualTo(derived.id());

        // Deleting one of them leaves the others reachable by the external id.
        oneOrder.delete("w:" + derived.id());
        assertThat(oneOrder.resolve("w", by("dup", null, null)).contact().id()).isEqualTo(older.id());
        oneOrder.delete("w:" + older.id());
        assertThat(oneOrder.resolve("w", by("dup", null, null)).contact().id()).isEqualTo(newer.id());
    }

    @Test
    void trust_mode_ids_depend_on_workspace_and_identifier_only() {
        ContactDirectory trust = new ContactDirectory(true, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        String a = trust.resolve("w", by("u", null, "e@example.com")).contact().id();
        String again = new ContactDirectory(true, Clock.systemUTC()).resolve("w", by("u", null, null)).contact().id();
        String otherWs = trust.resolve("w2", by("u", null, null)).contact().id();
        String byEmail = trust.resolve("w", by(null, null, "E@example.com")).contact().id();
        assertThat(a).isEqualTo(again).matches("[0-9a-f]{24}");
        assertThat(otherWs).isNotEqualTo(a);
        assertThat(byEmail).isEqualTo(ContactIds.forEmail("w", "e@example.com"));
    }

    @Test
    void reserving_an_external_id_fails_while_a_user_has_it_or_another_request_holds_it() {
        directory.put(user("w", "c1", "taken", null));
        assertThat(directory.reserveExternalId("w", "taken", "c9")).isFalse();
        assertThat(directory.reserveExternalId("w", "free", "c2")).isTrue();
        assertThat(directory.reserveExternalId("w", "free", "c3")).isFalse();
        directory.releaseExternalId("w", "free");
        assertThat(directory.reserveExternalId("w", "free", "c3")).isTrue();
    }

    @Test
    void re_applying_a_contact_never_hides_it_from_a_concurrent_lookup() throws Exception {
        // What the topic loader does while requests resolve: put the same record again and again.
        Contact frodo = user("w", "c1", "314159", "frodo@example.com");
        directory.put(frodo);
        AtomicBoolean stop = new AtomicBoolean();
        Thread reapply = new Thread(() -> {
            while (!stop.get()) {
                directory.put(new Contact("contact", "c1", "w", "user", new String("314159"), new String("frodo@example.com"), null, 1));
            }
        });
        reapply.start();
        try {
            for (int i = 0; i < 200_000; i++) {
                assertThat(resolve("w", by("314159", null, null))).isEqualTo("c1");
                assertThat(resolve("w", by(null, null, "frodo@example.com"))).isEqualTo("c1");
            }
        } finally {
            stop.set(true);
            reapply.join();
        }
    }
}
