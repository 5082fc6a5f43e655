package dev.eventpipeline.standalone.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The samples of a Prometheus text exposition (format 0.0.4, what /metrics serves), by series name.
 *
 * <p>The names are the samples' own, as Prometheus stores them: a histogram family {@code x} is the series
 * {@code x_bucket}, {@code x_sum} and {@code x_count}, never {@code x} itself, so a query that reads
 * {@code x} finds nothing here, as it would find nothing in Prometheus. {@code # TYPE} and {@code # HELP}
 * lines, which name families, are not samples and are ignored.
 */
public final class PrometheusScrape {

    private final Map<String, List<Map<String, String>>> seriesByName;

    private PrometheusScrape(Map<String, List<Map<String, String>>> seriesByName) {
        this.seriesByName = seriesByName;
    }

    public static PrometheusScrape parse(String exposition) {
        Map<String, List<Map<String, String>>> series = new TreeMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int i = 0;
            while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
                i++;
            }
            String name = line.substring(0, i);
            Map<String, String> labels = new LinkedHashMap<>();
            if (i < line.length() && line.charAt(i) == '{') {
                i = readLabels(line, i + 1, labels);
            }
            series.computeIfAbsent(name, n -> new ArrayList<>()).add(labels);
        }
        return new PrometheusScrape(series);
    }

    public boolean has(String name) {
        return seriesByName.containsKey(name);
    }

    public Set<String> names() {
        return seriesByName.keySet();
    }

    /** True when some series of that name has the label. */
    public boolean hasLabel(String name, String label) {
        return hasSeries(name, labels -> labels.containsKey(label));
    }

    /** True when some series of that name has the label with a value the predicate accepts. */
    public boolean hasLabelValue(String name, String label, Predicate<String> value) {
        return hasSeries(name, labels -> labels.containsKey(label) && value.test(labels.get(label)));
    }

    private boolean hasSeries(String name, Predicate<Map<String, String>> test) {
        return seriesByName.getOrDefault(name, List.of()).stream().anyMatch(test);
    }

    /** Reads {@code a="x",b="y"}} from just after the brace; returns the index after the closing brace. */
    private static int readLabels(String line, int from, Map<String, String> into) {
        int i = from;
        while (line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            String label = line.substring(i, eq).trim();
            StringBuilder value = new StringBuilder();
            int j = eq + 2; // past ="
            while (line.charAt(j) != '"') {
                if (line.charAt(j) == '\\') {
                    j++;
                    value.append(line.charAt(j) == 'n' ? '\n' : line.charAt(j));
                } else {
                    value.append(line.charAt(j));
                }
                j++;
            }
            into.put(label, value.toString());
            i = j + 1;
            if (line.charAt(i) == ',') {
                i++;
            }
        }
        return i + 1;
    }
}
