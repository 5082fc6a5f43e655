package dev.eventpipeline.bench.pipeline;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The standalone pipeline's {@code READY ingest=<url> kafka=<host:port> sink=<jdbc url> …} line: where
 * the API, the broker and the database of this run are.
 */
record ReadyLine(String ingestUrl, String kafkaBootstrap, String sinkJdbcUrl) {

    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S+)");

    static boolean isReadyLine(String line) {
        return line.startsWith("READY ");
    }

    static ReadyLine parse(String line) {
        if (!isReadyLine(line)) {
            throw new IllegalArgumentException("not a READY line: " + line);
        }
        Map<String, String> fields = new HashMap<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            fields.putIfAbsent(m.group(1), m.group(2));
        }
        for (String key : new String[] {"ingest", "kafka", "sink"}) {
            if (!fields.containsKey(key)) {
                throw new IllegalArgumentException("the READY line names no " + key + "=: " + line);
            }
        }
        return new ReadyLine(fields.get("ingest"), fields.get("kafka"), fields.get("sink"));
    }
}
