package dev.eventpipeline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * A benchmark's scratch directory (broker logs, state stores, SQLite files): several GB per run, so it
 * is deleted when the run ends unless {@code --keep} asks to keep it for a look.
 */
public final class WorkDirectory implements AutoCloseable {

    /** The {@code --keep} option every benchmark takes ({@code @Mixin}). */
    public static final class Options {

        @Option(names = "--keep", description = "Keep the scratch directory (broker logs, state, databases) after the run and print its path.")
        boolean keep;

        public WorkDirectory create(String prefix) throws IOException {
            return new WorkDirectory(Files.createTempDirectory(prefix), keep);
        }
    }

    private final Path path;
    private final boolean keep;

    private WorkDirectory(Path path, boolean keep) {
        this.path = path;
        this.keep = keep;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        if (keep) {
            System.out.println("kept " + path);
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + path, e);
        }
    }
}
