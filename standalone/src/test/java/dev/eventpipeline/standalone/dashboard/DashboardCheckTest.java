package dev.eventpipeline.standalone.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventpipeline.standalone.dashboard.DashboardCheck.Query;
import dev.eventpipeline.standalone.dashboard.PromQlSelectors.Matcher;
import dev.eventpipeline.standalone.dashboard.PromQlSelectors.Selector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The pieces of DashboardMetricsIT without a pipeline: the PromQL reader, the exposition reader, and that
 * the check reports each way a query can miss (a misspelt name, a histogram read by its family name, a
 * missing label or value). Also that the provisioned dashboard covers every signal issue 15 asks for.
 */
class DashboardCheckTest {

    static final Path DASHBOARD = Path.of("..", "docker", "monitoring", "grafana", "dashboards", "event-pipeline.json");

    /** A small exposition in the shape Micrometer writes: a histogram, a counter with labels, a summary, a gauge. */
    private static final PrometheusScrape SCRAPE = PrometheusScrape.parse("""
            # HELP lat_seconds request latency
            # TYPE lat_seconds histogram
            lat_seconds_bucket{route="/events",le="0.1"} 3
            lat_seconds_bucket{route="/events",le="+Inf"} 4
            lat_seconds_count{route="/events"} 4
            lat_seconds_sum{route="/events"} 0.25
            # TYPE req_total counter
            req_total{method="POST",route="/events",status="202"} 4.0
            req_total{method="POST",route="/events",status="400"} 1.0
            # TYPE batch summary
            batch{quantile="0.99"} 2.0
            batch_count 2
            batch_sum 4.0
            lag{client_id="app-1-StreamThread-1-consumer",topic="raw-events",partition="0"} 0.0
            odd{path="a \\"quoted\\" value, with a comma"} 1.0
            """);

    @Test
    void reads_selectors_and_grouping_labels_but_not_functions_keywords_numbers_or_ranges() {
        PromQlSelectors q = PromQlSelectors.parse(
                "histogram_quantile(0.99, sum by (le, route) (rate(lat_seconds_bucket{route!~\"/metrics|/healthz\"}[$__rate_interval])))");
        assertThat(q.selectors()).containsExactly(new Selector("lat_seconds_bucket", List.of(new Matcher("route", "!~", "/metrics|/healthz"))));
        assertThat(q.groupingLabels()).containsExactly("le", "route");

        PromQlSelectors ratio = PromQlSelectors.parse("sum(rate(a_total[5m] offset 1h)) without (x) / on (job) group_left (y) max(b) > bool 0.5");
        assertThat(ratio.metrics()).containsExactly("a_total", "b");
        assertThat(ratio.groupingLabels()).containsExactly("x", "job", "y");

        assertThat(PromQlSelectors.parse("max(batch{quantile='0.99', x=\"a\\\"b\"})").selectors().get(0).matchers())
                .containsExactly(new Matcher("quantile", "=", "0.99"), new Matcher("x", "=", "a\"b"));
    }

    @Test
    void refuses_a_selector_without_a_metric_name_and_unbalanced_brackets_rather_than_skipping_them() {
        assertThatThrownBy(() -> PromQlSelectors.parse("sum({__name__=\"x\"})")).hasMessageContaining("without a metric name");
        assertThatThrownBy(() -> PromQlSelectors.parse("rate(x[5m)")).hasMessageContaining("unclosed [");
        assertThatThrownBy(() -> PromQlSelectors.parse("x{a=\"b\"")).hasMessageContaining("unclosed {");
    }

    @Test
    void reads_sample_names_as_prometheus_stores_them_and_label_values_with_escapes() {
        assertThat(SCRAPE.names()).containsExactlyInAnyOrder("lat_seconds_bucket", "lat_seconds_count", "lat_seconds_sum", "req_total",
                "batch", "batch_count", "batch_sum", "lag", "odd");
        assertThat(SCRAPE.has("lat_seconds")).as("a histogram's family name is not a series").isFalse();
        assertThat(SCRAPE.hasLabelValue("odd", "path", "a \"quoted\" value, with a comma"::equals)).isTrue();
        assertThat(SCRAPE.hasLabelValue("req_total", "status", "400"::equals)).isTrue();
    }

