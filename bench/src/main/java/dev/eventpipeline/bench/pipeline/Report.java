package dev.eventpipeline.bench.pipeline;

import dev.eventpipeline.bench.Medians;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The pipeline benchmark's report: the phases, CPU per event by thread group, the conservation check,
 * the baselines, and each candidate against its baseline and against issue 14's targets. Markdown, so
 * that it can be pasted into docs/benchmarks.md as printed.
 */
final class Report {

    static final String COLD = "cold";
    static final String STEADY = "steady";
    static final String BULK = "bulk steady";
    static final String JAVALIN = "bare Javalin";
    static final String INGEST = "ingest alone";
    static final String INGEST_BULK = "ingest alone, bulk";

    /** Issue 14's targets. */
    static final double TARGET_END_TO_END = 12_000;
    static final double TARGET_MICROS_WITHOUT_JIT = 120;
    static final double TARGET_COLD_SHARE = 0.5;
    static final double TARGET_SINGLE_VS_PRODUCER = 0.3;
    static final double TARGET_SINGLE_P99_MILLIS = 25;
    static final double TARGET_BULK_VS_PRODUCER = 0.8;

    /**
     * Rows per accepted event over a phase at which the stages downstream count as keeping up. While they
     * do, the rows trail the accepted events by the pipeline's latency (100 ms transactions, sink batches
     * lingering up to 100 ms), which moves the ratio over a 30 s window by a few percent at most.
     */
    static final double KEEPS_UP = 0.9;

    /**
     * After the load: what the API acknowledged, what reached {@code raw-events}, the rows, and what the
     * dedupe put aside. The events are distinct, so every raw record must become a row, and each 2xx
     * promises a raw record.
     */
    record Conservation(long acceptedByApi, long answered2xxByWrk, long rawRecords, long storedRows, long duplicates,
                        long deadLetters, double drainSeconds) {

        /**
         * Every accepted event stored exactly once: all raw records are rows (the rows' primary key is the
         * event id, and the events are distinct, so equal counts mean each once), there are at least as
         * many raw records as acknowledged events, and nothing was taken for a duplicate or a dead letter.
         */
        boolean passed() {
            return storedRows == rawRecords && rawRecords >= acceptedByApi && acceptedByApi >= answered2xxByWrk
                    && duplicates == 0 && deadLetters == 0;
        }

        List<String> explain() {
            List<String> out = new ArrayList<>();
            if (storedRows < rawRecords) {
                out.add(String.format("%,d raw events have no row (lost, or still on their way after %.0f s without progress)",
                        rawRecords - storedRows, drainSeconds));
            }
            if (storedRows > rawRecords) {
                out.add(String.format("%,d more rows than raw events: rows from elsewhere in the database", storedRows - rawRecords));
            }
            if (rawRecords < acceptedByApi) {
                out.add(String.format("%,d acknowledged events are not in raw-events", acceptedByApi - rawRecords));
            } else if (rawRecords > acceptedByApi) {
                out.add(String.format("raw-events holds %,d records that got no 2xx (written, then answered 503 or cut off):"
                        + " allowed, a client retries them", rawRecords - acceptedByApi));
            }
            if (acceptedByApi < answered2xxByWrk) {
                out.add(String.format("wrk counted %,d more accepted events than the API did", answered2xxByWrk - acceptedByApi));
            }
            if (duplicates > 0) {
                out.add(String.format("%,d distinct events were taken for duplicates", duplicates));
            }
            if (deadLetters > 0) {
                out.add(String.format("%,d events went to dead-letter-events", deadLetters));
            }
            return out;
        }
    }

    /** The raw producer at one window of records in flight. */
    record ProducerBaseline(int window, RawProducer.Rounds rounds) {
        double median() {
            return Medians.median(rounds.recordsPerSecond());
        }
    }

    /** One line of the comparison: a value, its target if the issue sets one, and whether it is met. */
    record Check(String measure, OptionalDouble value, String unit, String target, Optional<Boolean> met) {
        String shown() {
            if (value.isEmpty()) {
                return "n/a (not run)";
            }
            double v = value.getAsDouble();
            return switch (unit) {
                case "events/s" -> String.format("%,.0f events/s", v);
                case "µs" -> String.format("%.0f µs", v);
                case "ms" -> String.format("%.1f ms", v);
                case "pass" -> v == 1 ? "PASS" : "FAIL";
                default -> String.format("%.2f", v);
            };
        }
    }

