package io.paraverse.daemon.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The API's bearer token, read from a file or an environment variable (never from the command line, where `ps` would
 * show it). Compared in constant time: both sides are hashed first, so neither the length nor a common prefix of a
 * wrong guess shows in the time taken. {@link #toString} never shows it.
 */
public final class BearerToken {
    private static final int MIN_LENGTH = 16;
    private final byte[] digest;

    private BearerToken(String token, String from) {
        if (token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("the API token from " + from + " is shorter than " + MIN_LENGTH
                    + " characters; generate one, e.g. `openssl rand -hex 32 > token`");
        }
        this.digest = sha256(token);
    }

    public static BearerToken fromFile(Path file) {
        try {
            return new BearerToken(Files.readString(file).strip(), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the API token file " + file + ": " + e.getMessage(), e);
        }
    }

    public static BearerToken fromEnv(String variable) {
        String v = System.getenv(variable);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("environment variable " + variable + " (the API token) is not set");
        }
        return new BearerToken(v.strip(), "$" + variable);
    }

    /** Whether an {@code Authorization} header value carries this token. */
    public boolean accepts(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(authorizationHeader.substring(7).strip()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "BearerToken[redacted]";
    }
}
