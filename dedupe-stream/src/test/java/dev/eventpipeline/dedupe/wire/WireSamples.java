package dev.eventpipeline.dedupe.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventpipeline.common.json.Json;
import dev.eventpipeline.common.records.ContactRef;
import dev.eventpipeline.common.records.RawEvent;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;

/** Seeded raw events of every shape ingest-api may write. */
final class WireSamples {

    private WireSamples() {}

    static RawEvent randomEvent(Random r) {
        ObjectNode metadata = Json.mapper().createObjectNode();
        int keys = r.nextInt(12);
        for (int i = 0; i < keys; i++) {
            String key = (r.nextBoolean() ? "k" : "x_date") + i + (r.nextInt(5) == 0 ? "\u00e9\"\\" : "");
            switch (r.nextInt(10)) {
                case 8 -> metadata.putArray(key).add(1).add("two").addNull().addObject().put("x", 1.5);
                case 9 -> metadata.putObject(key).put("n", (String) null).put("b", true).put("big", new java.math.BigDecimal("3.670"));
                case 0 -> metadata.put(key, "text " + r.nextInt() + (r.nextBoolean() ? "\n\u2603" : ""));
                case 1 -> metadata.put(key, r.nextInt());
                case 2 -> metadata.put(key, r.nextLong());
                case 3 -> metadata.put(key, r.nextDouble() * 1e6);
                case 4 -> metadata.put(key, "https://example.org/" + r.nextInt(100));
                case 5 -> metadata.putObject(key).put("url", "https://e.org/o/" + r.nextInt(9)).put("value", "v" + r.nextInt());
                case 6 -> metadata.putObject(key).put("amount", 1 + r.nextInt(100_000)).put("currency", "eur");
                default -> metadata.putNull(key);
            }
        }
        Instant at = Instant.ofEpochSecond(1_600_000_000L + r.nextInt(400_000_000), r.nextInt(4) == 0 ? 0 : r.nextInt(1_000_000_000));
        if (r.nextBoolean()) {
            at = Instant.ofEpochMilli(at.toEpochMilli());
        }
        return new RawEvent(1, UUID.randomUUID().toString(), at, "ws" + r.nextInt(9), r.nextBoolean() ? "app" : null,
                r.nextBoolean() ? "2.10" : "Unstable",
                r.nextInt(10) == 0 ? null : new ContactRef("c" + r.nextInt(), r.nextBoolean() ? "user" : "lead",
                        r.nextBoolean() ? "u" + r.nextInt() : null, r.nextBoolean() ? "a@b.c" : null),
                "event-" + r.nextInt(50), r.nextInt(3) == 0 ? r.nextLong() & 0xffffffffffL : r.nextInt(Integer.MAX_VALUE),
                r.nextInt(8) == 0 ? null : metadata,
                r.nextInt(4) == 0 ? java.util.List.of("late" + r.nextInt(3), "k\u00e9\"" + r.nextInt(9)) : java.util.List.of());
    }
}
