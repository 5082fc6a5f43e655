package dev.eventpipeline.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Applied migrations are frozen: Flyway refuses to start on a database whose applied migration
 * changed (its checksum), so a change goes into a new V&lt;n&gt; file. Add each new file here once it
 * has been released; never change a line of this table.
 */
class MigrationFilesTest {

    private static final Map<String, String> RELEASED = new TreeMap<>(Map.of(
            "sqlite/V1__events_definitions_summaries.sql", "0dfacd624c979596eac643437eaa7fa4363e5bfde5c16664c491fb9bb350dfe2",
            "sqlite/V2__summaries_without_rowid.sql", "0570407d7779a02a903c37a822025584ee70f496a1e58affef535a26312ae5e8",
            "postgresql/V1__events_definitions_summaries.sql", "810ff135157fcf1355da7a340fed63ea9a1e73c2fb1ef0cb3f6db1dd9a0f470f"));

    @Test
    void released_migrations_are_unchanged_byte_for_byte() throws Exception {
        Map<String, String> actual = new TreeMap<>();
        for (String file : RELEASED.keySet()) {
            actual.put(file, sha256("/db/migration/" + file));
        }
        assertThat(actual).isEqualTo(RELEASED);
    }

    @Test
    void both_databases_reach_version_3_with_the_listing_index() {
        assertThat(MigrationFilesTest.class.getResource("/db/migration/sqlite/V3__events_by_contact_time.sql")).isNotNull();
        assertThat(MigrationFilesTest.class.getResource("/db/migration/postgresql/V3__events_by_contact_time.sql")).isNotNull();
    }

    private static String sha256(String resource) throws IOException, NoSuchAlgorithmException {
        try (InputStream in = MigrationFilesTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        }
    }
}
