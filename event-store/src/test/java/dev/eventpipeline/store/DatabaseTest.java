package dev.eventpipeline.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

    @Test
    void creates_the_missing_directory_of_a_sqlite_file(@TempDir Path tmp) {
        Path file = tmp.resolve("a").resolve("b").resolve("events.db");
        Database.createSqliteDirectory("jdbc:sqlite:" + file + "?journal_mode=WAL");
        assertThat(file.getParent()).isDirectory();
        assertThat(Files.exists(file)).isFalse();
    }

    @Test
    void accepts_file_urls_and_leaves_in_memory_databases_alone(@TempDir Path tmp) {
        Path file = tmp.resolve("c").resolve("events.db");
        Database.createSqliteDirectory("jdbc:sqlite:file:" + file);
        assertThat(file.getParent()).isDirectory();
        Database.createSqliteDirectory("jdbc:sqlite::memory:");
        Database.createSqliteDirectory("jdbc:sqlite:");
    }
}
