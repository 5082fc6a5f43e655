package dev.eventpipeline.standalone.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a PromQL expression reads: the series selectors (metric name and label matchers) and the labels it
 * groups or matches by. Enough of PromQL's grammar for a dashboard's queries, and strict where a guess
 * could hide a metric: a selector without a metric name, or an unbalanced bracket, is an error rather than
 * something skipped.
 *
 * <p>Metric names are kept exactly as written: a histogram is read as {@code x_bucket} / {@code x_sum} /
 * {@code x_count} and a counter as {@code x_total}, which are the series names Prometheus stores, so the
 * check compares them with the exposition's sample names as they are (no suffix is stripped or added).
 */
public record PromQlSelectors(List<Selector> selectors, List<String> groupingLabels) {

    /** One {@code metric{label op "value", ...}}. */
    public record Selector(String metric, List<Matcher> matchers) {
    }

    /** {@code label op value}; op is one of {@code = != =~ !~}. */
    public record Matcher(String label, String op, String value) {
    }

    /**
     * Words that are PromQL's own, never metric names: operators, modifiers, and the aggregations, which the
     * lexer reserves (they may be followed by {@code by (...)} rather than their parenthesis, so they cannot be
     * told from a name by what follows).
     */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan", "atan2",
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
            "quantile", "limitk", "limit_ratio");
    /** Keywords followed by a parenthesised list of label names. */
    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

    public static PromQlSelectors parse(String expr) {
        List<Token> tokens = tokenize(expr);
        List<Selector> selectors = new ArrayList<>();
        List<String> grouping = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.kind == Kind.IDENT) {
                String word = t.text;
                boolean call = i + 1 < tokens.size() && tokens.get(i + 1).text.equals("(");
                if (LABEL_LISTS.contains(word)) {
                    if (call) {
                        i = readLabelList(tokens, i + 1, grouping, expr);
                    }
                } else if (KEYWORDS.contains(word) || call) {
                    // A function or aggregation (rate, sum, histogram_quantile, ...) or an operator word.
                    continue;
                } else {
                    List<Matcher> matchers = new ArrayList<>();
                    if (i + 1 < tokens.size() && tokens.get(i + 1).text.equals("{")) {
                        i = readMatchers(tokens, i + 1, matchers, expr);
                    }
                    selectors.add(new Selector(word, List.copyOf(matchers)));
                }
            } else if (t.text.equals("{")) {
                throw new IllegalArgumentException("a selector without a metric name in: " + expr);
            } else if (t.text.equals("[")) {
                // A range or subquery: [20s], [$__rate_interval], [5m:1m]. Nothing in it names a series.
                int close = i;
                while (close < tokens.size() && !tokens.get(close).text.equals("]")) {
                    close++;
                }
                if (close == tokens.size()) {
                    throw new IllegalArgumentException("unclosed [ in: " + expr);
                }
                i = close;
            }
        }
        return new PromQlSelectors(List.copyOf(selectors), List.copyOf(grouping));
    }

    /** Every metric name the expression reads, in order of appearance. */
    public List<String> metrics() {
        return selectors.stream().map(Selector::metric).toList();
    }

    private static int readLabelList(List<Token> tokens, int open, List<String> into, String expr) {
        int i = open + 1;
        while (i < tokens.size() && !tokens.get(i).text.equals(")")) {
            Token t = tokens.get(i);
            if (t.kind == Kind.IDENT) {
                into.add(t.text);
            } else if (!t.text.equals(",")) {
                throw new IllegalArgumentException("unexpected '" + t.text + "' in a label list of: " + expr);
            }
            i++;
        }
        if (i == tokens.size()) {
            throw new IllegalArgumentException("unclosed label list in: " + expr);
        }
        return i;
    }

    private static int readMatchers(List<Token> tokens, int open, List<Matcher> into, String expr) {
        int i = open + 1;
        while (i < tokens.size() && !tokens.get(i).text.equals("}")) {
            if (tokens.get(i).text.equals(",")) {
                i++;
                continue;
            }
            if (i + 2 >= tokens.size() || tokens.get(i).kind != Kind.IDENT || tokens.get(i + 1).kind != Kind.OP
                    || tokens.get(i + 2).kind != Kind.STRING) {
                throw new IllegalArgumentException("a label matcher must be label op \"value\" in: " + expr);
            }
            into.add(new Matcher(tokens.get(i).text, tokens.get(i + 1).text, tokens.get(i + 2).text));
            i += 3;
        }
        if (i == tokens.size()) {
            throw new IllegalArgumentException("unclosed { in: " + expr);
        }
        return i;
    }

    private enum Kind { IDENT, STRING, NUMBER, VARIABLE, OP, PUNCT }

    private record Token(Kind kind, String text) {
    }

    private static List<Token> tokenize(String expr) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                // A PromQL comment runs to the end of the line.
                while (i < expr.length() && expr.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '"' || c == '\'' || c == '`') {
                StringBuilder value = new StringBuilder();
                int j = i + 1;
                while (j < expr.length() && expr.charAt(j) != c) {
                    if (expr.charAt(j) == '\\' && c != '`' && j + 1 < expr.length()) {
                        j++;
                        // The escapes PromQL shares with Go; a regex's own escape (\.) keeps its backslash.
                        char e = expr.charAt(j);
                        switch (e) {
                            case 'n' -> value.append('\n');
                            case 't' -> value.append('\t');
                            case '\\', '"', '\'' -> value.append(e);
                            default -> value.append('\\').append(e);
                        }
                    } else {
                        value.append(expr.charAt(j));
                    }
                    j++;
                }
                if (j == expr.length()) {
                    throw new IllegalArgumentException("unclosed string in: " + expr);
                }
                tokens.add(new Token(Kind.STRING, value.toString()));
                i = j + 1;
            } else if (c == '$') {
                // A Grafana variable: $__rate_interval, ${name}.
                int j = i + 1;
                if (j < expr.length() && expr.charAt(j) == '{') {
                    j = expr.indexOf('}', j) + 1;
                } else {
                    while (j < expr.length() && (Character.isLetterOrDigit(expr.charAt(j)) || expr.charAt(j) == '_')) {
                        j++;
                    }
                }
                tokens.add(new Token(Kind.VARIABLE, expr.substring(i, j)));
                i = j;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < expr.length() && Character.isDigit(expr.charAt(i + 1)))) {
                // A number or a duration (0.99, 1e3, 20s, 1h30m): letters glued to digits belong to it.
                int j = i;
                while (j < expr.length() && (Character.isLetterOrDigit(expr.charAt(j)) || expr.charAt(j) == '.')) {
                    j++;
                }
                tokens.add(new Token(Kind.NUMBER, expr.substring(i, j)));
                i = j;
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int j = i;
                while (j < expr.length() && (Character.isLetterOrDigit(expr.charAt(j)) || expr.charAt(j) == '_' || expr.charAt(j) == ':')) {
                    j++;
                }
                tokens.add(new Token(Kind.IDENT, expr.substring(i, j)));
                i = j;
            } else if ("=!<>".indexOf(c) >= 0) {
                int j = i + 1;
                if (j < expr.length() && (expr.charAt(j) == '=' || expr.charAt(j) == '~')) {
                    j++;
                }
                tokens.add(new Token(Kind.OP, expr.substring(i, j)));
                i = j;
            } else if ("(){}[],".indexOf(c) >= 0) {
                tokens.add(new Token(Kind.PUNCT, String.valueOf(c)));
                i++;
            } else if ("+-*/%^@:".indexOf(c) >= 0) {
                tokens.add(new Token(Kind.OP, String.valueOf(c)));
                i++;
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' in: " + expr);
            }
        }
        return tokens;
    }
}
