package dev.eventpipeline.bench.pipeline;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * Rows in the sink's {@code events} table, read from the SQLite file the standalone writes, on a
 * connection of its own. SQLite runs in WAL mode there, so this reader never blocks the sink's writer.
 * The table's primary key is the event id: a count of rows is a count of distinct events.
 */
final class StoredEvents implements AutoCloseable {

    private final Connection connection;

    StoredEvents(String jdbcUrl) throws SQLException {
        if (!jdbcUrl.startsWith("jdbc:sqlite:")) {
            throw new IllegalArgumentException("the pipeline benchmark counts rows in the standalone's SQLite file, not " + jdbcUrl);
        }
        SQLiteConfig config = new SQLiteConfig();
        // Read only: this connection must never take SQLite's write lock from the sink.
        config.setReadOnly(true);
        // The sink's checkpoints hold a lock for moments; a count waits for them rather than failing.
        config.setBusyTimeout(10_000);
        connection = DriverManager.getConnection(jdbcUrl, config.toProperties());
    }

    long count() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
