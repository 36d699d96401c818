package io.paraverse.cloud;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Where a password is, not the password: {@code env:VAR_NAME} or {@code file:/path/to/file} (contents stripped of
 * surrounding whitespace). This is what state files store. Error messages name the reference, never the secret.
 */
public record CredentialRef(Source source, String name) {

    public enum Source { ENV, FILE }

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public CredentialRef {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(name, "name");
    }

    public static CredentialRef env(String variable) {
        if (!ENV_NAME.matcher(variable).matches()) {
            throw new IllegalArgumentException("env credential reference needs a variable name like DB_PASSWORD");
        }
        return new CredentialRef(Source.ENV, variable);
    }

    public static CredentialRef file(Path path) {
        return new CredentialRef(Source.FILE, path.toString());
    }

    /** Parses "env:VAR" or "file:/path". The text is not echoed on error: it may be a password given by mistake. */
    public static CredentialRef parse(String ref) {
        if (ref != null && ref.startsWith("env:")) {
            return env(ref.substring(4));
        }
        if (ref != null && ref.startsWith("file:") && !ref.substring(5).isBlank()) {
            return file(Path.of(ref.substring(5)));
        }
        throw new IllegalArgumentException("a credential reference must look like env:VAR_NAME or file:/path/to/file"
                + " (the value given is not shown in case it is a password)");
    }

    /** The secret, read now. */
    public String resolve() {
        return resolve(System::getenv);
    }

    String resolve(Function<String, String> environment) {
        if (source == Source.ENV) {
            String value = environment.apply(name);
            if (value == null) {
                throw new IllegalArgumentException("credential " + this + ": environment variable " + name + " is not set");
            }
            return value;
        }
        Path path = Path.of(name);
        try {
            return Files.readString(path).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("credential " + this + ": cannot read " + path + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** The reference in the form {@link #parse(String)} reads. */
    @Override
    public String toString() {
        return (source == Source.ENV ? "env:" : "file:") + name;
    }
}
