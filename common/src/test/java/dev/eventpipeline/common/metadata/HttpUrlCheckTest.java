package dev.eventpipeline.common.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written link check against its definition, the {@link java.net.URI} parse
 * ({@link MetadataShapes#isHttpUrlByUriParse}): the fast path may only vouch for texts the URI accepts,
 * and {@link MetadataShapes#isHttpUrl} must answer as the URI does for every text.
 */
class HttpUrlCheckTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "https://example.org/a/123", "http://example.org", "HTTP://EXAMPLE.ORG", "hTtPs://Example.Org/",
            "http://localhost", "http://localhost:8080/x", "http://a", "http://a.b", "http://a-b.c-d.ef/",
            "http://x.y.z.example.com/a/b/c?q=1&r=2#frag", "http://e.org?x", "http://e.org#f", "http://e.org/?#",
            "http://e.org/a%20b", "http://e.org/a%2", "http://e.org/a%zz", "http://e.org/%", "http://e.org/a b",
            "http://exa mple.org", "http://e.org/a#b#c", "http://e.org/a?b?c", "http://e.org/a#b?c", "http://e.org/[x]",
            "http://e.org/?[x]", "http://e.org/#[x]", "http://e.org/{x}", "http://e.org/a|b", "http://e.org/a\\b",
            "http://e.org/a^b", "http://e.org/a`b", "http://e.org/a\"b", "http://e.org/<a>", "http://e.org/a\tb",
            "http://e.org/\u00e9", "http://e.org/\u0080", "http://e.org/\u00a0", "http://e.org/\u2028", "http://\u00e9.org/",
            "http://e.org/\ud83d\ude00", "http://e.org:", "http://e.org:/", "http://e.org:80", "http://e.org:080/",
            "http://e.org:2147483647", "http://e.org:2147483648", "http://e.org:123456789", "http://e.org:1234567890",
            "http://e.org:8x", "http://e.org:-1", "http://e.org.", "http://e.org./x", "http://e..org", "http://.e.org",
            "http://-e.org", "http://e-.org", "http://e.-org", "http://e.org-", "http://1e.org", "http://e.1org",
            "http://e.org1", "http://123", "http://123/x", "http://1.2.3.4", "http://1.2.3.4:80/", "http://256.1.1.1",
            "http://1.2.3.4.5", "http://1.2.3.4.com", "http://1.2.3.4x.com", "http://1.2.3", "http://01.02.03.04",
            "http://[::1]/", "http://[::1]:80", "http://[fe80::1%25eth0]/", "http://[::1", "http://u@e.org",
            "http://u:p@e.org/", "http://@e.org", "http://e.org@x", "http:///path", "http://", "https://", "http:/e.org",
            "http:e.org", "https:/", "http://?q", "http://#f", "http://e_o.org", "http://e~o.org", "http://e!o.org/",
            "http://e.org!x", "http://e.org;x", "http://e.org,x", "http://e.org$", "http://e.org%41", "http://%41.org",
            "httpſ://e.org", "ſhttps://e.org", "http\u212a://e.org", "\u0127ttp://e.org", "ftp://e.org", "http//e.org",
            " http://e.org", "http://e.org ", "http://e.org\n", "http://e.org/a\u0000b", "http://e.org/a'(*)!~_.-b",
            "http://e.org/:@&=+$,;/", "http://e.org/?;/?:@&=+$,[]", "https://e.org/a/b;p?q#f", "HTTPS://A.B:1/%AF%af",
    })
    void answers_as_the_uri_parse_for_edge_cases(String text) {
        assertThat(MetadataShapes.isHttpUrl(text)).isEqualTo(MetadataShapes.isHttpUrlByUriParse(text));
        if (vouchedForByFastPath(text)) {
            assertThat(MetadataShapes.isHttpUrlByUriParse(text)).isTrue();
        }
    }

    @Test
    void common_links_take_the_fast_path() {
        for (String link : List.of("https://example.org/a/123", "http://localhost:8080/x?y=1#z", "https://shop.example.co.uk/p/%E2%82%AC")) {
            assertThat(vouchedForByFastPath(link)).as(link).isTrue();
        }
    }

    @Test
    void answers_as_the_uri_parse_for_generated_texts() {
        long seed = Long.getLong("dedupe.seed", System.nanoTime());
        System.out.println("HttpUrlCheckTest seed " + seed + " (rerun with -Ddedupe.seed=" + seed + ")");
        Random random = new Random(seed);
        int links = 0;
        int fast = 0;
        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < 300_000; i++) {
            String text = generate(random);
            boolean expected = MetadataShapes.isHttpUrlByUriParse(text);
            boolean plain = vouchedForByFastPath(text);
            if (MetadataShapes.isHttpUrl(text) != expected || plain && !expected) {
                disagreements.add(text);
            }
            links += expected ? 1 : 0;
            fast += plain && expected ? 1 : 0;
        }
        System.out.println("HttpUrlCheckTest: " + links + " links, " + fast + " of them on the fast path");
        assertThat(disagreements).isEmpty();
        // The generator must reach both answers, and the fast path must carry real weight, or the comparison proves little.
        assertThat(links).isBetween(30_000, 270_000);
        assertThat(fast).isGreaterThan(links / 4);
    }

    /** Whether the hand-written check alone says "link" (after the same prefix test as {@code isHttpUrl}). */
    private static boolean vouchedForByFastPath(String text) {
        if (text.regionMatches(true, 0, "http://", 0, 7)) {
            return MetadataShapes.isPlainHttpUrl(text, 7);
        }
        return text.regionMatches(true, 0, "https://", 0, 8) && MetadataShapes.isPlainHttpUrl(text, 8);
    }

    private static final String[] SCHEMES = {"http://", "https://", "HTTP://", "Https://", "httpſ://", "http:/", "http:", "ftp://", ""};
    /** Host characters, weighted towards the legal ones, with every kind of troublemaker. */
    private static final String HOST_CHARS = "abcxyzABZ0123456789abc-..-abc09:@[]%_~!$&'()*+,;= \u00e9\u0130\u212a";
    private static final String LEGAL_TAIL_CHARS = "abcXYZ019/////??##&=;:@+$,-_.!~*'()[]";
    /** Every printable ASCII character, a few controls, non-ASCII letters, spaces and a surrogate pair's halves. */
    private static final String TAIL_CHARS;

    static {
        StringBuilder b = new StringBuilder();
        for (char c = 32; c < 127; c++) {
            b.append(c);
        }
        b.append("aaaaaaaa////????####%%%%\u0000\t\n\u007f\u0080\u00a0\u00e9\u2028\u3000\ud83d\ude00\ufffd");
        TAIL_CHARS = b.toString();
    }

    private static String generate(Random random) {
        StringBuilder s = new StringBuilder(SCHEMES[random.nextInt(10) < 7 ? random.nextInt(3) : random.nextInt(SCHEMES.length)]);
        switch (random.nextInt(6)) {
            case 0, 1, 2 -> { // a plausible host name
                int labels = 1 + random.nextInt(4);
                for (int l = 0; l < labels; l++) {
                    if (l > 0) {
                        s.append('.');
                    }
                    s.append(label(random));
                }
            }
            case 3 -> s.append(random.nextInt(300)).append('.').append(random.nextInt(300)).append('.')
                    .append(random.nextInt(300)).append('.').append(random.nextInt(300)); // dotted numbers
            default -> { // anything made of host characters
                int length = random.nextInt(12);
                for (int k = 0; k < length; k++) {
                    s.append(HOST_CHARS.charAt(random.nextInt(HOST_CHARS.length())));
                }
            }
        }
        if (random.nextInt(4) == 0) {
            s.append(':');
            int digits = random.nextInt(12);
            for (int k = 0; k < digits; k++) {
                s.append((char) ('0' + random.nextInt(10)));
            }
        }
        int tail = random.nextInt(4) == 0 ? 0 : random.nextInt(16);
        // Half the tails mostly of legal characters (a stray illegal one now and then), half of anything.
        String tailChars = random.nextBoolean() ? LEGAL_TAIL_CHARS : TAIL_CHARS;
        for (int k = 0; k < tail; k++) {
            if (random.nextInt(8) == 0) {
                s.append('%').append("0aFgZ9".charAt(random.nextInt(6))).append("0aFgZ9".charAt(random.nextInt(6)));
            } else {
                s.append(tailChars.charAt(random.nextInt(tailChars.length())));
            }
        }
        return s.toString();
    }

    private static String label(Random random) {
        String chars = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-";
        StringBuilder b = new StringBuilder();
        int length = 1 + random.nextInt(6);
        for (int k = 0; k < length; k++) {
            b.append(chars.charAt(random.nextInt(chars.length())));
        }
        return b.toString();
    }
}
