package dev.eventpipeline.ingest.api;

import java.util.LinkedHashSet;
import java.util.Set;

/** The {@code Intercom-Version} values http-api.md accepts: 1.0-1.4, 2.0-2.17, Unstable, Preview (case-sensitive, as Intercom). */
public final class IntercomVersions {

    public static final String HEADER = "Intercom-Version";
    private static final Set<String> VALID = valid();

    private IntercomVersions() {}

    public static boolean isValid(String version) {
        return VALID.contains(version);
    }

    private static Set<String> valid() {
        Set<String> v = new LinkedHashSet<>();
        for (int i = 0; i <= 4; i++) {
            v.add("1." + i);
        }
        for (int i = 0; i <= 17; i++) {
            v.add("2." + i);
        }
        v.add("Unstable");
        v.add("Preview");
        return Set.copyOf(v);
    }

    public static Set<String> all() {
        return VALID;
    }
}
