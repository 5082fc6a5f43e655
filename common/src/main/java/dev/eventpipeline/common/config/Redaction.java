package dev.eventpipeline.common.config;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secrets wherever configuration is shown: the effective-configuration log line of every service,
 * the standalone launcher's READY line, and the error messages of a bad setting. Everything that prints
 * configuration goes through here, so one rule decides what an operator's log may hold.
 *
 * <p>Two kinds of secrets: settings whose name says they are one ({@code jdbc.password},
 * {@code kafka.sasl.jaas.config}, {@code auth.dev.token}), hidden whole; and credentials inside a URL
 * held by any setting or message ({@code jdbc:postgresql://u:secret@host/db},
 * {@code ...?user=u&password=secret}), of which only the secret part is hidden so that the URL still says
 * where it points. A user name alone ({@code postgres://app@host}) is not a secret and stays.
 */
public final class Redaction {

    public static final String HIDDEN = "[hidden]";

    /** Names of settings whose whole value is secret. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|jaas|token|credential|key\\.).*");

    /**
     * {@code scheme://user:password@host}: the password runs to the last {@code @} of the authority, so a
     * password with an {@code @} in it is hidden whole rather than cut at its first {@code @}.
     */
    private static final Pattern URL_PASSWORD = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/\\s?#@:]*):[^/\\s?#]*@");

    /** {@code ?password=…}, {@code &sslpassword=…}, {@code ;password=…} (SQL Server style), {@code &token=…} and kin. */
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)([?&;][a-z0-9_.-]*(?:password|passwd|pwd|secret|token|credential|api[_-]?key)[a-z0-9_.-]*=)[^&;\\s]*");

    private Redaction() {}

    /** {@code text} with every credential inside a URL replaced by {@value #HIDDEN}; null stays null. */
    public static String hideUrlCredentials(String text) {
        if (text == null) {
            return null;
        }
        String replacement = Matcher.quoteReplacement(HIDDEN);
        String hidden = URL_PASSWORD.matcher(text).replaceAll("$1:" + replacement + "@");
        return SECRET_PARAMETER.matcher(hidden).replaceAll("$1" + replacement);
    }

    /**
     * The settings as they may be logged, sorted by name: a setting whose name looks secret is
     * {@value #HIDDEN}, every other value has its URL credentials hidden. (Kafka's {@code Password} values
     * print as {@value #HIDDEN} by themselves.)
     */
    public static Map<String, Object> hideSecrets(Map<String, ?> settings) {
        Map<String, Object> out = new TreeMap<>();
        settings.forEach((k, v) -> out.put(k, SECRET_NAME.matcher(k).matches() ? HIDDEN : hideUrlCredentials(String.valueOf(v))));
        return out;
    }
}
