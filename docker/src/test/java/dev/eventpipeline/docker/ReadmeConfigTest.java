package dev.eventpipeline.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.dedupe.DedupeConfig;
import dev.eventpipeline.ingest.IngestConfig;
import dev.eventpipeline.sink.SinkConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration tables name every setting each service declares, so that an operator
 * reading them sees all there is. (This module sees every service, which is why the check is here.)
 */
class ReadmeConfigTest {

    @Test
    void readme_configuration_tables_list_every_declared_setting() throws IOException {
        String readme = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("README.md"));
        String configuration = readme.substring(readme.indexOf("## Configuration"));
        Map<String, ConfigDef> services = Map.of(
                "ingest-api", IngestConfig.DEF, "dedupe-stream", DedupeConfig.DEF, "event-sink", SinkConfig.DEF);
        for (var service : services.entrySet()) {
            List<String> missing = service.getValue().names().stream()
                    .filter(key -> !configuration.contains("| `" + key + "` |"))
                    .sorted()
                    .collect(Collectors.toList());
            assertThat(missing).as("settings of %s missing from the README's configuration tables", service.getKey()).isEmpty();
        }
    }
}
