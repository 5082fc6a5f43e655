package dev.eventpipeline.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.store.StoreUnavailableException.Reason;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** Which failed reads are outages (503) and which are not (a bug or damaged data: 500). */
class StoreUnavailableExceptionTest {

    private static Reason postgres(String sqlState) {
        StoreUnavailableException e = StoreUnavailableException.classify(new SQLException("x", sqlState), SqlDialect.POSTGRESQL, "read");
        return e == null ? null : e.reason();
    }

    private static Reason sqlite(int code, String message) {
        StoreUnavailableException e = StoreUnavailableException.classify(new SQLException(message, null, code), SqlDialect.SQLITE, "read");
        return e == null ? null : e.reason();
    }

    @Test
    void postgresql_states() {
        assertThat(postgres("42P01")).isEqualTo(Reason.NOT_MIGRATED);
        assertThat(postgres("57014")).isEqualTo(Reason.TIMED_OUT);
        assertThat(postgres("08006")).isEqualTo(Reason.UNREACHABLE);
        assertThat(postgres("53300")).isEqualTo(Reason.UNREACHABLE);
        assertThat(postgres("57P01")).isEqualTo(Reason.UNREACHABLE);
        assertThat(postgres("40001")).isEqualTo(Reason.UNREACHABLE);
        assertThat(postgres("42601")).as("a syntax error is ours, not an outage").isNull();
        assertThat(postgres("22P02")).as("bad data is not an outage").isNull();
        assertThat(postgres(null)).isNull();
    }

    @Test
    void sqlite_codes() {
        assertThat(sqlite(1, "[SQLITE_ERROR] SQL error or missing database (no such table: events)")).isEqualTo(Reason.NOT_MIGRATED);
        assertThat(sqlite(1, "[SQLITE_ERROR] SQL error or missing database (near \"SELEC\": syntax error)")).isNull();
        assertThat(sqlite(9, "[SQLITE_INTERRUPT]")).isEqualTo(Reason.TIMED_OUT);
        assertThat(sqlite(5, "[SQLITE_BUSY]")).isEqualTo(Reason.UNREACHABLE);
        assertThat(sqlite(14, "[SQLITE_CANTOPEN]")).isEqualTo(Reason.UNREACHABLE);
        assertThat(sqlite(11, "[SQLITE_CORRUPT]")).isNull();
    }

    @Test
    void an_exhausted_or_unreachable_pool_is_unreachable_on_both() {
        for (SqlDialect d : SqlDialect.values()) {
            StoreUnavailableException e = StoreUnavailableException.classify(
                    new SQLTransientConnectionException("Connection is not available, request timed out after 2000ms"), d, "read");
            assertThat(e).isNotNull();
            assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
            assertThat(e.getMessage()).startsWith("UNREACHABLE: read: Connection is not available");
        }
    }
}
