package dev.eventpipeline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;

/**
 * A fresh, empty database for one test, on SQLite (a file in a new temporary directory) or
 * PostgreSQL (a new schema in the configured database), with a way to make it unavailable and back.
 *
 * <p>PostgreSQL is {@value #POSTGRES_ENV} when set, else {@value #DEFAULT_POSTGRES_URL}. When that
 * variable is unset and nothing answers at the default address, PostgreSQL cases are skipped with a
 * message saying so; when it is set and unreachable they fail.
 */
public abstract class TestDatabase implements AutoCloseable {

    public static final String POSTGRES_ENV = "SINK_TEST_POSTGRES_URL";
    public static final String DEFAULT_POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    /** The argument source of every store and sink test: one case per database. */
    public static Stream<Named<Kind>> kinds() {
        return Stream.of(Named.of("sqlite", Kind.SQLITE), Named.of("postgresql", Kind.POSTGRESQL));
    }

    public enum Kind { SQLITE, POSTGRESQL }

    public static TestDatabase create(Kind kind) {
        return kind == Kind.SQLITE ? new Sqlite() : new Postgres();
    }

    /** The URL the sink under test uses. */
    public abstract String jdbcUrl();

    public abstract String name();

    /** From now on the sink's writes fail (the database is unreachable or locked). */
    public abstract void startOutage();

    public abstract void endOutage();

    /** A connection for the test's own reads, unaffected by {@link #startOutage()}. */
    public abstract Connection connect() throws SQLException;

    public long count(String table) {
        return queryLong("SELECT COUNT(*) FROM " + table);
    }

    public long queryLong(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError("query failed on " + name() + ": " + sql, e);
        }
    }

    /** Every row of a query, each as a list of its columns as strings. */
    public List<List<String>> rows(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            List<List<String>> out = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new AssertionError("query failed on " + name() + ": " + sql, e);
        }
    }

    static final class Sqlite extends TestDatabase {
        private final Path dir;
        private final Path file;
        private Connection lockHolder;

        Sqlite() {
            try {
                dir = Files.createTempDirectory("sink-sqlite-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // A sub-directory that does not exist yet: the sink must create it.
            file = dir.resolve("data").resolve("events.db");
        }

        @Override
        public String jdbcUrl() {
            return "jdbc:sqlite:" + file;
        }

        @Override
        public String name() {
            return "sqlite " + file;
        }

        @Override
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(jdbcUrl());
        }

        /** An exclusive write lock held by another connection: the sink's writes time out with SQLITE_BUSY. */
        @Override
        public void startOutage() {
            try {
                lockHolder = connect();
                try (Statement s = lockHolder.createStatement()) {
                    s.execute("BEGIN EXCLUSIVE");
                }
            } catch (SQLException e) {
                throw new AssertionError("cannot lock " + file, e);
            }
        }

        @Override
        public void endOutage() {
            try (Connection c = lockHolder; Statement s = c.createStatement()) {
                s.execute("ROLLBACK");
            } catch (SQLException e) {
                throw new AssertionError("cannot unlock " + file, e);
            } finally {
                lockHolder = null;
            }
        }

        @Override
        public void close() throws IOException {
            if (lockHolder != null) {
                endOutage();
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static final class Postgres extends TestDatabase {
        private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/(.*)");

        private final String baseUrl;
        private final String schema;
        private final TcpProxy proxy;
        private final String sinkUrl;

        Postgres() {
            String configured = System.getenv(POSTGRES_ENV);
            baseUrl = configured == null || configured.isBlank() ? DEFAULT_POSTGRES_URL : configured;
            schema = "sink_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
            try (Connection c = DriverManager.getConnection(baseUrl); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            } catch (SQLException e) {
                if (configured == null || configured.isBlank()) {
                    String message = "PostgreSQL case SKIPPED: nothing answers at " + DEFAULT_POSTGRES_URL
                            + " and " + POSTGRES_ENV + " is not set (" + e.getMessage() + ")";
                    System.err.println(message);
                    Assumptions.abort(message);
                }
                throw new AssertionError("PostgreSQL configured by " + POSTGRES_ENV + " is not usable: " + baseUrl, e);
            }
            Matcher m = URL.matcher(baseUrl);
            if (!m.matches()) {
                throw new AssertionError(POSTGRES_ENV + " must look like jdbc:postgresql://host[:port]/db[?params]: " + baseUrl);
            }
            proxy = new TcpProxy(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
            String rest = m.group(3);
            String sep = rest.contains("?") ? "&" : "?";
            sinkUrl = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + rest + sep + "currentSchema=" + schema;
        }

        @Override
        public String jdbcUrl() {
            return sinkUrl;
        }

        @Override
        public String name() {
            return "postgresql schema " + schema;
        }

        @Override
        public Connection connect() throws SQLException {
            Connection c = DriverManager.getConnection(baseUrl);
            try (Statement s = c.createStatement()) {
                s.execute("SET search_path TO " + schema);
            }
            return c;
        }

        /** The network between the sink and PostgreSQL is cut; the server keeps running. */
        @Override
        public void startOutage() {
            proxy.cut();
        }

        @Override
        public void endOutage() {
            proxy.restore();
        }

        @Override
        public void close() throws SQLException {
            proxy.close();
            try (Connection c = DriverManager.getConnection(baseUrl); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