    private final List<String> setup;
    private final List<PhaseResult> phases;
    private final Conservation conservation;
    private final ProducerBaseline singleProducer;
    private final ProducerBaseline bulkProducer;
    private final int connections;

    /** {@code conservation} and the producer baselines are null where their part did not run. */
    Report(List<String> setup, List<PhaseResult> phases, Conservation conservation, ProducerBaseline singleProducer,
           ProducerBaseline bulkProducer, int connections) {
        this.connections = connections;
        this.setup = setup;
        this.phases = phases;
        this.conservation = conservation;
        this.singleProducer = singleProducer;
        this.bulkProducer = bulkProducer;
    }

    Optional<PhaseResult> phase(String name) {
        return phases.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private OptionalDouble of(String phase, Function<PhaseResult, OptionalDouble> f) {
        return phase(phase).map(f).orElse(OptionalDouble.empty());
    }

    private OptionalDouble endToEnd(String phase) {
        return of(phase, PhaseResult::endToEndPerSecond);
    }

    private OptionalDouble accepted(String phase) {
        return of(phase, p -> OptionalDouble.of(p.acceptedPerSecond()));
    }

    private static OptionalDouble ratio(OptionalDouble a, OptionalDouble b) {
        return a.isPresent() && b.isPresent() && b.getAsDouble() > 0 ? OptionalDouble.of(a.getAsDouble() / b.getAsDouble()) : OptionalDouble.empty();
    }

    private static OptionalDouble producer(ProducerBaseline p) {
        return p == null ? OptionalDouble.empty() : OptionalDouble.of(p.median());
    }

    private static Check atLeast(String measure, OptionalDouble value, String unit, double target, String shownTarget) {
        return new Check(measure, value, unit, "≥ " + shownTarget, value.isPresent() ? Optional.of(value.getAsDouble() >= target) : Optional.empty());
    }

    private static Check atMost(String measure, OptionalDouble value, String unit, double target, String shownTarget) {
        return new Check(measure, value, unit, "≤ " + shownTarget, value.isPresent() ? Optional.of(value.getAsDouble() <= target) : Optional.empty());
    }

    /**
     * The pipeline's CPU per event is only the pipeline's cost per event while every stage keeps up: where
     * the rows grow more slowly than events are accepted, the stages downstream have not yet spent their
     * share of those events, and the figure reads low. Then the check says so instead of passing.
     */
    private Check pipelineCpu(String measure, String phaseName) {
        Optional<PhaseResult> p = phase(phaseName);
        OptionalDouble value = p.map(r -> OptionalDouble.of(r.withoutJitMicrosPerEvent())).orElse(OptionalDouble.empty());
        Check check = atMost(measure, value, "µs", TARGET_MICROS_WITHOUT_JIT, "120 µs");
        if (p.isPresent() && p.get().storedShare() < KEEPS_UP) {
            return new Check(measure + String.format(" (not a steady state: rows grew at %.0f%% of the accepted rate)",
                    100 * p.get().storedShare()), value, "µs", check.target(), Optional.empty());
        }
        return check;
    }

    private static Check info(String measure, OptionalDouble value) {
        return new Check(measure, value, "ratio", "", Optional.empty());
    }

    /** Each candidate against its target or baseline, in the order the report prints them. */
    List<Check> checks() {
        List<Check> out = new ArrayList<>();
        out.add(atLeast("steady end to end, POST /events", endToEnd(STEADY), "events/s", TARGET_END_TO_END, "12,000 events/s"));
        out.add(atLeast("steady end to end, POST /bulk/events", endToEnd(BULK), "events/s", TARGET_END_TO_END, "12,000 events/s"));
        OptionalDouble stored = conservation == null ? OptionalDouble.empty() : OptionalDouble.of(conservation.passed() ? 1 : 0);
        out.add(new Check("every accepted event stored exactly once", stored, "pass", "PASS",
                stored.isPresent() ? Optional.of(conservation.passed()) : Optional.empty()));
        out.add(pipelineCpu("whole pipeline's CPU per event without the JIT, steady POST /events", STEADY));
        out.add(pipelineCpu("whole pipeline's CPU per event without the JIT, steady POST /bulk/events", BULK));
        String coldSeconds = phase(COLD).map(p -> String.format("%.0f s", p.wrk().seconds())).orElse("");
        out.add(atLeast("cold (first " + coldSeconds + ") ÷ steady, end to end, POST /events", ratio(endToEnd(COLD), endToEnd(STEADY)),
                "ratio", TARGET_COLD_SHARE, "0.50"));
        out.add(info("cold ÷ steady, accepted, POST /events", ratio(accepted(COLD), accepted(STEADY))));
        String singleWindow = singleProducer == null ? "" : String.format(" (%,d in flight)", singleProducer.window());
        String bulkWindow = bulkProducer == null ? "" : String.format(" (%,d in flight)", bulkProducer.window());
        out.add(atLeast("POST /events, ingest alone ÷ raw producer" + singleWindow, ratio(accepted(INGEST), producer(singleProducer)),
                "ratio", TARGET_SINGLE_VS_PRODUCER, "0.30"));
        out.add(atMost("POST /events p99, ingest alone, " + connections + " connections",
                of(INGEST, p -> OptionalDouble.of(p.wrk().p99Micros() / 1e3)), "ms",
                TARGET_SINGLE_P99_MILLIS, "25 ms"));
        out.add(atLeast("POST /bulk/events, ingest alone ÷ raw producer" + bulkWindow, ratio(accepted(INGEST_BULK), producer(bulkProducer)),
                "ratio", TARGET_BULK_VS_PRODUCER, "0.80"));
        out.add(info("POST /events, ingest alone ÷ bare Javalin", ratio(accepted(INGEST), accepted(JAVALIN))));
        out.add(info("POST /events, steady pipeline ÷ raw producer" + singleWindow, ratio(accepted(STEADY), producer(singleProducer))));
        out.add(info("POST /events, steady pipeline ÷ bare Javalin", ratio(accepted(STEADY), accepted(JAVALIN))));
        out.add(info("POST /bulk/events, steady pipeline ÷ raw producer" + bulkWindow, ratio(accepted(BULK), producer(bulkProducer))));
        return out;
    }

    void print(PrintStream out) {
        out.println();
        out.println("## Pipeline benchmark");
        out.println();
        setup.forEach(line -> out.println("- " + line));
        out.println();
        out.println("### Phases");
        out.println();
        out.println("| phase | load | measured JVMs | seconds | accepted events/s | p50 | p99 | non-2xx by status | socket errors | end to end events/s | heap after GC |");
        out.println("| --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |");
        for (PhaseResult p : phases) {
            Map<Integer, Long> non2xx = p.wrk().non2xx();
            out.printf("| %s | %s | %s | %.0f | %,.0f | %.1f ms | %.1f ms | %s | %,d | %s | %s |%n", p.name(), p.load().label(), p.measuredJvms(),
                    p.wrk().seconds(), p.acceptedPerSecond(), p.wrk().p50Micros() / 1e3, p.wrk().p99Micros() / 1e3,
                    non2xx.isEmpty() ? "0" : non2xx.entrySet().stream().map(e -> e.getKey() + ": " + String.format("%,d", e.getValue()))
                            .collect(Collectors.joining(", ")),
                    p.wrk().socketErrors(),
                    p.endToEndPerSecond().isPresent() ? String.format("%,.0f", p.endToEndPerSecond().getAsDouble()) : "—",
                    p.heapAfterGcBytes().entrySet().stream().map(e -> String.format("%s %.0f MB", e.getKey(), e.getValue() / 1e6))
                            .collect(Collectors.joining(", ")));
        }
        out.println();
        out.println("### CPU per accepted event (µs), by thread group");
        out.println();
        out.println("| group | " + phases.stream().map(PhaseResult::name).collect(Collectors.joining(" | ")) + " |");
        out.println("| --- |" + " ---: |".repeat(phases.size()));
        for (String group : ThreadGroups.GROUPS) {
            row(out, group, p -> String.format("%.1f", p.microsPerEvent(group)));
        }
        row(out, "unattributed (threads that ended between samples, read skew)", p -> String.format("%.1f", p.unattributedMicrosPerEvent()));
        row(out, "**whole (measured JVMs)**", p -> String.format("**%.1f**", p.wholeMicrosPerEvent()));
        row(out, "**whole without the JIT**", p -> String.format("**%.1f**", p.withoutJitMicrosPerEvent()));
        row(out, "rows ÷ accepted events (downstream keeping up: ≥ 0.90)", p -> p.storedEvents() < 0 ? "—" : String.format("%.2f", p.storedShare()));
        row(out, "cores busy (measured JVMs)", p -> String.format("%.2f", p.coresBusy()));
        row(out, "wrk, per request", p -> String.format("%.1f", p.wrkMicrosPerRequest()));
        out.println();
        out.println("Thread groups, by the full Java name from `jcmd <pid> Thread.print` (else the 15-character `comm`); the first matching rule wins:");
        out.println();
        ThreadGroups.describe().forEach(line -> out.println("- `" + line + "`"));
        for (PhaseResult p : phases) {
            if (!p.cpu().unclassifiedByName().isEmpty()) {
                out.printf("%nUnclassified threads in %s (µs per event): %s%n", p.name(), p.cpu().unclassifiedByName().entrySet().stream()
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .map(e -> String.format("`%s` %.1f", e.getKey(), p.micros(e.getValue()) / p.acceptedEvents()))
                        .collect(Collectors.joining(", ")));
            }
        }
        out.println();
        out.println("### Every accepted event stored exactly once");
        out.println();
        if (conservation == null) {
            out.println("Not checked: no phase of the pipeline ran.");
        } else {
            Conservation c = conservation;
            out.printf("Accepted by the API (ingest_events_accepted_total) %,d (wrk counted %,d); raw-events %,d records; rows %,d;"
                    + " duplicate-events %,d; dead-letter-events %,d; the sink caught up %.0f s after the load: **%s**%n",
                    c.acceptedByApi(), c.answered2xxByWrk(), c.rawRecords(), c.storedRows(), c.duplicates(), c.deadLetters(),
                    c.drainSeconds(), c.passed() ? "PASS" : "FAIL");
            c.explain().forEach(line -> out.println("- " + line));
        }
        out.println();
        out.println("### Baselines");
        out.println();
        out.println("| baseline | rate | rounds | failed |");
        out.println("| --- | ---: | --- | ---: |");
        for (ProducerBaseline p : new ProducerBaseline[] {singleProducer, bulkProducer}) {
            if (p != null) {
                out.printf("| raw Kafka producer, ingest-api's settings, %,d records in flight, %d-byte values | %,.0f records/s (median) | %s | %,d sends |%n",
                        p.window(), p.rounds().valueBytes(), p.median(),
                        p.rounds().recordsPerSecond().stream().map(r -> String.format("%,.0f", r)).collect(Collectors.joining(", ")),
                        p.rounds().failed());
            }
        }
        phase(JAVALIN).ifPresent(p -> out.printf("| bare Javalin 7 + Jackson, 202, POST /events | %,.0f requests/s (p99 %.1f ms) | one | %,d answers |%n",
                p.acceptedPerSecond(), p.wrk().p99Micros() / 1e3, p.wrk().requests() - p.wrk().answered2xx()));
        out.println();
        out.println("### Against the targets and baselines");
        out.println();
        out.println("| measure | value | target | met |");
        out.println("| --- | ---: | --- | --- |");
        for (Check c : checks()) {
            out.printf("| %s | %s | %s | %s |%n", c.measure(), c.shown(), c.target(),
                    c.met().map(m -> m ? "yes" : "**no**").orElse(c.target().isEmpty() ? "" : "n/a"));
        }
    }

    private void row(PrintStream out, String label, Function<PhaseResult, String> cell) {
        out.println("| " + label + " | " + phases.stream().map(cell).collect(Collectors.joining(" | ")) + " |");
    }
}
