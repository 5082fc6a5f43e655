package dev.eventpipeline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventpipeline.common.records.EventKeys;
import dev.eventpipeline.store.Cursor.MalformedCursorException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CursorTest {

    private static final Cursor SAMPLE = new Cursor(1_671_028_894L, EventKeys.eventId("w", "c", "invited-friend", 1_671_028_894L));

    @Test
    void decodes_what_it_encodes_for_any_created_at_and_id() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            long createdAt = switch (i) {
                case 0 -> Long.MIN_VALUE;
                case 1 -> Long.MAX_VALUE;
                case 2 -> 0;
                default -> random.nextLong();
            };
            Cursor cursor = new Cursor(createdAt, EventKeys.eventId("w" + random.nextInt(), "c", "e", createdAt));
            String text = cursor.encode();
            assertThat(text).as("seed %d", seed).matches("[A-Za-z0-9_-]{" + Cursor.ENCODED_LENGTH + "}");
            assertThat(Cursor.decode(text)).as("seed %d", seed).isEqualTo(cursor);
        }
    }

    /** The wire format of docs/event-store.md, computed outside Java: version 1, created_at big-endian, the id's bytes. */
    @Test
    void encodes_the_documented_bytes() {
        assertThat(SAMPLE.eventId()).isEqualTo("ev_951b5a63778fc8b603ad073ebc2b6824");
        assertThat(SAMPLE.encode()).isEqualTo("AQAAAABjmeCelRtaY3ePyLYDrQc-vCtoJA");
    }

    @Test
    void is_opaque_and_url_safe() {
        String text = SAMPLE.encode();
        assertThat(text).hasSize(34).matches("[A-Za-z0-9_-]+").doesNotContain(SAMPLE.eventId()).doesNotContain("1671028894");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "abc", "0000000000000000000000000000000000000", "1671028894"})
    void refuses_text_of_another_length(String text) {
        assertThatThrownBy(() -> Cursor.decode(text)).isInstanceOf(MalformedCursorException.class)
                .hasMessageContaining("34 characters");
    }

    @Test
    void refuses_null() {
        assertThatThrownBy(() -> Cursor.decode(null)).isInstanceOf(MalformedCursorException.class);
    }

    @Test
    void refuses_characters_outside_base64url_and_padding() {
        String text = SAMPLE.encode();
        for (String bad : new String[] {"+", "/", "=", "%", ".", "é", " "}) {
            String altered = bad + text.substring(1);
            assertThatThrownBy(() -> Cursor.decode(altered)).as(altered).isInstanceOf(MalformedCursorException.class);
        }
        // The same bytes in standard base64, where they need '+' or '/': not URL-safe, refused.
        byte[] bytes = new byte[25];
        java.util.Arrays.fill(bytes, (byte) 0xfb);
        bytes[0] = Cursor.VERSION;
        String standard = Base64.getEncoder().withoutPadding().encodeToString(bytes);
        assertThat(standard).containsAnyOf("+", "/");
        assertThatThrownBy(() -> Cursor.decode(standard)).isInstanceOf(MalformedCursorException.class);
    }

    @Test
    void refuses_another_version() {
        byte[] bytes = Base64.getUrlDecoder().decode(SAMPLE.encode());
        bytes[0] = 2;
        String other = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        assertThatThrownBy(() -> Cursor.decode(other)).isInstanceOf(MalformedCursorException.class)
                .hasMessageContaining("not a cursor of this server");
    }

    @Test
    void refuses_a_last_character_whose_unused_bits_are_set() {
        String text = SAMPLE.encode();
        // 25 bytes fill 200 of the 204 bits of 34 characters: the last character carries 4 unused bits.
        char last = text.charAt(text.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int sextet = alphabet.indexOf(last);
        String altered = text.substring(0, text.length() - 1) + alphabet.charAt(sextet | 0b0001);
        assertThat(altered).isNotEqualTo(text);
        assertThat(Base64.getUrlDecoder().decode(altered)).isEqualTo(Base64.getUrlDecoder().decode(text));
        assertThatThrownBy(() -> Cursor.decode(altered)).isInstanceOf(MalformedCursorException.class);
    }

    @Test
    void refuses_random_text_of_the_right_length() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int refused = 0;
        for (int i = 0; i < 1_000; i++) {
            byte[] junk = new byte[Cursor.ENCODED_LENGTH];
            for (int k = 0; k < junk.length; k++) {
                junk[k] = (byte) (33 + random.nextInt(94));
            }
            String text = new String(junk, StandardCharsets.US_ASCII);
            try {
                Cursor decoded = Cursor.decode(text);
                // The rare junk that decodes is a cursor in every respect: it encodes back to itself.
                assertThat(decoded.encode()).as("seed %d", seed).isEqualTo(text);
            } catch (MalformedCursorException e) {
                refused++;
            }
        }
        assertThat(refused).as("seed %d", seed).isGreaterThan(990);
    }

    @Test
    void holds_only_ids_of_the_store() {
        assertThatThrownBy(() -> new Cursor(1, "ev_short")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Cursor(1, "ev_" + "A".repeat(32))).isInstanceOf(IllegalArgumentException.class);
    }
}
