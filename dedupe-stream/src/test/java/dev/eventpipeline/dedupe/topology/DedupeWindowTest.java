package dev.eventpipeline.dedupe.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DedupeWindowTest {

    @ParameterizedTest
    @ValueSource(strings = {"3f0c2b1e-9a7d-4c1b-8e2f-0123456789ab", "3F0C2B1E-9A7D-4C1B-8E2F-0123456789AB", "req-1", "",
            "d\u00e9j\u00e0-vu", "3f0c2b1e-9a7d-4c1b-8e2f-0123456789a", "3f0c2b1e9a7d4c1b8e2f0123456789abcdef"})
    void an_entry_gives_back_the_exact_request_id_it_stored(String requestId) {
        byte[] entry = DedupeWindow.entry(1_700_000_000_123L, requestId);
        assertThat(DedupeWindow.firstRequestId(entry)).isEqualTo(requestId);
        assertThat(java.nio.ByteBuffer.wrap(entry).getLong()).isEqualTo(1_700_000_000_123L);
    }

    @org.junit.jupiter.api.Test
    void a_uuid_request_id_takes_sixteen_bytes() {
        UUID id = UUID.randomUUID();
        java.nio.ByteBuffer entry = java.nio.ByteBuffer.wrap(DedupeWindow.entry(0, id.toString()));
        assertThat(entry.remaining()).isEqualTo(8 + 1 + 16);
        entry.position(8 + 1);
        assertThat(new UUID(entry.getLong(), entry.getLong())).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"3F0C2B1E-9A7D-4C1B-8E2F-0123456789AB", "3f0c2b1e-9a7d-4c1b-8e2f-0123456789a", "3f0c2b1e_9a7d-4c1b-8e2f-0123456789ab",
            "3f0c2b1e-9a7d-4c1b-8e2f-0123456789ag", "3f0c2b1e9a7d4c1b8e2f0123456789abcdef", "+f0c2b1e-9a7d-4c1b-8e2f-0123456789ab"})
    void only_the_exact_text_of_uuid_to_string_counts_as_a_uuid(String almost) {
        assertThat(DedupeWindow.isCanonicalUuid(almost)).isFalse();
        assertThat(DedupeWindow.isCanonicalUuid(UUID.randomUUID().toString())).isTrue();
    }
}
