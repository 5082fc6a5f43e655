package dev.eventpipeline.common.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Durations as operators write them: ISO-8601 ({@code PT24H}) or short ({@code 500ms}, {@code 10s}, {@code 5m}, {@code 24h}, {@code 7d}). */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {}

    public static Duration parse(String text) {
        String trimmed = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(trimmed);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(trimmed.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: use ISO-8601 (PT24H) or 500ms, 10s, 5m, 24h, 7d");
        }
    }

    /** The shortest form {@link #parse} reads back: {@code 14d}, {@code 36h}, {@code 90s}, {@code 250ms}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** A {@link ConfigDef.Validator} for string keys holding a positive duration. */
    public static ConfigDef.Validator positive() {
        return validator(false);
    }

    /** A {@link ConfigDef.Validator} for string keys holding a duration that may be zero. */
    public static ConfigDef.Validator nonNegative() {
        return validator(true);
    }

    private static ConfigDef.Validator validator(boolean zeroAllowed) {
        String kind = zeroAllowed ? "a duration of zero or more" : "a positive duration";
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                Duration d;
                try {
                    d = parse((String) value);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, e.getMessage());
                }
                if (d.isNegative() || d.isZero() && !zeroAllowed) {
                    throw new ConfigException(name, value, "must be " + kind);
                }
            }

            @Override
            public String toString() {
                return kind + ": ISO-8601 (PT24H) or 500ms, 10s, 5m, 24h, 7d";
            }
        };
    }
}
