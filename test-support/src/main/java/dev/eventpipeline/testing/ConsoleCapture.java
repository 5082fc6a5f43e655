package dev.eventpipeline.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/**
 * Runs a command-line entry point with {@code System.out} and {@code System.err} captured, for tests of
 * what a command prints. The streams are global: tests using this must not run concurrently with others
 * that print (JUnit runs a class's tests one at a time by default).
 */
public final class ConsoleCapture {

    private ConsoleCapture() {}

    /** What a command returned and printed. */
    public record Result(int exitCode, String stdout, String stderr) {}

    public static Result run(IntSupplier command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = command.getAsInt();
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
