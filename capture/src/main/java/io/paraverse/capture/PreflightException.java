package io.paraverse.capture;

import java.util.List;
import java.util.stream.Collectors;

/** The source fails one or more preflight checks; the message lists every failure and what to change. */
public class PreflightException extends CaptureException {
    private static final long serialVersionUID = 1L;
    private final transient List<PreflightCheck> failures;

    public PreflightException(String source, List<PreflightCheck> failures) {
        super("the source " + source + " cannot be captured; fix these first:\n" + failures.stream()
                .map(f -> "  - " + f.name() + ": " + f.message()).collect(Collectors.joining("\n")));
        this.failures = List.copyOf(failures);
    }

    public List<PreflightCheck> failures() {
        return failures;
    }
}
