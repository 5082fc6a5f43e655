package dev.eventpipeline.common.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.MetadataType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetadataShapesTest {

    @ParameterizedTest(name = "{0} = {1} is {2}")
    @CsvSource(delimiter = '|', value = {
            "code         | \"ADD\"                                        | STRING",
            "site         | \"https://example.org/a\"                      | LINK",
            "site         | \"HTTP://EXAMPLE.ORG\"                         | LINK",
            "site         | \"ftp://example.org/a\"                        | STRING",
            "site         | \"https://\"                                   | STRING",
            "site         | \"http://exa mple.org\"                        | STRING",
            "load         | 3.67                                           | NUMBER",
            "count        | 7                                              | NUMBER",
            "signup_date  | 1392036272                                     | DATE",
            "signup_date  | 1392036272.5                                   | NUMBER",
            "signup_date  | \"2024-01-01\"                                 | STRING",
            "order        | {\"url\":\"https://e.org/o\",\"value\":\"x\"}  | RICH_LINK",
            "price        | {\"amount\":100,\"currency\":\"eur\"}          | MONETARY_AMOUNT",
            "price        | {\"amount\":100,\"currency\":\"EUR\"}          | MONETARY_AMOUNT",
    })
    void value_shapes_map_to_intercom_types(String key, String json, MetadataType expected) throws Exception {
        assertThat(MetadataShapes.typeOf(key, Json.mapper().readTree(json))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is no metadata value")
    @CsvSource(delimiter = '|', value = {
            "true",
            "[1]",
            "{\"a\":1}",
            "{\"url\":\"notaurl\",\"value\":\"x\"}",
            "{\"url\":\"https://e.org\",\"value\":1}",
            "{\"amount\":0,\"currency\":\"eur\"}",
            "{\"amount\":1.5,\"currency\":\"eur\"}",
            "{\"amount\":100,\"currency\":\"euro\"}",
            "{\"amount\":100,\"currency\":\"eur\",\"x\":1}",
            "{\"amount\":100,\"currency\":\"xyz\"}",
            "{\"amount\":100,\"currency\":\"eu1\"}",
            "1e400",
    })
    void unsupported_shapes_have_no_type(String json) throws Exception {
        JsonNode value = Json.mapper().readTree(json);
        assertThat(MetadataShapes.typeOf("k", value)).isNull();
        assertThat(MetadataShapes.problemWith(value)).isNotBlank();
    }
}
