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
