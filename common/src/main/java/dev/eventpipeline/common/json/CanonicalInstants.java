package dev.eventpipeline.common.json;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * ISO-8601 UTC instants ({@code 2026-11-27T08:00:00.123Z}), the form Jackson writes every timestamp of
 * the topics in, read and written without {@link DateTimeFormatter}, whose general parser allocates maps
 * per call and showed up as a tenth of dedupe-stream's CPU. Only the canonical shape is handled here;
 * callers fall back to the general path for anything else, so results are exactly those of
 * {@code DateTimeFormatter.ISO_INSTANT}. Used by the per-record readers and writers of dedupe-stream and
 * event-sink.
 */
public final class CanonicalInstants {

    private CanonicalInstants() {}

    /** The instant, or {@code null} when {@code s} is not {@code YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z}. */
    public static Instant parseCanonical(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if ((year | month | day | hour | minute | second) < 0 || month < 1 || month > 12 || day < 1 || hour > 23
                || minute > 59 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            int fractionDigits = n - 21;
            if (s.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9) {
                return null;
            }
            int fraction = digits(s, 20, n - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
        } else if (s.charAt(19) != 'Z') {
            return null;
        }
        if (day > LocalDate.of(year, month, 1).lengthOfMonth()) {
            return null;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3600L + minute * 60L + second, nanos);
    }

    /** Exactly {@code DateTimeFormatter.ISO_INSTANT.format(instant)}. */
    public static String format(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            return DateTimeFormatter.ISO_INSTANT.format(instant);
        }
        char[] out = new char[30];
        int i = 0;
        i = put(out, i, year, 4);
        out[i++] = '-';
        i = put(out, i, t.getMonthValue(), 2);
        out[i++] = '-';
        i = put(out, i, t.getDayOfMonth(), 2);
        out[i++] = 'T';
        i = put(out, i, t.getHour(), 2);
        out[i++] = ':';
        i = put(out, i, t.getMinute(), 2);
        out[i++] = ':';
        i = put(out, i, t.getSecond(), 2);
        int nanos = instant.getNano();
        if (nanos > 0) {
            out[i++] = '.';
            // ISO_INSTANT prints the fraction in groups of three digits: millis, micros or nanos.
            if (nanos % 1_000_000 == 0) {
                i = put(out, i, nanos / 1_000_000, 3);
            } else if (nanos % 1_000 == 0) {
                i = put(out, i, nanos / 1_000, 6);
            } else {
                i = put(out, i, nanos, 9);
            }
        }
        out[i++] = 'Z';
        return new String(out, 0, i);
    }

    private static int put(char[] out, int at, int value, int width) {
        for (int p = at + width - 1; p >= at; p--) {
            out[p] = (char) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }

    /** The decimal value of {@code s[from, to)}, or -1 if any of it is not a digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
