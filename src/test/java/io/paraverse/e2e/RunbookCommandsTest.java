package io.paraverse.e2e;

import io.paraverse.daemon.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * deploy/RUNBOOK.md cannot drift from the command line: every {@code bin/paraverse ...} line in its code blocks and
 * inline code is parsed (never executed) by the real CLI ({@link Main#commandLine()}), placeholders such as NAME, G
 * or MIGRATION.yaml standing in as values; and every operator command the runbook is about appears in it.
 */
class RunbookCommandsTest {
    private static final String PREFIX = "bin/paraverse ";

    @Test
    void everyCommandInTheRunbookParsesAgainstTheRealCommandLine() throws Exception {
        List<String> commands = commands(Files.readString(repositoryRoot().resolve("deploy/RUNBOOK.md")));
        assertTrue(commands.size() >= 30, "the runbook's commands were found: " + commands);
        List<String> broken = new ArrayList<>();
        Set<String> used = new LinkedHashSet<>();
        for (String line : commands) {
            List<String> args = words(line.substring(PREFIX.length()));
            try {
                CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
                StringBuilder path = new StringBuilder();
                for (CommandLine.ParseResult p = parsed.subcommand(); p != null; p = p.subcommand()) {
                    path.append(path.length() == 0 ? "" : " ").append(p.commandSpec().name());
                }
                assertFalse(path.length() == 0, "no subcommand in: " + line);
                used.add(path.toString());
            } catch (CommandLine.ParameterException e) {
                broken.add(line + "\n    -> " + e.getMessage());
            }
        }
        assertEquals(List.of(), broken, "runbook commands the CLI does not accept");
        for (String operatorCommand : List.of("daemon", "start", "status", "pause", "resume", "abort", "acknowledge-ddl", "skip",
                "upgrade-log", "cutover", "verify", "preflight", "migration show", "migration retry", "migration acknowledge-ddl")) {
            assertTrue(used.contains(operatorCommand), "the runbook never shows `paraverse " + operatorCommand + "`; it shows " + used);
        }
    }

    @Test
    void theCheckRejectsWhatTheCommandLineRejects() {
        // the same extraction and parse as above refuse a misspelt option, a missing --reason and an unknown command
        List<String> lines = commands(String.join("\n", "```", "bin/paraverse cutover NAME --dryrun",
                "bin/paraverse pause NAME", "bin/paraverse rollback NAME  # not built", "```"));
        assertEquals(3, lines.size(), lines.toString());
        for (String line : lines) {
            List<String> args = words(line.substring(PREFIX.length()));
            assertThrows(CommandLine.ParameterException.class, () -> Main.commandLine().parseArgs(args.toArray(String[]::new)), line);
        }
        assertEquals(List.of("skip", "NAME", "--gtid", "G", "--reason", "why it is # not a comment"),
                words("skip NAME --gtid G --reason \"why it is # not a comment\"  # a comment"));
    }

    /** The command lines in fenced code blocks (indented ones too) and in inline code spans. */
    static List<String> commands(String markdown) {
        List<String> found = new ArrayList<>();
        boolean inBlock = false;
        StringBuilder continued = null;
        Pattern inline = Pattern.compile("`(" + Pattern.quote(PREFIX) + "[^`]+)`");
        for (String raw : markdown.split("\n", -1)) {
            String line = raw.strip();
            if (line.startsWith("```")) {
                inBlock = !inBlock;
                continue;
            }
            if (inBlock) {
                if (continued != null) {
                    continued.append(' ').append(line);
                } else if (line.startsWith(PREFIX)) {
                    continued = new StringBuilder(line);
                }
                if (continued != null) {
                    if (continued.toString().endsWith("\\")) {
                        continued.setLength(continued.length() - 1);
                    } else {
                        found.add(continued.toString().strip());
                        continued = null;
                    }
                }
            } else {
                Matcher m = inline.matcher(raw);
                while (m.find()) {
                    found.add(m.group(1).strip());
                }
            }
        }
        return found;
    }

    /** Shell words: whitespace-separated, '...' and "..." quoting, an unquoted # after a space starts a comment. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                w = w == null ? new StringBuilder() : w;
            } else if (Character.isWhitespace(c)) {
                if (w != null) {
                    words.add(w.toString());
                    w = null;
                }
            } else if (c == '#' && w == null) {
                break;
            } else {
                w = w == null ? new StringBuilder() : w;
                w.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unbalanced quote in: " + line);
        }
        if (w != null) {
            words.add(w.toString());
        }
        return words;
    }

    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("deploy/RUNBOOK.md")) && Files.isRegularFile(p.resolve("mvnw"))) {
                return p;
            }
        }
        throw new IllegalStateException("deploy/RUNBOOK.md not found above " + Path.of("").toAbsolutePath());
    }
}
