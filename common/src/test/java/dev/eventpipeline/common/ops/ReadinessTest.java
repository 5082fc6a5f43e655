package dev.eventpipeline.common.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadinessTest {

    @Test
    void is_ready_only_when_every_part_is_and_names_the_parts_that_are_not() {
        AtomicBoolean stream = new AtomicBoolean(false);
        AtomicBoolean sink = new AtomicBoolean(false);
        Readiness others = new Readiness().with("dedupe-stream", stream::get).with("event-sink", sink::get);
        Readiness all = new Readiness().with("contact directory", () -> true).with(others);

        assertThat(all.getAsBoolean()).isFalse();
        assertThat(Readiness.check(all).describe()).isEqualTo("not ready: dedupe-stream, event-sink");
        stream.set(true);
        assertThat(all.notReady()).containsExactly("event-sink");
        sink.set(true);
        assertThat(all.getAsBoolean()).isTrue();
        assertThat(Readiness.check(all).describe()).isEqualTo("ready");
    }

    @Test
    void a_plain_check_is_ready_or_not_without_parts() {
        assertThat(Readiness.check(() -> false).describe()).isEqualTo("not ready");
        assertThat(Readiness.check(() -> true).ready()).isTrue();
    }
}
