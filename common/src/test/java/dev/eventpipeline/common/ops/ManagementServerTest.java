package dev.eventpipeline.common.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ManagementServerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void readyz_follows_the_readiness_check_and_metrics_show_registered_meters() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("events.processed").increment(3);
        AtomicBoolean ready = new AtomicBoolean(false);
        try (ManagementServer server = ManagementServer.start("127.0.0.1", 0, registry, ready::get)) {
            String base = "http://127.0.0.1:" + server.port();
            assertThat(get(base + "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(base + "/readyz").statusCode()).isEqualTo(503);
            ready.set(true);
            assertThat(get(base + "/readyz").statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = get(base + "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("events_processed_total 3.0");
        }
    }

    @Test
    void readyz_names_the_parts_that_are_not_ready() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicBoolean database = new AtomicBoolean(false);
        Readiness ready = new Readiness().with("consumer", () -> true).with("database", database::get);
        try (ManagementServer server = ManagementServer.start("127.0.0.1", 0, registry, ready)) {
            HttpResponse<String> waiting = get("http://127.0.0.1:" + server.port() + "/readyz");
            assertThat(waiting.statusCode()).isEqualTo(503);
            assertThat(waiting.body()).isEqualTo("not ready: database\n");
            database.set(true);
            assertThat(get("http://127.0.0.1:" + server.port() + "/readyz").body()).isEqualTo("ready\n");
        }
    }

    @Test
    void a_port_in_use_is_a_bad_management_port_setting() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> ManagementServer.start("127.0.0.1", taken.getLocalPort(), registry, () -> true))
                    .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                    .hasMessageContaining(ManagementServer.PORT).hasMessageContaining(String.valueOf(taken.getLocalPort()));
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
