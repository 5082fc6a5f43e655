package dev.eventpipeline.common.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventpipeline.common.records.MetadataType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Currency;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one rule set for metadata values (http-api.md, "Metadata values"; pipeline.md, "Types"), used by
 * ingest-api to answer 400 and by dedupe-stream to type a value and to dead-letter a record another
 * producer wrote with a shape ingest-api would have refused.
 *
 * <p>A value is a string, a finite number, a rich link (exactly {@code url}, an absolute http or https
 * URL with a host, and {@code value}, a string) or a monetary amount (exactly {@code amount}, a positive
 * integer of cents, and {@code currency}, an ISO 4217 code, stored lower-case). Its type: {@code date}
 * where the key ends in {@code _date} and the value is an integer; {@code link} where a string is an
 * absolute http(s) URL; {@code rich_link} and {@code monetary_amount} by shape; else {@code string} or
 * {@code number}.
 */
public final class MetadataShapes {

    /** Intercom tracks at most ten keys per event definition and keeps the first ten of one request. */
    public static final int MAX_KEYS = 10;
    /** Longest metadata key, in characters (code points). */
    public static final int MAX_KEY_CHARS = 255;

    private static final Set<String> CURRENCIES = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode).collect(Collectors.toUnmodifiableSet());
    private static final String NESTED = "nested JSON structure is not supported";

    private MetadataShapes() {}

    /** The type of {@code value} under {@code key}, or {@code null} when no metadata value may have that shape. */
    public static MetadataType typeOf(String key, JsonNode value) {
        if (value.isTextual()) {
            return isHttpUrl(value.textValue()) ? MetadataType.LINK : MetadataType.STRING;
        }
        if (value.isNumber()) {
            if (!isFinite(value)) {
                return null;
            }
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
                return isPositiveCents(amount) && isCurrency(currency) ? MetadataType.MONETARY_AMOUNT : null;
            }
        }
        return null;
    }

    /** Why {@code value} is no metadata value (the 400's message, a dead letter's detail), or null when it is one. */
    public static String problemWith(JsonNode value) {
        if (value.isTextual()) {
            return null;
        }
        if (value.isNumber()) {
            return isFinite(value) ? null : "metadata numbers must be finite";
        }
        if (value.isObject()) {
            if (value.size() == 2 && value.has("url") && value.has("value")) {
                return typeOf("", value) != null ? null : "a rich link needs 'url' (an http or https URL) and 'value' (a string)";
            }
            if (value.size() == 2 && value.has("amount") && value.has("currency")) {
                return typeOf("", value) != null ? null
                        : "a monetary amount needs 'amount' (a positive integer of cents) and 'currency' (an ISO 4217 code)";
            }
            StringBuilder fields = new StringBuilder();
            for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
                fields.append(fields.length() == 0 ? "" : ",").append(it.next());
            }
            return NESTED + ": an object with fields [" + fields + "] is neither a rich link {url,value} nor a monetary amount {amount,currency}";
        }
        if (value.isBoolean()) {
            return NESTED + " (booleans are not a metadata type)";
        }
        return NESTED + " (a " + value.getNodeType().name().toLowerCase(Locale.ROOT) + " is not a metadata value)";
    }

    /** Whether a key may name a metadata value: 1 to {@link #MAX_KEY_CHARS} characters. */
    public static boolean isValidKey(String key) {
        return !key.isEmpty() && key.codePointCount(0, key.length()) <= MAX_KEY_CHARS;
    }

    /** The value as stored: currencies lower-case; every other value exactly as sent (numbers keep their digits). */
    public static JsonNode normalised(JsonNode value) {
        if (value.isObject() && value.size() == 2 && value.has("currency") && value.has("amount")) {
            String currency = value.get("currency").textValue();
            String lower = currency.toLowerCase(Locale.ROOT);
            if (!lower.equals(currency)) {
                ObjectNode money = JsonNodeFactory.instance.objectNode();
                money.set("amount", value.get("amount"));
                money.put("currency", lower);
                return money;
            }
        }
        return value;
    }

    private static boolean isFinite(JsonNode number) {
        // Big decimals and integers beyond double range are finite as text but cannot be read as numbers by
        // most consumers; Intercom's numbers are doubles.
        return Double.isFinite(number.doubleValue());
    }

    private static boolean isPositiveCents(JsonNode amount) {
        return amount.isIntegralNumber() && amount.canConvertToLong() && amount.longValue() > 0;
    }

    private static boolean isCurrency(JsonNode currency) {
        return currency.isTextual() && currency.textValue().length() == 3
                && CURRENCIES.contains(currency.textValue().toUpperCase(Locale.ROOT));
    }

    static boolean isHttpUrl(String text) {
        // Cheap prefix test first: most strings are not URLs and should not pay for a URI parse.
        int authorityStart;
        if (text.regionMatches(true, 0, "http://", 0, 7)) {
            authorityStart = 7;
        } else if (text.regionMatches(true, 0, "https://", 0, 8)) {
            authorityStart = 8;
        } else {
            return false;
        }
        if (text.length() < 8) {
            return false; // "http://" alone: no host
        }
        return isPlainHttpUrl(text, authorityStart) || isHttpUrlByUriParse(text);
    }

    /**
     * The definition of a link: {@link URI} parses the text and finds a host. Every text that {@link
     * #isPlainHttpUrl} does not vouch for (user info, IP addresses, non-ASCII, a bad escape, ...) is decided here.
     */
    static boolean isHttpUrlByUriParse(String text) {
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

    /*
     * The common shape of a link, checked by hand because parsing a java.net.URI was a third of the metadata
     * rules' CPU: a host name of dot-separated labels (ASCII letters, digits, inner dashes) whose last label
     * starts with a letter, an optional port of 1 to 9 digits, then a path, query and fragment of the ASCII
     * characters and %XX escapes that java.net.URI allows there (RFC 2396). java.net.URI finds a host in every
     * such text (its server-based authority grammar), so true here means true there; false only means "not
     * this shape", and the URI parse decides. HttpUrlCheckTest compares both over generated and edge-case texts.
     */
    static boolean isPlainHttpUrl(String s, int start) {
        int n = s.length();
        for (int i = 0; i < start; i++) {
            if (s.charAt(i) >= 128) {
                return false; // the prefix test ignores case the Unicode way: "httpſ://" passes it, no URI scheme does
            }
        }
        int p = start;
        int lastLabel;
        // host = label *("." label); label = alphanum [*(alphanum | "-") alphanum]
        while (true) {
            if (p >= n || !isAsciiAlphanumeric(s.charAt(p))) {
                return false;
            }
            lastLabel = p;
            while (p < n && (isAsciiAlphanumeric(s.charAt(p)) || s.charAt(p) == '-')) {
                p++;
            }
            if (s.charAt(p - 1) == '-') {
                return false;
            }
            if (p < n && s.charAt(p) == '.') {
                p++;
            } else {
                break;
            }
        }
        char first = s.charAt(lastLabel);
        if (!(first >= 'a' && first <= 'z' || first >= 'A' && first <= 'Z')) {
            return false; // dotted numbers (an IPv4 address or not) are the URI's to judge
        }
        if (p < n && s.charAt(p) == ':') {
            int digits = ++p;
            while (p < n && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
                p++;
            }
            if (p == digits || p - digits > 9) {
                return false;
            }
        }
        // The authority ends at the first '/', '?' or '#': anything else here belongs to an authority of another shape.
        if (p < n && !(s.charAt(p) == '/' || s.charAt(p) == '?' || s.charAt(p) == '#')) {
            return false;
        }
        // Path, then "?" query, then "#" fragment.
        long low = PATH_LOW;
        long high = PATH_HIGH;
        boolean inPath = true;
        boolean inFragment = false;
        for (; p < n; p++) {
            char c = s.charAt(p);
            if (c == '?' && inPath) {
                inPath = false;
                low = URIC_LOW;
                high = URIC_HIGH;
            } else if (c == '#' && !inFragment) {
                inPath = false;
                inFragment = true;
                low = URIC_LOW;
                high = URIC_HIGH;
            } else if (c == '%') {
                if (p + 2 >= n || !isHexDigit(s.charAt(p + 1)) || !isHexDigit(s.charAt(p + 2))) {
                    return false;
                }
                p += 2;
            } else if (!(c < 64 ? (low & 1L << c) != 0 : c < 128 && (high & 1L << (c - 64)) != 0)) {
                return false;
            }
        }
        return true;
    }

    // Character classes of java.net.URI (RFC 2396 with RFC 2732's brackets), as bit masks over chars 0-63 and 64-127.
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String MARK = "-_.!~*'()";
    /** path = *(unreserved | escaped | ":@&=+$," | ";/"); escapes are checked apart. */
    private static final String PATH_CHARS = ALPHANUMERIC + MARK + ":@&=+$," + ";/";
    /** query and fragment = *(reserved | unreserved | escaped). */
    private static final String URIC_CHARS = ALPHANUMERIC + MARK + ";/?:@&=+$,[]";
    private static final long PATH_LOW = mask(PATH_CHARS, 0);
    private static final long PATH_HIGH = mask(PATH_CHARS, 64);
    private static final long URIC_LOW = mask(URIC_CHARS, 0);
    private static final long URIC_HIGH = mask(URIC_CHARS, 64);

    private static long mask(String chars, int from) {
        long m = 0;
        for (int i = 0; i < chars.length(); i++) {
            char c = chars.charAt(i);
            if (c >= from && c < from + 64) {
                m |= 1L << (c - from);
            }
        }
        return m;
    }

    private static boolean isAsciiAlphanumeric(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
