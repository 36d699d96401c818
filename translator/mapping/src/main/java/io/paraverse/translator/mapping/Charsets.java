package io.paraverse.translator.mapping;

import io.paraverse.translator.MariaDbText;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * MariaDB character sets by their server names, as strict codecs: a byte sequence that is not valid in the charset,
 * or a character the charset cannot hold, is an error, never a silent '?' or U+FFFD. MariaDB's {@code latin1} is
 * Windows-1252 with the five bytes cp1252 leaves undefined mapped to the C1 controls, exactly as capture decodes it.
 * A codec caches its decoder/encoder: use one from one thread at a time (as translators are).
 */
final class Charsets {
    private Charsets() { }



    /** Whether MariaDB charset {@code name} is known here. */
    static boolean supported(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("latin1")) {
            return true;
        }
        return MariaDbText.javaCharset(n) != null;
    }

    /** True for charsets that hold every Unicode character (no encodability check needed). */
    static boolean isUnicode(String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return n.equals("utf8mb4") || n.equals("utf16") || n.equals("utf16le") || n.equals("utf32");
    }

    /** A strict codec for a supported charset. */
    static Codec codec(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("latin1")) {
            return new Latin1Codec();
        }
        Charset cs = MariaDbText.javaCharset(n);
        if (cs == null) {
            throw new IllegalArgumentException("unknown character set " + name);
        }
        return cs == StandardCharsets.UTF_8 && !n.equals("utf8mb4") ? new JavaCodec(cs, true) : new JavaCodec(cs, false);
    }

    /** Decodes bytes into text and encodes text into bytes in one charset, failing on what it cannot represent. */
    interface Codec {
        String decode(byte[] b) throws Conversions.ConversionFailure;

        byte[] encode(String s) throws Conversions.ConversionFailure;

        /** Fails unless every character of {@code s} is representable. */
        void checkEncodable(String s) throws Conversions.ConversionFailure;
    }

    private static final class Latin1Codec implements Codec {
        private static final byte[] REVERSE = new byte[0x2200];
        private static final boolean[] HAS = new boolean[0x2200];

        static {
            for (int i = 0; i < 256; i++) {
                char c = MariaDbText.latin1Char(i);
                REVERSE[c] = (byte) i;
                HAS[c] = true;
            }
        }

        @Override
        public String decode(byte[] b) {
            char[] out = new char[b.length];
            for (int i = 0; i < b.length; i++) {
                out[i] = MariaDbText.latin1Char(b[i] & 0xFF);
            }
            return new String(out);
        }

        @Override
        public byte[] encode(String s) throws Conversions.ConversionFailure {
            byte[] out = new byte[s.length()];
            for (int i = 0; i < out.length; i++) {
                char c = s.charAt(i);
                if (c >= HAS.length || !HAS[c]) {
                    throw unmappable(c, "latin1");
                }
                out[i] = REVERSE[c];
            }
            return out;
        }

        @Override
        public void checkEncodable(String s) throws Conversions.ConversionFailure {
            for (int i = 0, n = s.length(); i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80 && (c >= HAS.length || !HAS[c])) {
                    throw unmappable(c, "latin1");
                }
            }
        }
    }

    private static final class JavaCodec implements Codec {
        private final Charset cs;
        private final boolean bmpOnly; // utf8mb3: no 4-byte sequences
        private CharsetDecoder decoder;
        private CharsetEncoder encoder;

        JavaCodec(Charset cs, boolean bmpOnly) {
            this.cs = cs;
            this.bmpOnly = bmpOnly;
        }

        @Override
        public String decode(byte[] b) throws Conversions.ConversionFailure {
            if (decoder == null) {
                decoder = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
            }
            try {
                String s = decoder.decode(ByteBuffer.wrap(b)).toString();
                if (bmpOnly) {
                    checkBmp(s);
                }
                return s;
            } catch (CharacterCodingException e) {
                throw new Conversions.ConversionFailure("bytes are not valid " + displayName() + " text");
            }
        }

        @Override
        public byte[] encode(String s) throws Conversions.ConversionFailure {
            if (bmpOnly) {
                checkBmp(s);
            }
            if (encoder == null) {
                encoder = cs.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
            }
            try {
                ByteBuffer bb = encoder.encode(CharBuffer.wrap(s));
                byte[] out = new byte[bb.remaining()];
                bb.get(out);
                return out;
            } catch (CharacterCodingException e) {
                throw new Conversions.ConversionFailure("text has characters " + displayName() + " cannot hold");
            }
        }

        @Override
        public void checkEncodable(String s) throws Conversions.ConversionFailure {
            int n = s.length();
            int i = 0;
            while (i < n && s.charAt(i) < 0x80) {
                i++;
            }
            if (i < n) {
                encode(s);
            }
        }

        private void checkBmp(String s) throws Conversions.ConversionFailure {
            for (int i = 0, n = s.length(); i < n; i++) {
                if (Character.isSurrogate(s.charAt(i))) {
                    throw new Conversions.ConversionFailure("text has a character outside the BMP, which utf8mb3 cannot hold");
                }
            }
        }

        private String displayName() {
            return bmpOnly ? "utf8mb3" : cs.name();
        }
    }

    private static Conversions.ConversionFailure unmappable(char c, String cs) {
        return new Conversions.ConversionFailure(String.format("character U+%04X cannot be stored in %s", (int) c, cs));
    }
}
