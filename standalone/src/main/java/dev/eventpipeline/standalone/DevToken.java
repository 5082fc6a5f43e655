package dev.eventpipeline.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The development token of the standalone pipeline: the one given on the command line, else the one
 * generated on first start and kept in the data directory (readable by its owner only), so that a
 * restart keeps working with the token the user already copied.
 */
final class DevToken {

    static final String FILE = "dev-token";

    private DevToken() {}

    static String resolve(Path dataDir, String given) {
        if (given != null && !given.isBlank()) {
            return given;
        }
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String token = "dev_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(dataDir);
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system (Windows): the file keeps the directory's permissions.
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the dev token in " + file, e);
        }
    }
}
