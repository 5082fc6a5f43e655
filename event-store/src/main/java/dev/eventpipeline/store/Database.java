package dev.eventpipeline.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's database: a small connection pool for one JDBC URL, SQLite or PostgreSQL, and the
 * versioned migrations (Flyway, {@code db/migration/<vendor>/V<n>__*.sql}) applied at start-up.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final SqlDialect dialect;
    private final HikariDataSource dataSource;

    private Database(SqlDialect dialect, HikariDataSource dataSource) {
        this.dialect = dialect;
        this.dataSource = dataSource;
    }

    /**
     * Opens a pool without touching the database yet (it may be down: the caller decides how long to
     * wait, see {@link #awaitAndMigrate}). For SQLite the file's directory is created if missing.
     */
    public static Database open(String jdbcUrl, String user, String password, Duration connectTimeout) {
        SqlDialect dialect = SqlDialect.of(jdbcUrl);
        if (dialect == SqlDialect.SQLITE) {
            createSqliteDirectory(jdbcUrl);
        }
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("event-sink-db");
        hc.setJdbcUrl(jdbcUrl);
        if (!user.isEmpty()) {
            hc.setUsername(user);
        }
        if (!password.isEmpty()) {
            hc.setPassword(password);
        }
        // One writer thread uses one connection; the second serves migrations and checks while it is held.
        hc.setMaximumPoolSize(2);
        hc.setMinimumIdle(0);
        // Transactions are explicit: a batch is one transaction, committed before the offsets.
        hc.setAutoCommit(false);
        // How long one write attempt waits for a connection before it counts as a database outage.
        hc.setConnectionTimeout(Math.max(250, connectTimeout.toMillis()));
        hc.setValidationTimeout(Math.max(250, Math.min(connectTimeout.toMillis(), 5_000)));
        // The database may be down when we start: do not fail here, start-up waits for it with its own timeout.
        hc.setInitializationFailTimeout(-1);
        if (dialect == SqlDialect.SQLITE) {
            // WAL lets readers (reports, the tests, sqlite3) read while the sink writes.
            hc.addDataSourceProperty("journal_mode", "WAL");
            // FULL: every commit fsyncs the WAL, so a committed batch survives a power cut or an OS crash;
            // the offsets are committed right after it. NORMAL (in WAL mode) would skip that fsync, the
            // largest single cost of a batch on a slow disk: a committed batch would still survive a crash
            // of this process (the WAL is in the OS page cache), but the last batches before a power cut
            // or kernel panic could roll back with their offsets already committed, i.e. events lost.
            hc.addDataSourceProperty("synchronous", "FULL");
            // Another writer holding the lock this long counts as an outage (paused, retried with back-off).
            hc.addDataSourceProperty("busy_timeout", Long.toString(Math.max(250, connectTimeout.toMillis())));
        } else {
            // A default only (a socketTimeout in the URL wins): a silent network must not hang a write forever.
            hc.addDataSourceProperty("socketTimeout", "60");
            hc.addDataSourceProperty("connectTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
        }
        return new Database(dialect, new HikariDataSource(hc));
    }

    /**
     * Waits until the database answers (retrying every second) and applies pending migrations;
     * fails with the last error when {@code timeout} passes first.
     */
    public void awaitAndMigrate(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last;
        while (true) {
            try {
                migrate();
                return;
            } catch (RuntimeException e) {
                last = e;
                LOG.warn("database not ready for migration ({}); retrying", rootMessage(e));
            }
            if (System.nanoTime() + 1_000_000_000L > deadline) {
                throw new IllegalStateException("database " + redactedUrl() + " not reachable or not migratable within "
                        + timeout + ": " + rootMessage(last), last);
            }
            try {
                Thread.sleep(1_000); // start-up retry pace; not a test sleep
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the database", e);
            }
        }
    }

    private void migrate() {
        MigrateResult result = Flyway.configure(Database.class.getClassLoader())
                .dataSource(dataSource)
                .locations(dialect.migrationLocation())
                // No placeholders in our SQL; ${...} in a comment must not be interpreted.
                .placeholderReplacement(false)
                .load()
                .migrate();
        LOG.info("database schema at version {} ({} migration(s) applied now)",
                result.targetSchemaVersion == null ? "current" : result.targetSchemaVersion, result.migrationsExecuted);
    }

    public SqlDialect dialect() {
        return dialect;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    public String redactedUrl() {
        String url = dataSource.getJdbcUrl();
        return url.replaceAll("(?i)(password=)[^&;]*", "$1[hidden]");
    }

    @Override
    public void close() {
        dataSource.close();
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** {@code jdbc:sqlite:./data/events.db?x=y} -> creates {@code ./data}; in-memory databases need nothing. */
    static void createSqliteDirectory(String jdbcUrl) {
        String path = jdbcUrl.substring("jdbc:sqlite:".length());
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (path.startsWith("file:")) {
            path = path.substring("file:".length());
        }
        if (path.isEmpty() || path.startsWith(":memory:") || path.contains("mode=memory")) {
            return;
        }
        Path parent = Paths.get(path).toAbsolutePath().getParent();
        if (parent != null) {
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the directory of the SQLite file " + path, e);
            }
        }
    }
}
