package dev.eventpipeline.dedupe.topology;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventpipeline.common.records.MetadataType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Iterator;
import java.util.Locale;

/**
 * Intercom's metadata types, decided by the value's shape: {@code date} where the key ends in
 * {@code _date} and the value is an integer; {@code link} where a string is an absolute http(s) URL;
 * {@code rich_link} and {@code monetary_amount} by their two fields; otherwise {@code string} or {@code number}.
 */
public final class MetadataTypes {

    private MetadataTypes() {}

    /** The type of {@code value}, or {@code null} when no metadata value may have that shape. */
    public static MetadataType typeOf(String key, JsonNode value) {
        if (value.isTextual()) {
            return isHttpUrl(value.textValue()) ? MetadataType.LINK : MetadataType.STRING;
        }
        if (value.isNumber()) {
            return key.endsWith("_date") && value.isIntegralNumber() ? MetadataType.DATE : MetadataType.NUMBER;
        }
        if (value.isObject() && value.size() == 2) {
            JsonNode url = value.get("url");
            JsonNode text = value.get("value");
            if (url != null && text != null) {
                return url.isTextual() && isHttpUrl(url.textValue()) && text.isTextual() ? MetadataType.RICH_LINK : null;
            }
            JsonNode amount = value.get("amount");
            JsonNode currency = value.get("currency");
            if (amount != null && currency != null) {
                return amount.isIntegralNumber() && amount.canConvertToLong() && amount.longValue() > 0
                        && currency.isTextual() && currency.textValue().matches("[A-Za-z]{3}")
                        ? MetadataType.MONETARY_AMOUNT : null;
            }
        }
        return null;
    }

    /** Why {@code value} is no metadata value, for a dead letter's detail. */
    public static String describeUnsupported(JsonNode value) {
        if (value.isObject()) {
            StringBuilder fields = new StringBuilder();
            for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
                fields.append(fields.length() == 0 ? "" : ",").append(it.next());
            }
            return "an object with fields [" + fields + "] is neither a rich link {url,value} nor a monetary amount {amount,currency}";
        }
        return "a " + value.getNodeType().name().toLowerCase(Locale.ROOT) + " is not a metadata value";
    }

    static boolean isHttpUrl(String text) {
        // Cheap prefix test first: most strings are not URLs and should not pay for a URI parse.
        if (text.length() < 8 || !(text.regionMatches(true, 0, "http://", 0, 7) || text.regionMatches(true, 0, "https://", 0, 8))) {
            return false;
        }
        try {
            URI uri = new URI(text);
            return uri.isAbsolute() && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false; // not a URL: the value is an ordinary string, which is no error
        }
    }
}
