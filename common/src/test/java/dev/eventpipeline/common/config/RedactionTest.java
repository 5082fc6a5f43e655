package dev.eventpipeline.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "jdbc:postgresql://u:secret@db.example:5432/events | jdbc:postgresql://u:[hidden]@db.example:5432/events",
        "jdbc:postgresql://db:5432/events?user=app&password=secret | jdbc:postgresql://db:5432/events?user=app&password=[hidden]",
        "jdbc:postgresql://db/events?password=secret&ssl=true | jdbc:postgresql://db/events?password=[hidden]&ssl=true",
        "jdbc:postgresql://db/events?sslpassword=secret | jdbc:postgresql://db/events?sslpassword=[hidden]",
        "jdbc:sqlserver://db;user=app;password=secret;encrypt=true | jdbc:sqlserver://db;user=app;password=[hidden];encrypt=true",
        "https://user:p@ss@proxy.example/path | https://user:[hidden]@proxy.example/path",
        "amqp://guest:guest@localhost:5672/ | amqp://guest:[hidden]@localhost:5672/",
        "http://api.example/v1?token=abc123 | http://api.example/v1?token=[hidden]",
    })
    void hides_the_secret_part_of_a_url_and_keeps_where_it_points(String url, String shown) {
        assertThat(Redaction.hideUrlCredentials(url)).isEqualTo(shown);
    }

    @Test
    void hides_credentials_inside_a_longer_message() {
        String message = "Invalid value jdbc:postgresql://u:secret@h/db?password=secret2 for configuration jdbc.url: bad";
        assertThat(Redaction.hideUrlCredentials(message))
                .isEqualTo("Invalid value jdbc:postgresql://u:[hidden]@h/db?password=[hidden] for configuration jdbc.url: bad");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "jdbc:sqlite:/var/lib/events.db", "jdbc:postgresql://app@db:5432/events", "127.0.0.1:9092,127.0.0.2:9092",
        "http://127.0.0.1:8080/readyz", "jdbc:postgresql://db/events?user=app&currentSchema=s"})
    void leaves_text_without_secrets_alone(String text) {
        assertThat(Redaction.hideUrlCredentials(text)).isEqualTo(text);
    }

    @Test
    void hides_settings_named_as_secrets_whole_and_url_credentials_in_the_others() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("jdbc.password", new Password("pw1"));
        settings.put("kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"pw2\";");
        settings.put("auth.dev.token", "pw3");
        settings.put("jdbc.url", "jdbc:postgresql://u:pw4@h/db");
        settings.put("batch.size", 1000);
        Map<String, Object> shown = Redaction.hideSecrets(settings);
        assertThat(shown.toString()).doesNotContain("pw1", "pw2", "pw3", "pw4");
        assertThat(shown).containsEntry("jdbc.url", "jdbc:postgresql://u:[hidden]@h/db").containsEntry("batch.size", "1000")
                .containsEntry("auth.dev.token", "[hidden]");
    }
}
