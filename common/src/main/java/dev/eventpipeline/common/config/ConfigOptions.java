package dev.eventpipeline.common.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Option;

/**
 * The options every service jar and the standalone launcher take for their settings, as a picocli mixin
 * ({@code @Mixin ConfigOptions settings;}): {@code --config FILE} and {@code --set key=value}, repeatable.
 * Run the command through {@link CommandLines} so that a bad setting ends it with exit code 2.
 */
public final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with settings; the environment and --set win over it.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "One setting (repeatable); wins over the file and the environment.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** The properties file given, or null. */
    public Path configFile() {
        return configFile;
    }

    /** The {@code --set} settings in the order given (a key given twice keeps its last value). */
    public Map<String, String> overrides() {
        return overrides;
    }

    /**
     * The settings of the service declared by {@code def}: its defaults, the file, the environment and the
     * overrides ({@link ConfigSources#load}). A key the service does not declare is a
     * {@link org.apache.kafka.common.config.ConfigException}.
     */
    public Map<String, Object> load(ConfigDef def, Map<String, String> env) {
        return ConfigSources.load(def, env, configFile, overrides);
    }
}
