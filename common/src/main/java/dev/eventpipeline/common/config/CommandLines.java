package dev.eventpipeline.common.config;

import java.io.PrintWriter;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every command of the project ends, so that operators and scripts see one convention:
 * <ul>
 *   <li>0: done (or, for a service, stopped on request);</li>
 *   <li>1: the program failed while running (a supervisor may restart it); a stack trace explains;</li>
 *   <li>2: the command line or a setting is wrong, or names something this machine cannot provide (a port
 *       in use, an unwritable directory): one line on stderr names the option or key and the cause, and
 *       nothing was started. Retrying without a change cannot help.</li>
 * </ul>
 * A {@link ConfigException} thrown by the command (or found as the cause of what it throws) becomes the
 * exit code 2 line; picocli's own usage errors become it too. Credentials inside URLs are hidden in those
 * lines ({@link Redaction}).
 */
public final class CommandLines {

    /** Exit code of a bad command line or setting. */
    public static final int BAD_SETTINGS = CommandLine.ExitCode.USAGE;

    private CommandLines() {}

    /**
     * Runs {@code command} and exits the JVM with its exit code unless that is 0. On 0 {@code main} just
     * returns: after SIGTERM a service's command returns while the shutdown hooks run, and the JVM must
     * end with the signal's code (143), which an {@code exit(0)} from here would not give.
     */
    public static void runAndExit(Object command, String[] args) {
        int code = create(command).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** A picocli command line for {@code command} with the project's exit-code conventions. */
    public static CommandLine create(Object command) {
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            ConfigException bad = configException(e);
            if (bad == null) {
                throw e; // picocli prints the stack trace and exits with 1
            }
            printLine(commandLine, bad.getMessage());
            return BAD_SETTINGS;
        });
        cli.setParameterExceptionHandler(CommandLines::usageError);
        return cli;
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        printLine(commandLine, e.getMessage() + " (see --help)");
        if (e instanceof UnmatchedArgumentException unmatched) {
            UnmatchedArgumentException.printSuggestions(unmatched, commandLine.getErr());
            commandLine.getErr().flush();
        }
        return BAD_SETTINGS;
    }

    private static void printLine(CommandLine commandLine, String message) {
        PrintWriter err = commandLine.getErr();
        err.println(commandLine.getCommandSpec().qualifiedName() + ": " + Redaction.hideUrlCredentials(message));
        err.flush();
    }

    private static ConfigException configException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConfigException c) {
                return c;
            }
        }
        return null;
    }
}
