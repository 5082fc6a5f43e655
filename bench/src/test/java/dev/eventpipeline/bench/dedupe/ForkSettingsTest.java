package dev.eventpipeline.bench.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings a benchmark fork is started with survive the trip through its command line. */
class ForkSettingsTest {

    @Test
    void a_fork_reads_back_the_settings_its_parent_wrote() {
        DedupeBench.ForkSettings sent = new DedupeBench.ForkSettings("127.0.0.1:40123", "bench.", Path.of("/tmp/work dir"), 2,
                Map.of("kafka.commit.interval.ms", "500", "kafka.producer.batch.size", "65536"));

        List<String> args = sent.toArgs("dedupe");

        assertThat(args.get(0)).isEqualTo("dedupe");
        assertThat(DedupeBench.ForkSettings.parse(args.toArray(String[]::new))).isEqualTo(sent);
    }
}
