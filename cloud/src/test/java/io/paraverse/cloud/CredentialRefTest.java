package io.paraverse.cloud;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CredentialRefTest {

    @TempDir
    Path tmp;

    @Test
    void fileReferenceReadsTheStrippedContents() throws Exception {
        Path f = tmp.resolve("secret");
        Files.writeString(f, "\n s3cret-value \n");
        CredentialRef ref = CredentialRef.parse("file:" + f);
        assertEquals("s3cret-value", ref.resolve());
        assertEquals("file:" + f, ref.toString());
    }

    @Test
    void envReferenceReadsTheVariable() {
        CredentialRef ref = CredentialRef.parse("env:DB_PASSWORD");
        assertEquals("s3cret-value", ref.resolve(Map.of("DB_PASSWORD", "s3cret-value")::get));
        assertEquals("env:DB_PASSWORD", ref.toString());
    }

    @Test
    void unsetVariableIsNamedWithoutAnySecret() {
        CredentialRef ref = CredentialRef.parse("env:DB_PASSWORD");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ref.resolve(Map.of("OTHER", "s3cret-value")::get));
        assertTrue(e.getMessage().contains("DB_PASSWORD") && e.getMessage().contains("not set"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret-value"), e.getMessage());
    }

    @Test
    void unreadableFileIsNamed() {
        Path missing = tmp.resolve("no-such-file");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CredentialRef.parse("file:" + missing).resolve());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void somethingElseIsRefusedWithoutEchoingIt() {
        for (String bad : new String[] {"hunter2", "env:", "env:1BAD", "file:", "vault:x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CredentialRef.parse(bad));
            assertFalse(bad.length() > 5 && e.getMessage().contains(bad), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CredentialRef.parse("hunter2"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
}
