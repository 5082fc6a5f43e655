package dev.eventpipeline.ingest.auth;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of a token, shared as a picocli mixin by {@code ingest-api.jar token create} and
 * {@code event-pipeline.jar token create}, which differ only in where the registry file is.
 */
public final class TokenOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--workspace", required = true,
            description = "Workspace id every record sent with this token gets: " + WorkspaceIds.RULE + ".")
    String workspace;

    @Option(names = "--app", description = "App id (default: the workspace id); rate limits count per app.")
    String app;

    @Option(names = "--scopes", split = ",", defaultValue = "read,write", description = "read and/or write (default: ${DEFAULT-VALUE}).")
    String[] scopes;

    @Option(names = "--rate-limit",
            description = "Calls per minute for this app (default: the service's rate.limit.app.per.minute, 10000 unless configured).")
    Integer rateLimitPerMinute;

    @Option(names = "--intercom-version", description = "Intercom-Version recorded when a request sends none (default: the service's).")
    String intercomVersion;

    /**
     * Creates the token, stores its digest in {@code file}, prints the token once on stdout and a notice on stderr.
     * A bad option (workspace id, scope, version) is a usage error: its message and the usage, exit code 2, nothing written.
     */
    public int createIn(Path file, String afterwards) {
        String token;
        try {
            token = TokenCommand.createToken(file, workspace, app == null ? workspace : app,
                    new LinkedHashSet<>(Arrays.asList(scopes)), rateLimitPerMinute, intercomVersion);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage(), e);
        }
        System.out.println(token);
        System.err.println("Token created for workspace " + workspace + " and stored as a digest in " + file + afterwards
                + ". It is shown only now: keep it secret.");
        return 0;
    }
}
