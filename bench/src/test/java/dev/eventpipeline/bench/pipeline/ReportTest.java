package dev.eventpipeline.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.bench.pipeline.PhaseResult.Load;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static final long TICKS_PER_SECOND = 100;

    /** A phase whose wrk run answered {@code answered} requests 202 over {@code seconds}, with the given CPU in ticks. */
    private static PhaseResult phase(String name, Load load, long answered, double seconds, long p99Micros, long acceptedEvents,
                                     long stored, long processTicks, Map<String, Long> groupTicks) {
        Wrk.Result wrk = new Wrk.Result(answered + 10, seconds, 1_000, 2_000, p99Micros, 50_000, 0, Map.of(202, answered, 503, 10L), 100);
        Map<String, Long> groups = new LinkedHashMap<>();
        ThreadGroups.GROUPS.forEach(g -> groups.put(g, groupTicks.getOrDefault(g, 0L)));
        return new PhaseResult(name, load, wrk, seconds, acceptedEvents, stored, new CpuUsage(groups, processTicks, Map.of()), "standalone",
                Map.of("standalone", 200_000_000L), TICKS_PER_SECOND);
    }

    private static PhaseResult steady() {
        // 300,000 events in 30 s; 45 s of CPU, 9 of them the JIT's: 150 µs per event, 120 without the JIT.
        return phase(Report.STEADY, Load.single(), 300_000, 30, 20_000, 300_000, 285_000, 4_500,
                Map.of(ThreadGroups.INGEST, 1_500L, ThreadGroups.JIT, 900L, ThreadGroups.BROKER, 2_000L));
    }

    @Test
    void a_phase_gives_rates_and_cpu_per_event_from_its_counts() {
        PhaseResult p = steady();

        assertThat(p.acceptedPerSecond()).isEqualTo(10_000);
        assertThat(p.endToEndPerSecond()).hasValue(9_500);
        assertThat(p.storedShare()).isEqualTo(0.95);
        assertThat(p.microsPerEvent(ThreadGroups.INGEST)).isEqualTo(50);
        assertThat(p.microsPerEvent(ThreadGroups.JIT)).isEqualTo(30);
        assertThat(p.wholeMicrosPerEvent()).isEqualTo(150);
        assertThat(p.withoutJitMicrosPerEvent()).isEqualTo(120);
        // 4,500 ticks in all, 4,400 in the groups: 100 ticks (3.3 µs per event) went to threads that ended.
        assertThat(p.unattributedMicrosPerEvent()).isCloseTo(3.33, org.assertj.core.data.Offset.offset(0.01));
        assertThat(p.coresBusy()).isEqualTo(1.5);
        assertThat(p.wrkMicrosPerRequest()).isCloseTo(1e6 / 300_010, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void a_bulk_phase_counts_every_item_of_an_accepted_request() {
        PhaseResult bulk = phase(Report.BULK, Load.bulk(100), 1_200, 30, 80_000, 120_000, 110_000, 1_000, Map.of());

        assertThat(bulk.acceptedPerSecond()).isEqualTo(4_000);
        assertThat(bulk.load().label()).isEqualTo("POST /bulk/events (100 items)");
    }

    @Test
    void compares_each_candidate_with_its_baseline_and_the_issues_target() {
        PhaseResult cold = phase(Report.COLD, Load.single(), 270_000, 60, 90_000, 270_000, 240_000, 9_000, Map.of());
        PhaseResult javalin = phase(Report.JAVALIN, Load.single(), 400_000, 40, 5_000, 400_000, -1, 400, Map.of());
        PhaseResult ingest = phase(Report.INGEST, Load.single(), 90_000, 30, 30_000, 90_000, -1, 1_000, Map.of());
        PhaseResult ingestBulk = phase(Report.INGEST_BULK, Load.bulk(100), 1_500, 30, 99_000, 150_000, -1, 1_000, Map.of());
        Report.ProducerBaseline single = new Report.ProducerBaseline(256, new RawProducer.Rounds(List.of(9_000.0, 12_000.0, 10_000.0), 365, 0));
        Report.ProducerBaseline bulk = new Report.ProducerBaseline(25_600, new RawProducer.Rounds(List.of(6_000.0, 6_000.0, 7_000.0), 365, 0));
        Report.Conservation stored = new Report.Conservation(1_000, 990, 1_000, 1_000, 0, 0, 3);

        Report report = new Report(List.of("setup"), List.of(cold, steady(), javalin, ingest, ingestBulk), stored, single, bulk, 256);

        assertThat(check(report, "steady end to end, POST /events")).returns(Optional.of(false), Report.Check::met)
                .returns("9,500 events/s", Report.Check::shown);
        assertThat(check(report, "steady end to end, POST /bulk/events").shown()).isEqualTo("n/a (not run)");
        assertThat(check(report, "steady end to end, POST /bulk/events").met()).isEmpty();
        assertThat(check(report, "every accepted event").met()).hasValue(true);
        assertThat(check(report, "whole pipeline's CPU per event without the JIT, steady POST /events"))
                .returns(Optional.of(true), Report.Check::met).returns("120 µs", Report.Check::shown);
        // Cold 240,000 rows in 60 s = 4,000/s against steady's 9,500/s.
        assertThat(check(report, "cold (first 60 s)").value()).hasValue(4_000.0 / 9_500);
        assertThat(check(report, "cold (first 60 s)").met()).hasValue(false);
        // Ingest alone 3,000/s against the raw producer's median 10,000/s; p99 30 ms.
        assertThat(check(report, "POST /events, ingest alone ÷ raw producer (256 in flight)").value()).hasValue(0.3);
        assertThat(check(report, "POST /events p99, ingest alone, 256 connections"))
                .returns(Optional.of(false), Report.Check::met).returns("30.0 ms", Report.Check::shown);
        // Bulk: 150,000 events in 30 s = 5,000/s against 6,000/s.
        assertThat(check(report, "POST /bulk/events, ingest alone ÷ raw producer (25,600 in flight)").value()).hasValue(5_000.0 / 6_000);
        assertThat(check(report, "POST /bulk/events, ingest alone").met()).hasValue(true);
        assertThat(check(report, "POST /events, ingest alone ÷ bare Javalin").value()).hasValue(3_000.0 / 10_000);
        assertThat(check(report, "POST /events, ingest alone ÷ bare Javalin").met()).isEmpty();
    }

    @Test
    void the_pipelines_cpu_per_event_is_no_verdict_while_the_rows_fall_behind_the_accepted_events() {
        // Bulk accepted 120,000 events but only 60,000 rows followed: downstream has not spent its share yet.
        PhaseResult behind = phase(Report.BULK, Load.bulk(100), 1_200, 30, 80_000, 120_000, 60_000, 1_000, Map.of());

        Report.Check check = check(new Report(List.of(), List.of(behind), null, null, null, 256),
                "whole pipeline's CPU per event without the JIT, steady POST /bulk/events");

        assertThat(check.value()).hasValue(behind.withoutJitMicrosPerEvent());
        assertThat(check.met()).isEmpty();
        assertThat(check.measure()).contains("not a steady state: rows grew at 50% of the accepted rate");
    }

    @Test
    void passes_when_every_raw_event_is_a_row_and_says_why_it_fails_otherwise() {
        Report.Conservation exact = new Report.Conservation(5_000, 4_990, 5_000, 5_000, 0, 0, 2);
        // Written to Kafka but answered 503 (the client would retry): still every accepted event stored once.
        Report.Conservation extraRaw = new Report.Conservation(5_000, 4_990, 5_100, 5_100, 0, 0, 2);
        Report.Conservation lost = new Report.Conservation(5_000, 4_990, 5_000, 4_998, 0, 0, 120);
        Report.Conservation taken = new Report.Conservation(5_000, 4_990, 5_000, 4_999, 1, 0, 2);

        assertThat(exact.passed()).isTrue();
        assertThat(exact.explain()).isEmpty();
        assertThat(extraRaw.passed()).isTrue();
        assertThat(extraRaw.explain()).singleElement().asString().contains("100 records that got no 2xx");
        assertThat(lost.passed()).isFalse();
        assertThat(lost.explain()).singleElement().asString().contains("2 raw events have no row");
        assertThat(taken.passed()).isFalse();
        assertThat(taken.explain()).anySatisfy(line -> assertThat(line).contains("1 distinct events were taken for duplicates"));
    }

    @Test
    void prints_every_phase_and_group_and_the_verdict() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Report(List.of("setup line"), List.of(steady()), new Report.Conservation(1, 1, 1, 1, 0, 0, 1), null, null, 256)
                .print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);

        assertThat(text).contains("- setup line", "| steady | POST /events | standalone | 30 | 10,000 | 1.0 ms | 20.0 ms | 503: 10 |",
                "| ingest | 50.0 |", "| **whole without the JIT** | **120.0** |", "**PASS**", "| cores busy (measured JVMs) | 1.50 |");
        for (String group : ThreadGroups.GROUPS) {
            assertThat(text).contains("| " + group + " |");
        }
    }

    private static Report.Check check(Report report, String measureStart) {
        return report.checks().stream().filter(c -> c.measure().startsWith(measureStart)).findFirst()
                .orElseThrow(() -> new AssertionError("no check starting with " + measureStart + " in " + report.checks()));
    }
}
