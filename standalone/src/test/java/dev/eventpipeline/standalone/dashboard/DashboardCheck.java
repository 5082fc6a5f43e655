package dev.eventpipeline.standalone.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventpipeline.standalone.dashboard.PromQlSelectors.Matcher;
import dev.eventpipeline.standalone.dashboard.PromQlSelectors.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a Grafana dashboard's Prometheus queries against what the pipeline really serves: every series
 * name a query reads exists in a scrape, every label it matches or groups by is a label of those series,
 * and an equality or regex matcher finds a real value. A query that names nothing real would draw an empty
 * panel without any error in Grafana, which is why this is checked against a real scrape.
 */
public final class DashboardCheck {

    /** One query of one panel. */
    public record Query(String panel, String expr) {
    }

    /** Series Prometheus writes for every target itself; no service serves them. */
    static final Set<String> MADE_BY_PROMETHEUS = Set.of("up");
    /** Labels Prometheus attaches to every scraped series (the target's), absent from the exposition. */
    static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    private DashboardCheck() {
    }

    /** Every query of every panel, rows' nested panels included; a panel without a query is an error. */
    public static List<Query> queries(JsonNode dashboard) {
        List<Query> queries = new ArrayList<>();
        collect(dashboard.get("panels"), queries);
        return queries;
    }

    private static void collect(JsonNode panels, List<Query> into) {
        for (JsonNode panel : panels) {
            if (panel.get("type").asText().equals("row")) {
                collect(panel.path("panels"), into);
                continue;
            }
            String title = panel.get("title").asText();
            JsonNode targets = panel.path("targets");
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("panel '" + title + "' has no query");
            }
            targets.forEach(t -> into.add(new Query(title, t.get("expr").asText())));
        }
    }

    /** What is wrong with the queries against this scrape; empty when every panel reads real series. */
    public static List<String> problems(List<Query> queries, PrometheusScrape scrape) {
        List<String> problems = new ArrayList<>();
        for (Query q : queries) {
            String where = "panel '" + q.panel() + "', query " + q.expr() + ": ";
            PromQlSelectors parsed;
            try {
                parsed = PromQlSelectors.parse(q.expr());
            } catch (IllegalArgumentException e) {
                problems.add(where + e.getMessage());
                continue;
            }
            if (parsed.selectors().isEmpty()) {
                problems.add(where + "reads no metric");
            }
            for (Selector s : parsed.selectors()) {
                problems.addAll(selectorProblems(where, s, scrape));
            }
            for (String label : parsed.groupingLabels()) {
                boolean known = TARGET_LABELS.contains(label)
                        || parsed.selectors().stream().anyMatch(s -> scrape.hasLabel(s.metric(), label));
                if (!known) {
                    problems.add(where + "groups by '" + label + "', a label of none of the series it reads");
                }
            }
            if (q.expr().contains("histogram_quantile(")) {
                if (parsed.metrics().stream().noneMatch(m -> m.endsWith("_bucket")) || !parsed.groupingLabels().contains("le")) {
                    problems.add(where + "histogram_quantile needs a _bucket series kept by le");
                }
            }
        }
        return problems;
    }

    private static List<String> selectorProblems(String where, Selector s, PrometheusScrape scrape) {
        List<String> problems = new ArrayList<>();
        if (MADE_BY_PROMETHEUS.contains(s.metric())) {
            return problems;
        }
        if (!scrape.has(s.metric())) {
            String hint = scrape.has(s.metric() + "_bucket") ? " (a histogram: its series are " + s.metric() + "_bucket, _sum, _count)"
                    : scrape.has(s.metric() + "_total") ? " (a counter: its series is " + s.metric() + "_total)" : "";
            problems.add(where + "no series named " + s.metric() + " in the scrape" + hint);
            return problems;
        }
        for (Matcher m : s.matchers()) {
            if (!scrape.hasLabel(s.metric(), m.label())) {
                problems.add(where + s.metric() + " has no label '" + m.label() + "'");
            } else if (m.value().contains("$")) {
                // A Grafana variable: its values are whatever the scrape has.
                continue;
            } else if (m.op().equals("=") && !scrape.hasLabelValue(s.metric(), m.label(), m.value()::equals)) {
                problems.add(where + s.metric() + " has no series with " + m.label() + "=\"" + m.value() + "\"");
            } else if (m.op().equals("=~")) {
                // PromQL anchors a regex at both ends, as Java's matches() does.
                Pattern regex = Pattern.compile(m.value());
                if (!scrape.hasLabelValue(s.metric(), m.label(), v -> regex.matcher(v).matches())) {
                    problems.add(where + s.metric() + " has no series whose " + m.label() + " matches \"" + m.value() + "\"");
                }
            }
        }
        return problems;
    }
}
