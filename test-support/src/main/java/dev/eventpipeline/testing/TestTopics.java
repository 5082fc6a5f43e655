package dev.eventpipeline.testing;

import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Topic prefixes that no other test (nor an earlier run against an external cluster) uses. */
public final class TestTopics {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestTopics() {}

    /** For example {@code it-dedupe-3-1a2b3c4d.}; pass it as {@code topic.prefix}. */
    public static String uniquePrefix(String testName) {
        String clean = testName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        if (clean.length() > 40) {
            clean = clean.substring(0, 40);
        }
        return "it-" + clean + "-" + COUNTER.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    }
}
