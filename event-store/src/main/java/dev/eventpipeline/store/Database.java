package dev.eventpipeline.store;

import com.zaxxer.hikari.HikariConfig;
import dev.eventpipeline.common.config.Redaction;
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
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteOpenMode;

/**
 * The store's database: a small connection pool for one JDBC URL, SQLite or PostgreSQL. Two kinds:
 * <ul>
 *   <li>the sink's writer ({@link #open}), which applies the versioned migrations (Flyway,
 *       {@code db/migration/<vendor>/V<n>__*.sql}) at start-up: the schema has this one owner;</li>
 *   <li>a read pool ({@link #openForReads}), read-only, never migrating, with a query timeout, for the
 *       services that read the store ({@code GET /events}); its reads go through {@link #read}.</li>
 * </ul>
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /** SQLite's open flag SQLITE_OPEN_READONLY, as sqlite-jdbc's {@code open_mode} property takes it. */
    private static final String SQLITE_OPEN_READONLY = Integer.toString(SQLiteOpenMode.READONLY.flag);
    /**
     * How many virtual-machine steps SQLite runs between two checks of a read's deadline: frequent enough
     * that a read overruns its timeout by far less than a millisecond, rare enough to cost nothing measurable.
     */
    private static final int SQLITE_DEADLINE_CHECK_STEPS = 1_000;

    private final SqlDialect dialect;
    private final HikariDataSource dataSource;
    private final boolean readOnly;
    /** Of a read pool: the longest one read may run. Zero for the writer, whose writes are bounded by their batch. */
    private final Duration queryTimeout;
    /** Of a read pool on SQLite: the file, which must exist before a read is tried (the sink creates it). */
    private final Path sqliteFile;

    private Database(SqlDialect dialect, HikariDataSource dataSource, boolean readOnly, Duration queryTimeout, Path sqliteFile) {
        this.dialect = dialect;
        this.dataSource = dataSource;
        this.readOnly = readOnly;
        this.queryTimeout = queryTimeout;
        this.sqliteFile = sqliteFile;
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
        return new Database(dialect, new HikariDataSource(hc), false, Duration.ZERO, null);
    }

    /**
     * Opens a pool for reads only, on its own URL (the sink's database, or a PostgreSQL replica of it).
     * It never migrates and never writes; the tables may not exist yet, which a read reports as
     * {@link StoreUnavailableException.Reason#NOT_MIGRATED}. Nothing is connected until the first read.
     *
     * <p>It cannot slow the sink's writes by locking: on SQLite the file is opened read-only (the
     * connection can never take the write lock) and in WAL mode, which the writer keeps the file in,
     * readers and the writer do not block each other. What a long read does hold back is the WAL
     * checkpoint: SQLite cannot copy WAL frames newer than an open read's snapshot into the database, nor
     * restart the WAL from its beginning while that read lasts, so the WAL file grows for as long as the
     * read runs. The query timeout bounds that (and on PostgreSQL how long a read holds back vacuum, or a
     * replica's replay). The pool's size bounds how much CPU reads can take from the writer.
     */
    public static Database openForReads(ReadPoolSettings settings) {
        SqlDialect dialect = SqlDialect.of(settings.jdbcUrl());
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("event-store-reads");
        hc.setJdbcUrl(settings.jdbcUrl());
        if (!settings.user().isEmpty()) {
            hc.setUsername(settings.user());
        }
        if (!settings.password().isEmpty()) {
            hc.setPassword(settings.password());
        }
        hc.setMaximumPoolSize(settings.poolSize());
        // Connections are opened on demand: before the sink has created the database there is nothing to open.
        hc.setMinimumIdle(0);
        // One statement, one read transaction: no snapshot is held between reads (in WAL mode an open read
        // transaction would keep the writer's checkpoints from completing).
        hc.setAutoCommit(true);
        // Hikari calls setReadOnly(true) on each connection: PostgreSQL then refuses any write.
        hc.setReadOnly(true);
        hc.setConnectionTimeout(settings.connectTimeout().toMillis());
        hc.setValidationTimeout(Math.max(250, Math.min(settings.connectTimeout().toMillis(), 5_000)));
        // Start without the database (the sink may not have created it yet); reads report it.
        hc.setInitializationFailTimeout(-1);
        Path sqliteFile = null;
        if (dialect == SqlDialect.SQLITE) {
            sqliteFile = sqliteFile(settings.jdbcUrl());
            // SQLITE_OPEN_READONLY: never creates the file, never takes the write lock. The journal mode is not
            // set here (a read-only connection cannot): WAL is a property of the file, set by the writer.
            hc.addDataSourceProperty("open_mode", SQLITE_OPEN_READONLY);
            // A WAL reader waits for a lock only in rare moments (recovery after the writer crashed); this long
            // at most, then the read fails as unavailable.
            hc.addDataSourceProperty("busy_timeout", Long.toString(settings.connectTimeout().toMillis()));
        } else {
            // With autocommit on, pgjdbc's default readOnlyMode (transaction) would not make the session read-only.
            hc.addDataSourceProperty("readOnlyMode", "always");
            // The query timeout, enforced by the server (a replica too): the statement is cancelled there, and no
            // client-side timer thread is needed.
            hc.setConnectionInitSql("SET statement_timeout = " + settings.queryTimeout().toMillis());
            // Defaults only (values in the URL win): a silent network must not hang a read past its timeout for long.
            hc.addDataSourceProperty("socketTimeout",
                    Long.toString(Math.max(1, settings.queryTimeout().plus(settings.connectTimeout()).toSeconds() + 1)));
            hc.addDataSourceProperty("connectTimeout", Long.toString(Math.max(1, settings.connectTimeout().toSeconds())));
        }
        return new Database(dialect, new HikariDataSource(hc), true, settings.queryTimeout(), sqliteFile);
    }

    /** One read on a pooled connection. */
    @FunctionalInterface
    public interface Read<T> {
        T apply(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code read} on a connection of this read pool, bounded by the query timeout. An outage (the
     * tables or the SQLite file not there yet, no connection, the timeout) is a
     * {@link StoreUnavailableException}; any other {@link SQLException} is a bug or damaged data and is
     * thrown as an {@link IllegalStateException}.
     */
    public <T> T read(Read<T> read) throws StoreUnavailableException {
        if (!readOnly) {
            // The writer's two connections belong to the sink's batches; reads have a pool of their own.
            throw new IllegalStateException("read() needs a pool from Database.openForReads");
        }
        if (sqliteFile != null && !Files.exists(sqliteFile)) {
            // Without this check every read would wait the whole connect timeout for a file that is not there.
            throw new StoreUnavailableException(StoreUnavailableException.Reason.NOT_MIGRATED,
                    "the SQLite file " + sqliteFile + " does not exist yet (the sink creates it when it starts)", null);
        }
        try (Connection c = dataSource.getConnection()) {
            if (dialect == SqlDialect.SQLITE) {
                return readWithDeadline(c, read);
            }
            return read.apply(c);
        } catch (SQLException e) {
            StoreUnavailableException outage = StoreUnavailableException.classify(e, dialect, "read of " + redactedUrl());
            if (outage != null) {
                throw outage;
            }
            throw new IllegalStateException("read of " + redactedUrl() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * SQLite: sqlite-jdbc's {@code setQueryTimeout} only sets how long to wait for a lock, so the query
     * timeout is a progress handler that interrupts the statement (SQLITE_INTERRUPT) once the deadline passed.
     */
    private <T> T readWithDeadline(Connection c, Read<T> read) throws SQLException {
        Connection sqlite = c.unwrap(SQLiteConnection.class);
        long deadline = System.nanoTime() + queryTimeout.toNanos();
        ProgressHandler.setHandler(sqlite, SQLITE_DEADLINE_CHECK_STEPS, new ProgressHandler() {
            @Override
            protected int progress() {
                return System.nanoTime() - deadline > 0 ? 1 : 0;
            }
        });
        try {
            return read.apply(c);
        } finally {
            try {
                ProgressHandler.clearHandler(sqlite);
            } catch (SQLException e) {
                // A handler left behind would interrupt the next read of this connection at once: drop the connection.
                LOG.warn("could not clear the read deadline of a connection; evicting it from the pool ({})", rootMessage(e));
                dataSource.evictConnection(c);
            }
        }
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    /** Of a read pool, the longest one read may run; zero for the writer. */
    public Duration queryTimeout() {
        return queryTimeout;
    }

    /**
     * Waits until the database answers (retrying every second) and applies pending migrations;
     * fails with the last error when {@code timeout} passes first.
     */
    public void awaitAndMigrate(Duration timeout) {
        if (readOnly) {
            throw new IllegalStateException("a read pool never migrates: the sink's writer owns the schema");
        }
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
        return redact(dataSource.getJdbcUrl());
    }

    static String redact(String jdbcUrl) {
        // The project's one rule for credentials in URLs: user:pass@, password=, sslpassword=, token=, ...
        return Redaction.hideUrlCredentials(jdbcUrl);
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
        Path file = sqliteFile(jdbcUrl);
        Path parent = file == null ? null : file.toAbsolutePath().getParent();
        if (parent != null) {
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the directory of the SQLite file " + file, e);
            }
        }
    }

    /** The file of a {@code jdbc:sqlite:} URL; null for an in-memory database. */
    static Path sqliteFile(String jdbcUrl) {
        String path = jdbcUrl.substring("jdbc:sqlite:".length());
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (path.startsWith("file:")) {
            path = path.substring("file:".length());
        }
        if (path.isEmpty() || path.startsWith(":memory:") || path.contains("mode=memory")) {
            return null;
        }
        return Paths.get(path);
    }
}
