package dev.eventpipeline.common.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings of several services run by one launcher (the standalone pipeline), taken with the names
 * the services' own jars use, and routed to the services that declare them.
 *
 * <p>Each service has a scope word ({@code ingest}, {@code dedupe}, {@code sink}). A key is read so:
 * <ol>
 *   <li>a name some service declares, or any {@code kafka.*} name, is a <em>plain</em> key and goes to every
 *       service that declares it ({@code shutdown.timeout} to dedupe-stream and event-sink,
 *       {@code kafka.linger.ms} to all); {@code dedupe.window} is plain because dedupe-stream declares it;</li>
 *   <li>otherwise {@code <scope>.<name>}, where that service declares {@code <name>}, is <em>aimed</em> at
 *       that service only ({@code sink.shutdown.timeout}, environment {@code SINK_SHUTDOWN_TIMEOUT});</li>
 *   <li>anything else is unknown and stops start-up, with the closest valid name suggested.</li>
 * </ol>
 * Rule 1 before rule 2 could make a name mean two things if some service declared {@code <scope>.<name>}
 * while that scope's service declared {@code <name>}; the constructor refuses such a set of services, so
 * a new setting cannot quietly change what an existing key means.
 *
 * <p>Sources are applied in the order given (later wins); within one source an aimed key wins over the
 * plain one for its service. Keys the launcher owns ({@link #fixed}) are refused in any source but the
 * environment, which is shared with other programs: there they are ignored with a warning.
 */
public final class SettingsRouter {

    private static final Logger LOG = LoggerFactory.getLogger(SettingsRouter.class);

    private final Map<String, ConfigDef> services;
    private final Map<String, Fixed> fixed = new LinkedHashMap<>();

    /** One source of settings; {@code name} says where they came from in messages ({@code --set}, a file). */
    public record Source(String name, Map<String, String> settings, boolean fromEnvironment) {
        public static Source of(String name, Map<String, String> settings) {
            return new Source(name, settings, false);
        }
    }

    private record Fixed(Object value, String reason) {}

    /** {@code services}: scope word to the service's declared settings, in the order messages list them. */
    public SettingsRouter(Map<String, ConfigDef> services) {
        this.services = new LinkedHashMap<>(services);
        requireUnambiguous();
    }

    /**
     * Makes {@code key} the launcher's own: every service declaring it gets {@code value}, and a source that
     * sets it (plainly or aimed) is refused with {@code reason} (for example what to use instead).
     */
    public SettingsRouter fixed(String key, Object value, String reason) {
        if (scopesDeclaring(key).isEmpty()) {
            throw new IllegalArgumentException("no service declares " + key);
        }
        fixed.put(key, new Fixed(value, reason));
        return this;
    }

    /**
     * The settings the environment holds for these services, by key: each declared name's variable
     * ({@code SHUTDOWN_TIMEOUT}), the same aimed at one service ({@code SINK_SHUTDOWN_TIMEOUT}), and the
     * Kafka client pass-through of {@link ConfigSources#fromEnvironment} (also aimed:
     * {@code SINK_KAFKA_MAX_POLL_RECORDS}). Nothing else in the environment is looked at.
     */
    public Source environment(Map<String, String> env) {
        Map<String, String> found = new LinkedHashMap<>();
        services.values().forEach(def -> found.putAll(ConfigSources.fromEnvironment(def, env)));
        services.forEach((scope, def) -> {
            String prefix = ConfigSources.envName(scope) + "_";
            Map<String, String> aimed = new LinkedHashMap<>();
            env.forEach((name, value) -> {
                if (name.startsWith(prefix)) {
                    aimed.put(name.substring(prefix.length()), value);
                }
            });
            ConfigSources.fromEnvironment(def, aimed).forEach((key, value) -> found.put(scope + "." + key, value));
        });
        return new Source("the environment", found, true);
    }

    /** Each service's settings (scope to key to value), from {@code sources} in rising precedence, then the fixed keys. */
    public Map<String, Map<String, Object>> route(List<Source> sources) {
        Map<String, Map<String, Object>> routed = new LinkedHashMap<>();
        services.keySet().forEach(scope -> routed.put(scope, new LinkedHashMap<>()));
        for (Source source : sources) {
            apply(source, routed);
        }
        fixed.forEach((key, f) -> scopesDeclaring(key).forEach(scope -> routed.get(scope).put(key, f.value())));
        return routed;
    }

    /** Every key a source may hold: plain names and each service's aimed names. */
    public Set<String> validKeys() {
        Set<String> keys = new LinkedHashSet<>();
        services.values().forEach(def -> keys.addAll(def.names()));
        services.forEach((scope, def) -> def.names().forEach(name -> keys.add(scope + "." + name)));
        return keys;
    }

    private void apply(Source source, Map<String, Map<String, Object>> routed) {
        Map<String, String> plain = new LinkedHashMap<>();
        Map<String, Map<String, String>> aimed = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        source.settings().forEach((key, value) -> {
            if (!scopesDeclaring(key).isEmpty()) {
                plain.put(key, value);
                return;
            }
            String scope = aimedScope(key);
            if (scope == null) {
                unknown.add(key);
            } else {
                aimed.computeIfAbsent(scope, s -> new LinkedHashMap<>()).put(key.substring(scope.length() + 1), value);
            }
        });
        SettingNames.requireKnown(unknown, key -> false, this::suggestion, source.name());

        plain.keySet().removeIf(key -> isFixed(source, key, key));
        aimed.forEach((scope, settings) -> settings.keySet().removeIf(key -> isFixed(source, key, scope + "." + key)));

        plain.forEach((key, value) -> scopesDeclaring(key).forEach(scope -> routed.get(scope).put(key, value)));
        aimed.forEach((scope, settings) -> routed.get(scope).putAll(settings));
    }

    /** True when {@code key} is the launcher's own and the source's value must be dropped; refuses it unless from the environment. */
    private boolean isFixed(Source source, String key, String asGiven) {
        Fixed f = fixed.get(key);
        if (f == null) {
            return false;
        }
        if (!source.fromEnvironment()) {
            throw new ConfigException("'" + asGiven + "' in " + source.name() + " cannot be set here: " + f.reason());
        }
        LOG.warn("ignoring {} from the environment ({}): {}", asGiven, ConfigSources.envName(asGiven), f.reason());
        return true;
    }

    /**
     * What an unknown key was probably meant to be: aimed at a service that does not declare the name, the
     * same name aimed at one that does ({@code ingest.batch.size}: {@code sink.batch.size}); else the
     * closest valid key by edit distance.
     */
    private Optional<String> suggestion(String key) {
        int dot = key.indexOf('.');
        if (dot > 0 && services.containsKey(key.substring(0, dot))) {
            String name = key.substring(dot + 1);
            List<String> declaring = scopesDeclaring(name);
            if (!declaring.isEmpty()) {
                return Optional.of(declaring.get(0) + "." + name);
            }
        }
        return SettingNames.closest(key, validKeys());
    }

    private String aimedScope(String key) {
        int dot = key.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        String scope = key.substring(0, dot);
        ConfigDef def = services.get(scope);
        return def != null && SettingNames.isKnown(def.names(), key.substring(dot + 1)) ? scope : null;
    }

    private List<String> scopesDeclaring(String key) {
        List<String> scopes = new ArrayList<>();
        services.forEach((scope, def) -> {
            if (SettingNames.isKnown(def.names(), key)) {
                scopes.add(scope);
            }
        });
        return scopes;
    }

    private void requireUnambiguous() {
        Set<String> plain = new LinkedHashSet<>();
        services.values().forEach(def -> plain.addAll(def.names()));
        Map<String, String> plainByEnv = new LinkedHashMap<>();
        plain.forEach(name -> plainByEnv.put(ConfigSources.envName(name), name));
        services.forEach((scope, def) -> def.names().forEach(name -> {
            String aimed = scope + "." + name;
            String sameVariable = plainByEnv.get(ConfigSources.envName(aimed));
            if (plain.contains(aimed) || sameVariable != null) {
                throw new IllegalArgumentException("'" + aimed + "' would mean both setting '" + (sameVariable != null ? sameVariable : aimed)
                        + "' and '" + name + "' aimed at " + scope + ": rename one of them");
            }
        }));
    }
}
