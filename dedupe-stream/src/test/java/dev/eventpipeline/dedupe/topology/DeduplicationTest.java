package dev.eventpipeline.dedupe.topology;

import static dev.eventpipeline.dedupe.topology.RawEvents.event;
import static dev.eventpipeline.dedupe.topology.TopologyHarness.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.common.records.CleanEvent;
import dev.eventpipeline.common.records.DuplicateEvent;
import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.common.records.RawEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeduplicationTest {

    private static final Duration W = Duration.ofDays(7);
    private static final long CREATED = 1_671_028_894L;

    private final TopologyHarness harness = new TopologyHarness(W, Duration.ofHours(24));

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void first_copy_goes_to_clean_events_with_the_deterministic_id_and_contact_key() {
        RawEvent first = event("c1", "invited-friend", CREATED, START);
        harness.send(first);

        var records = harness.clean.readRecordsToList();
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo("ws1:c1");
        CleanEvent clean = records.get(0).value();
        assertThat(clean.id()).isEqualTo(EventKeys.eventId("ws1", "c1", "invited-friend", CREATED)).matches("ev_[0-9a-f]{32}");
        assertThat(clean.requestId()).isEqualTo(first.requestId());
        assertThat(clean.receivedAt()).isEqualTo(START);
        assertThat(clean.contact()).isEqualTo(first.contact());
        assertThat(clean.intercomVersion()).isEqualTo("2.10");
        assertThat(harness.duplicates.isEmpty()).isTrue();
    }

    @Test
    void copy_received_one_second_inside_the_window_is_a_duplicate_pointing_at_the_first_request() {
        RawEvent first = event("c1", "e", CREATED, START);
        RawEvent copy = event("c1", "e", CREATED, START.plus(W).minusSeconds(1));
        harness.send(first);
        harness.send(copy);

        assertThat(harness.clean.readValuesToList()).extracting(CleanEvent::requestId).containsExactly(first.requestId());
        var dups = harness.duplicates.readRecordsToList();
        assertThat(dups).hasSize(1);
        assertThat(dups.get(0).key()).isEqualTo("ws1:c1");
        assertThat(dups.get(0).value()).isEqualTo(new DuplicateEvent(EventKeys.eventId(first), copy.requestId(),
                copy.receivedAt(), first.requestId()));
    }

    @Test
    void copy_received_one_second_after_the_window_is_a_new_clean_event() {
        RawEvent first = event("c1", "e", CREATED, START);
        RawEvent late = event("c1", "e", CREATED, START.plus(W).plusSeconds(1));
        harness.send(first);
        harness.send(late);

        assertThat(harness.clean.readValuesToList()).extracting(CleanEvent::requestId)
                .containsExactly(first.requestId(), late.requestId());
        assertThat(harness.duplicates.isEmpty()).isTrue();
    }

    @Test
    void copy_received_exactly_one_window_later_is_new_because_duplicates_need_less_than_w() {
        harness.send(event("c1", "e", CREATED, START));
        harness.send(event("c1", "e", CREATED, START.plus(W)));

        assertThat(harness.clean.readValuesToList()).hasSize(2);
        assertThat(harness.duplicates.isEmpty()).isTrue();
    }

    @Test
    void every_copy_refreshes_the_window() {
        // Each copy arrives W - 1 s after the previous one: all are duplicates of the first, although
        // the last is almost 3 W after the first.
        RawEvent first = event("c1", "e", CREATED, START);
        harness.send(first);
        Instant at = START;
        for (int i = 0; i < 3; i++) {
            at = at.plus(W).minusSeconds(1);
            harness.send(event("c1", "e", CREATED, at));
        }
        // W + 1 s after the last copy: the window has closed.
        RawEvent after = event("c1", "e", CREATED, at.plus(W).plusSeconds(1));
        harness.send(after);

        assertThat(harness.duplicates.readValuesToList()).hasSize(3)
                .allSatisfy(d -> assertThat(d.firstRequestId()).isEqualTo(first.requestId()));
        assertThat(harness.clean.readValuesToList()).extracting(CleanEvent::requestId)
                .containsExactly(first.requestId(), after.requestId());
    }

    @Test
    void events_differing_in_contact_name_or_created_at_are_not_copies() {
        harness.send(event("c1", "e", CREATED, START));
        harness.send(event("c2", "e", CREATED, START.plusSeconds(1)));
        harness.send(event("c1", "f", CREATED, START.plusSeconds(2)));
        harness.send(event("c1", "e", CREATED + 1, START.plusSeconds(3)));

        assertThat(harness.clean.readValuesToList()).extracting(CleanEvent::id).doesNotHaveDuplicates().hasSize(4);
        assertThat(harness.duplicates.isEmpty()).isTrue();
    }

    @Test
    void far_future_and_far_past_created_at_leave_the_window_alone() {
        // created_at of year 2200 and of 1970 must neither expire state nor widen the window: time is receive time.
        long farFuture = Instant.parse("2200-01-01T00:00:00Z").getEpochSecond();
        RawEvent a = event("c1", "e", CREATED, START);
        harness.send(a);
        harness.send(event("c1", "future", farFuture, START.plusSeconds(1)));
        harness.send(event("c1", "past", 0, START.plusSeconds(2)));
        harness.send(event("c1", "e", CREATED, START.plus(W).minusSeconds(1)));
        harness.send(event("c1", "future", farFuture, START.plus(W).minusSeconds(1)));
        harness.send(event("c1", "past", 0, START.plus(W).plusSeconds(2)));

        assertThat(harness.clean.readValuesToList()).extracting(CleanEvent::eventName)
                .containsExactly("e", "future", "past", "past");
        assertThat(harness.duplicates.readValuesToList()).hasSize(2);
    }

    @Test
    void a_copy_arriving_out_of_order_is_still_a_duplicate() {
        RawEvent newer = event("c1", "e", CREATED, START.plusSeconds(60));
        RawEvent older = event("c1", "e", CREATED, START);
        harness.send(newer);
        harness.send(older);

        assertThat(harness.clean.readValuesToList()).extracting(CleanEvent::requestId).containsExactly(newer.requestId());
        assertThat(harness.duplicates.readValuesToList()).extracting(DuplicateEvent::firstRequestId)
                .containsExactly(newer.requestId());
    }

    @Test
    void a_copy_arriving_out_of_order_across_a_bucket_boundary_is_still_a_duplicate() {
        // Two API instances with clocks 2 s apart: the copy stamped earlier is processed second, and the
        // store's W-wide bucket boundary lies between the two stamps. The earlier copy must look forward too.
        long w = W.toMillis();
        Instant boundary = Instant.ofEpochMilli((START.toEpochMilli() / w + 1) * w);
        RawEvent newer = event("c1", "e", CREATED, boundary.plusSeconds(1));
        RawEvent older = event("c1", "e", CREATED, boundary.minusSeconds(1));
        harness.send(newer);
        harness.send(older);

        assertThat(harness.clean.readValuesToList()).extracting(CleanEvent::requestId).containsExactly(newer.requestId());
        assertThat(harness.duplicates.readValuesToList()).extracting(DuplicateEvent::firstRequestId)
                .containsExactly(newer.requestId());
    }

    @Test
    void copies_far_behind_stream_time_are_still_deduplicated_among_themselves() {
        // The common recipe puts a record older than the store's retention nowhere (silently), so each of
        // its later copies passes as new. Here the late pair is treated as received W behind stream time.
        harness.send(event("c9", "other", CREATED, START.plus(W.multipliedBy(10))));
        RawEvent late = event("c1", "e", CREATED, START);
        harness.send(late);
        harness.send(event("c1", "e", CREATED, START.plusSeconds(1)));

        assertThat(harness.clean.readValuesToList()).extracting(CleanEvent::eventName).containsExactly("other", "e");
        assertThat(harness.duplicates.readValuesToList()).extracting(DuplicateEvent::firstRequestId)
                .containsExactly(late.requestId());
    }

    @Test
    void many_distinct_events_and_copies_split_into_first_copies_and_duplicates() {
        // Oracle from the input: every (contact, created_at) pair once in clean, every other copy a duplicate.
        List<String> contacts = List.of("a", "b", "c", "d");
        int copies = 3;
        int sent = 0;
        for (int round = 0; round < copies; round++) {
            for (String c : contacts) {
                for (long created = 0; created < 25; created++) {
                    harness.send(event(c, "e", CREATED + created, START.plusSeconds(round * 3600L + created)));
                    sent++;
                }
            }
        }
        int distinct = contacts.size() * 25;
        assertThat(harness.clean.readValuesToList()).extracting(CleanEvent::id).doesNotHaveDuplicates().hasSize(distinct);
        assertThat(harness.duplicates.readValuesToList()).hasSize(sent - distinct);
        assertThat(harness.metrics.count("dedupe.events.duplicates")).isEqualTo(sent - distinct);
    }
}
