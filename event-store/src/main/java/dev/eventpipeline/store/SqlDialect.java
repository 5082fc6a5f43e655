package dev.eventpipeline.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The few places where SQLite and PostgreSQL differ for the sink. Everything else (the upserts with
 * {@code ON CONFLICT}, {@code excluded.}, batching) is one code path.
 *
 * <p>Timestamps are bound as fixed-width ISO-8601 UTC text with microseconds. SQLite stores that
 * text as is, and because every value has the same width it sorts and compares correctly as text
 * (the definitions upsert relies on that); PostgreSQL casts it to {@code timestamptz}, whose
 * resolution is also the microsecond. JSON is bound as text: SQLite keeps it as text, PostgreSQL casts
 * it to {@code json} (not {@code jsonb}, which would reorder the keys the producer sent).
 */
public enum SqlDialect {
    SQLITE("sqlite", "?", "?"),
    POSTGRESQL("postgresql", "CAST(? AS json)", "CAST(? AS timestamptz)");

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final String vendor;
    private final String jsonParameter;
    private final String timestampParameter;

    SqlDialect(String vendor, String jsonParameter, String timestampParameter) {
        this.vendor = vendor;
        this.jsonParameter = jsonParameter;
        this.timestampParameter = timestampParameter;
    }

    /** The dialect of a JDBC URL; only SQLite and PostgreSQL are supported. */
    public static SqlDialect of(String jdbcUrl) {
        if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("only jdbc:sqlite: and jdbc:postgresql: URLs are supported");
    }

    /** Where this dialect's Flyway migrations live. */
    public String migrationLocation() {
        return "classpath:db/migration/" + vendor;
    }

    /** The placeholder for a JSON text parameter. */
    public String json() {
        return jsonParameter;
    }

    /** The placeholder for a timestamp parameter bound with {@link #timestamp(Instant)}. */
    public String timestampParam() {
        return timestampParameter;
    }

    /** The text a timestamp is bound as (see the class comment); null stays null. */
    public static String timestamp(Instant instant) {
        return instant == null ? null : TIMESTAMP.format(instant.truncatedTo(ChronoUnit.MICROS));
    }
}
