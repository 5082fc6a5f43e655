package dev.eventpipeline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The parts of the reads that need no database: the window's edge and metadata as sent. */
class EventQueriesTest {

    @Test
    void the_window_starts_exactly_90_days_before_now_rounded_up_to_a_second() {
        Instant now = Instant.parse("2026-12-01T12:00:00Z");
        long ninetyDays = 90L * 86_400;
        assertThat(EventQueries.oldestListed(now)).isEqualTo(now.getEpochSecond() - ninetyDays);
        // Half a second later, the event of exactly that second is 90 days and half a second old: out.
        assertThat(EventQueries.oldestListed(now.plusMillis(500))).isEqualTo(now.getEpochSecond() - ninetyDays + 1);
    }

    @Test
    void metadata_as_sent_is_each_value_in_stored_order_with_numbers_in_their_digits() {
        String typed = "{\"zeta\":{\"type\":\"string\",\"value\":\"caf\\u00e9 \\\"q\\\"\"},"
                + "\"load\":{\"type\":\"number\",\"value\":3.670},"
                + "\"huge\":{\"type\":\"number\",\"value\":1e400},"
                + "\"big\":{\"type\":\"number\",\"value\":123456789012345678901234567890},"
                + "\"order_date\":{\"type\":\"date\",\"value\":1392036272},"
                + "\"order\":{\"type\":\"rich_link\",\"value\":{\"url\":\"https://example.org/o/1\",\"value\":\"the dude\"}},"
                + "\"price\":{\"value\":{\"amount\":34999,\"currency\":\"eur\"},\"type\":\"monetary_amount\"}}";
        assertThat(EventQueries.metadataAsSent("ev_x", typed)).isEqualTo("{\"zeta\":\"café \\\"q\\\"\",\"load\":3.670,"
                + "\"huge\":1e400,\"big\":123456789012345678901234567890,\"order_date\":1392036272,"
                + "\"order\":{\"url\":\"https://example.org/o/1\",\"value\":\"the dude\"},"
                + "\"price\":{\"amount\":34999,\"currency\":\"eur\"}}");
        assertThat(EventQueries.metadataAsSent("ev_x", "{}")).isEqualTo("{}");
    }

    @Test
    void damaged_metadata_is_an_error_naming_the_event_not_an_outage() {
        for (String damaged : new String[] {"[]", "{\"k\":\"v\"}", "{\"k\":{\"type\":\"string\"}}", "{\"k\":{\"value\":1}", "{} {}", "not json"}) {
            assertThatThrownBy(() -> EventQueries.metadataAsSent("ev_damaged", damaged)).as(damaged)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("ev_damaged");
        }
    }
}
