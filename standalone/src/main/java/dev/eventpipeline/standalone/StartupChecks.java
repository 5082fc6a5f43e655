package dev.eventpipeline.standalone;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigException;

/**
 * What the launcher checks on this machine before it starts anything, so that a port in use or an
 * unwritable data directory ends the start with one line naming the option (exit code 2, through
 * {@link dev.eventpipeline.common.config.CommandLines}) instead of a stack trace twenty seconds in.
 */
final class StartupChecks {

    private StartupChecks() {}

    /** Creates {@code dir} if missing and proves it writable with a file that is deleted at once. */
    static Path writableDirectory(String option, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".write-check-", ""));
            return dir;
        } catch (IOException | SecurityException e) {
            throw new ConfigException(option + " " + dir + ": cannot create or write it (" + e + ")");
        }
    }

    /**
     * Fails when another process listens on {@code host:port}. Binding and releasing it is the check the
     * real bind will make a moment later; a process taking the port in between is caught by
     * {@link #portsInUseAsConfigErrors}.
     */
    static void portFree(String option, String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            // As Jetty and Kafka bind: a port whose last connections linger in TIME_WAIT is still free to them.
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new ConfigException(option + " " + port + ": cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); another process may hold it: choose another port, or 0 for a free one");
        }
    }

    /** Runs {@code start}; a bind failure anywhere inside becomes the one-line error of a port in use. */
    static <T> T portsInUseAsConfigErrors(Supplier<T> start) {
        try {
            return start.get();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof BindException) {
                    throw new ConfigException("a port of the pipeline is in use (" + t.getMessage()
                            + "): check --http-port and --kafka-port, or use 0 for free ones");
                }
            }
            throw e;
        }
    }
}
