package dev.eventpipeline.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiClientTest {

    @Test
    void reads_a_counter_from_prometheus_text_and_sums_its_label_sets() {
        String exposition = """
                # HELP ingest_events_accepted_total events acknowledged by Kafka and answered 2xx (bulk items included)
                # TYPE ingest_events_accepted_total counter
                ingest_events_accepted_total 1.234567E7
                ingest_events_accepted_totally_different 5.0
                ingest_requests_total{method="POST",route="/events",status="202"} 10.0
                ingest_requests_total{method="POST",route="/events",status="503"} 2.0
                """;

        assertThat(ApiClient.prometheusValue(exposition, "ingest_events_accepted_total")).isEqualTo(12_345_670);
        assertThat(ApiClient.prometheusValue(exposition, "ingest_requests_total")).isEqualTo(12);
    }

    @Test
    void says_which_metric_is_missing() {
        assertThatThrownBy(() -> ApiClient.prometheusValue("jvm_threads_live 3\n", ApiClient.ACCEPTED_COUNTER))
                .hasMessageContaining(ApiClient.ACCEPTED_COUNTER);
    }
}