    @Test
    void queries_that_read_real_series_labels_and_values_have_no_problem() {
        List<Query> queries = List.of(
                new Query("latency", "histogram_quantile(0.99, sum by (le, route) (rate(lat_seconds_bucket{route=\"/events\"}[1m])))"),
                new Query("answers", "sum by (route, status, instance) (rate(req_total{status=~\"4..|5..\"}[1m]))"),
                new Query("mean batch", "sum(rate(batch_sum[1m])) / sum(rate(batch_count[1m]))"),
                new Query("p99 batch", "max by (job) (batch{quantile=\"0.99\"})"),
                new Query("lag", "sum by (topic) (lag{client_id=~\".+-StreamThread-[0-9]+-consumer\"})"),
                new Query("up", "sum by (job) (up)"));
        assertThat(DashboardCheck.problems(queries, SCRAPE)).isEmpty();
    }

    @Test
    void reports_each_way_a_query_can_read_nothing() {
        List<String> problems = DashboardCheck.problems(List.of(
                new Query("typo", "sum(rate(req_totl[1m]))"),
                new Query("family name", "sum(rate(lat_seconds[1m]))"),
                new Query("no suffix", "sum(rate(req[1m]))"),
                new Query("label", "sum(req_total{table=\"events\"})"),
                new Query("value", "sum(req_total{status=\"503\"})"),
                new Query("regex", "sum(lag{client_id=~\"sink-.*\"})"),
                new Query("grouping", "sum by (reason) (req_total)"),
                new Query("quantile", "histogram_quantile(0.5, sum by (route) (rate(lat_seconds_bucket[1m])))"),
                new Query("constant", "vector(1)")), SCRAPE);
        assertThat(problems).hasSize(9);
        assertThat(problems.get(0)).contains("panel 'typo'", "no series named req_totl");
        assertThat(problems.get(1)).contains("no series named lat_seconds", "a histogram: its series are lat_seconds_bucket");
        assertThat(problems.get(2)).contains("a counter: its series is req_total");
        assertThat(problems.get(3)).contains("req_total has no label 'table'");
        assertThat(problems.get(4)).contains("no series with status=\"503\"");
        assertThat(problems.get(5)).contains("no series whose client_id matches \"sink-.*\"");
        assertThat(problems.get(6)).contains("groups by 'reason'");
        assertThat(problems.get(7)).contains("histogram_quantile needs a _bucket series kept by le");
        assertThat(problems.get(8)).contains("reads no metric");
    }

    /** Issue 15's list of what the dashboard shows, each as the series that carries it. */
    @Test
    void the_provisioned_dashboard_reads_every_signal_the_issue_asks_for() throws IOException {
        List<Query> queries = DashboardCheck.queries(dashboard());
        Set<String> read = new TreeSet<>();
        queries.forEach(q -> read.addAll(PromQlSelectors.parse(q.expr()).metrics()));
        assertThat(read).contains(
                "ingest_requests_total", "ingest_events_accepted_total",               // accepted events/s by status
                "ingest_request_duration_seconds_bucket",                              // latency p50/p99
                "dedupe_events_duplicates_total", "dedupe_events_clean_total",         // duplicates/s, clean/s
                "dedupe_events_dead_letters_total", "sink_dead_letters_total",         // dead letters/s by reason
                "kafka_consumer_fetch_manager_records_lag", "sink_consumer_lag",       // consumer lag per stage
                "sink_write_latency_seconds", "sink_batch_size_sum", "sink_batch_size_count",
                "dedupe_metadata_keys_pending",
                "ingest_rate_limit_sync_lag_seconds",
                "dedupe_definitions_owner_trips_total");
    }

    static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(DASHBOARD.toFile());
    }
}
