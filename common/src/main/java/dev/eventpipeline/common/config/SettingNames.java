package dev.eventpipeline.common.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.apache.kafka.common.config.ConfigException;

/**
 * Which setting names a service takes, and what an operator probably meant by one it does not. A
 * misspelt key ({@code rate.limit.app.per.minit=5}) must stop start-up rather than be ignored: the
 * service would otherwise run with the default the operator meant to change.
 *
 * <p>Known: a name the service declares, or any name under {@code kafka.}, which is passed to the Kafka
 * clients as is (the clients warn about names they do not use).
 */
public final class SettingNames {

    private SettingNames() {}

    /** A name the service declares, or a Kafka client property under {@code kafka.}. */
    public static boolean isKnown(Set<String> declared, String key) {
        return declared.contains(key) || isKafkaClientProperty(key);
    }

    static boolean isKafkaClientProperty(String key) {
        return key.startsWith(ConfigSources.KAFKA_PREFIX) && key.length() > ConfigSources.KAFKA_PREFIX.length();
    }

    /**
     * Fails with one line naming every key of {@code keys} that is not {@code known}, each with the closest
     * of {@code candidates} when one is close enough to be a likely typo. {@code source} says where the keys
     * came from ({@code --set}, a file name).
     */
    public static void requireKnown(Collection<String> keys, Predicate<String> known, Collection<String> candidates, String source) {
        requireKnown(keys, known, key -> closest(key, candidates), source);
    }

    /** As {@link #requireKnown(Collection, Predicate, Collection, String)}, with the suggestion for a key given by {@code suggestion}. */
    public static void requireKnown(Collection<String> keys, Predicate<String> known, Function<String, Optional<String>> suggestion,
                                    String source) {
        List<String> unknown = keys.stream().filter(known.negate()).sorted().toList();
        if (unknown.isEmpty()) {
            return;
        }
        if (unknown.size() == 1) {
            String key = unknown.get(0);
            throw new ConfigException("unknown setting '" + key + "' in " + source
                    + suggestion.apply(key).map(c -> "; did you mean '" + c + "'?").orElse(""));
        }
        List<String> described = new ArrayList<>();
        for (String key : unknown) {
            described.add("'" + key + "'" + suggestion.apply(key).map(c -> " (did you mean '" + c + "'?)").orElse(""));
        }
        throw new ConfigException("unknown settings in " + source + ": " + String.join(", ", described));
    }

    /**
     * The candidate closest to {@code name} by edit distance, when at most a quarter of its letters (and at
     * least two) differ: close enough to be a typo, far enough that an unrelated name gets no suggestion.
     * Separators and case are ignored, so {@code RATE_LIMIT_APP_PER_MINUTE} suggests the dotted name.
     */
    public static Optional<String> closest(String name, Collection<String> candidates) {
        String wanted = normalise(name);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : new TreeSet<>(candidates)) {
            int threshold = Math.max(2, candidate.length() / 4);
            int d = new LevenshteinDistance(threshold).apply(wanted, normalise(candidate));
            if (d >= 0 && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    private static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
    }
}
