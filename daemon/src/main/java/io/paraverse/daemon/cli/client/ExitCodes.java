package io.paraverse.daemon.cli.client;

/** Exit codes of the runbook commands (documented in each command's --help and in deploy/RUNBOOK.md). */
final class ExitCodes {
    static final int OK = 0;
    /** The operation ran and failed (a refused cutover, a verification with mismatches, a failed migration). */
    static final int FAILED = 1;
    /** Bad usage or an invalid definition. */
    static final int USAGE = 2;
    /** The daemon could not be reached. */
    static final int UNREACHABLE = 3;
    /** The migration's phase does not allow the operation (the message says which phases do). */
    static final int CONFLICT = 4;
    /** No such migration. */
    static final int NOT_FOUND = 5;
    /** Missing or wrong token. */
    static final int UNAUTHORIZED = 6;

    static final String[] LIST = {"0:done", "1:the operation failed", "2:bad usage or invalid definition", "3:daemon unreachable",
            "4:not allowed in the migration's current phase", "5:no such migration", "6:missing or wrong token"};

    private ExitCodes() { }
}
