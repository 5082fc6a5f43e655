package dev.eventpipeline.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WrkTest {

    @Test
    void reads_totals_latencies_and_answers_by_status_from_the_bench_line() {
        String output = """
                Running 30s test @ http://127.0.0.1:41411
                  1 threads and 256 connections
                  150000 requests in 30.00s, 20.00MB read
                BENCH requests=150000 duration_us=30001234 p50_us=8100 p90_us=12000 p99_us=21500 max_us=90000 connect_errors=0 read_errors=2 write_errors=0 timeouts=3 statuses=202:149000,503:990,429:5
                SHELL 1 (sh) S 0 0 0 0 -1 0 0 0 0 0 0 0 700 120 20 0 1 0 1 2 3
                """;

        Wrk.Result r = Wrk.parse(output, 820);

        assertThat(r.requests()).isEqualTo(150_000);
        assertThat(r.seconds()).isEqualTo(30.001234);
        assertThat(r.p50Micros()).isEqualTo(8100);
        assertThat(r.p99Micros()).isEqualTo(21500);
        assertThat(r.socketErrors()).isEqualTo(5);
        assertThat(r.answered2xx()).isEqualTo(149_000);
        assertThat(r.non2xx()).containsExactly(Map.entry(429, 5L), Map.entry(503, 990L));
        assertThat(r.cpuTicks()).isEqualTo(820);
    }

    @Test
    void accepts_luajits_number_formats_and_a_run_without_answers() {
        Wrk.Result r = Wrk.parse("BENCH requests=0 duration_us=1.5e+06 p50_us=0 p90_us=0 p99_us=0 max_us=0"
                + " connect_errors=256 read_errors=0 write_errors=0 timeouts=0 statuses=\n", 0);

        assertThat(r.seconds()).isEqualTo(1.5);
        assertThat(r.statuses()).isEmpty();
        assertThat(r.socketErrors()).isEqualTo(256);
    }

    @Test
    void fails_with_the_output_when_the_script_printed_nothing() {
        assertThatThrownBy(() -> Wrk.parse("unable to connect to 127.0.0.1:1 Connection refused", 0))
                .hasMessageContaining("no BENCH line").hasMessageContaining("Connection refused");
    }

    @Test
    void the_children_cpu_of_the_shell_line_is_what_wrk_used() {
        String shell = "1 (sh) S 0 0 0 0 -1 0 0 0 0 0 3 1 700 120 20 0 1 0 1 2 3";

        assertThat(ProcStat.parse(shell).childrenTicks()).isEqualTo(820);
    }
}
