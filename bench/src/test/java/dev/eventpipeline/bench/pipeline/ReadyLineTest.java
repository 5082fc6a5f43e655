package dev.eventpipeline.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReadyLineTest {

    @Test
    void names_the_api_the_broker_and_the_database() {
        String line = "READY ingest=http://127.0.0.1:41411 kafka=127.0.0.1:44721 sink=jdbc:sqlite:/tmp/bx/data/events.db"
                + " workspace=dev token=(as given by --dev-token)";

        ReadyLine ready = ReadyLine.parse(line);

        assertThat(ReadyLine.isReadyLine(line)).isTrue();
        assertThat(ready).isEqualTo(new ReadyLine("http://127.0.0.1:41411", "127.0.0.1:44721", "jdbc:sqlite:/tmp/bx/data/events.db"));
    }

    @Test
    void rejects_a_line_that_does_not_name_all_three() {
        assertThat(ReadyLine.isReadyLine("2026-12-01 INFO starting")).isFalse();
        assertThatThrownBy(() -> ReadyLine.parse("READY ingest=http://127.0.0.1:1 kafka=127.0.0.1:2")).hasMessageContaining("sink=");
    }
}
