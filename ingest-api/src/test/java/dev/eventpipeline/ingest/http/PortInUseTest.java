package dev.eventpipeline.ingest.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventpipeline.ingest.auth.TokenRegistry;
import dev.eventpipeline.ingest.contacts.ContactDirectory;
import dev.eventpipeline.ingest.ratelimit.RateLimiter;
import dev.eventpipeline.ingest.support.InMemoryEventLog;
import dev.eventpipeline.store.Database;
import dev.eventpipeline.store.EventQueries;
import dev.eventpipeline.store.ReadPoolSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** A port another process holds is a setting to change: a ConfigException naming http.port (exit 2 from the jar), no stack trace. */
class PortInUseTest {

    @Test
    void starting_on_a_port_in_use_fails_with_a_config_error_naming_http_port() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             Database reads = Database.openForReads(ReadPoolSettings.of("jdbc:sqlite:" + System.getProperty("java.io.tmpdir") + "/no-store/events.db"))) {
            IngestApp app = IngestApp.create("127.0.0.1", taken.getLocalPort(), HttpLimits.defaults(), new TokenRegistry(List.of()),
                    new ContactDirectory(false, Clock.systemUTC()), new InMemoryEventLog(), new EventQueries(reads), new RateLimiter(Clock.systemUTC()),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(), () -> true);
            assertThatThrownBy(app::start).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("http.port").hasMessageContaining(Integer.toString(taken.getLocalPort()));
        }
    }
}
