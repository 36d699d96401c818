package io.paraverse.daemon.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a password from an environment variable or a file, never from the command line (ps shows arguments). */
final class Secrets {
    private Secrets() { }

    static String read(String what, String envVar, Path file) {
        if (envVar != null && file != null) {
            throw new IllegalArgumentException(what + ": give either -env or -file, not both");
        }
        if (envVar != null) {
            String v = System.getenv(envVar);
            if (v == null) {
                throw new IllegalArgumentException(what + "-env: environment variable " + envVar + " is not set");
            }
            return v;
        }
        if (file != null) {
            try {
                return Files.readString(file).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException(what + "-file: cannot read " + file + ": " + e.getMessage());
            }
        }
        return "";
    }
}
