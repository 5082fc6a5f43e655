package dev.eventpipeline.store;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * A read could not be answered now, and may be later: the store is not there yet, not reachable,
 * or too slow. The HTTP layer answers {@code 503} (with {@code Retry-After}); any other failure of a
 * read is a bug or damaged data and surfaces as an unchecked exception (a {@code 500}).
 */
public final class StoreUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** The tables do not exist yet: the sink creates and migrates them when it starts. */
        NOT_MIGRATED,
        /** No connection: the database is down, unreachable, refusing connections, or the pool is exhausted. */
        UNREACHABLE,
        /** The read ran past the pool's query timeout and was cancelled. */
        TIMED_OUT
    }

    private final Reason reason;

    public StoreUnavailableException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /**
     * The outage a failed read is, or null when it is none (a mistake in the SQL, damaged data): those
     * must not hide behind a 503 that invites the client to retry forever.
     */
    static StoreUnavailableException classify(SQLException e, SqlDialect dialect, String where) {
        Reason reason = dialect == SqlDialect.SQLITE ? sqliteReason(e) : postgresReason(e);
        if (reason == null && (e instanceof SQLTransientException || e instanceof SQLRecoverableException)) {
            // Hikari's "connection is not available" (pool exhausted or database unreachable) is one of these.
            reason = Reason.UNREACHABLE;
        }
        return reason == null ? null : new StoreUnavailableException(reason, where + ": " + e.getMessage(), e);
    }

    /** SQLite's primary result codes (sqlite-jdbc reports them as the error code). */
    private static Reason sqliteReason(SQLException e) {
        String message = String.valueOf(e.getMessage());
        return switch (e.getErrorCode()) {
            case 1 -> message.contains("no such table") ? Reason.NOT_MIGRATED : null; // SQLITE_ERROR
            case 9 -> Reason.TIMED_OUT; // SQLITE_INTERRUPT: only the query timeout interrupts a read
            case 5, 6, 10, 14, 15 -> Reason.UNREACHABLE; // BUSY, LOCKED, IOERR, CANTOPEN, PROTOCOL
            default -> null;
        };
    }

    /** PostgreSQL's SQLSTATEs. */
    private static Reason postgresReason(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return null;
        }
        if (state.equals("42P01") || state.equals("3F000")) { // undefined_table, invalid_schema_name
            return Reason.NOT_MIGRATED;
        }
        if (state.equals("57014")) { // query_canceled: statement_timeout
            return Reason.TIMED_OUT;
        }
        // 08: connection exceptions; 53: too many connections, out of memory or disk; 57P0x: the server is
        // shutting down or starting; 3D000: the database does not exist (yet); 40001: a replica cancelled the
        // read because it conflicted with the replay of the primary's changes.
        if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
                || state.equals("3D000") || state.equals("40001")) {
            return Reason.UNREACHABLE;
        }
        return null;
    }
}
