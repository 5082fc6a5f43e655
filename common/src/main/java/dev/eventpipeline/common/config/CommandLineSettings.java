package dev.eventpipeline.common.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command line every service jar takes: {@code [--config FILE] [--set key=value]...}. The file and
 * the overrides feed {@link ConfigSources#load}; overrides win over the file and the environment.
 */
public record CommandLineSettings(Path configFile, Map<String, String> overrides) {

    public static final String USAGE = "[--config FILE] [--set key=value]...";

    /** Parses the arguments; anything else is an {@link IllegalArgumentException} that names it and shows the usage. */
    public static CommandLineSettings parse(String[] args) {
        Path file = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--config") || arg.equals("--set")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value; usage: " + USAGE);
                }
                String value = args[++i];
                if (arg.equals("--config")) {
                    file = Path.of(value);
                } else {
                    put(overrides, value);
                }
            } else if (arg.startsWith("--config=")) {
                file = Path.of(arg.substring("--config=".length()));
            } else if (arg.startsWith("--set=")) {
                put(overrides, arg.substring("--set=".length()));
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg + "'; usage: " + USAGE);
            }
        }
        return new CommandLineSettings(file, overrides);
    }

    private static void put(Map<String, String> overrides, String setting) {
        int eq = setting.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("'" + setting + "' is not key=value; usage: " + USAGE);
        }
        overrides.put(setting.substring(0, eq), setting.substring(eq + 1));
    }
}
