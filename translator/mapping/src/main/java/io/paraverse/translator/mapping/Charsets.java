package io.paraverse.translator.mapping;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * MariaDB character sets by their server names, as strict codecs: a byte sequence that is not valid in the charset,
 * or a character the charset cannot hold, is an error, never a silent '?' or U+FFFD. MariaDB's {@code latin1} is
 * Windows-1252 with the five bytes cp1252 leaves undefined mapped to the C1 controls, exactly as capture decodes it.
 * A codec caches its decoder/encoder: use one from one thread at a time (as translators are).
 */
final class Charsets {
    private Charsets() { }

    private static final Map<String, String> JAVA_NAMES = Map.ofEntries(
            Map.entry("utf8", "UTF-8"), Map.entry("utf8mb3", "UTF-8"), Map.entry("utf8mb4", "UTF-8"),
            Map.entry("ascii", "US-ASCII"), Map.entry("ucs2", "UTF-16BE"), Map.entry("utf16", "UTF-16BE"),
            Map.entry("utf16le", "UTF-16LE"), Map.entry("utf32", "UTF-32BE"), Map.entry("cp1250", "windows-1250"),
            Map.entry("cp1251", "windows-1251"), Map.entry("cp1256", "windows-1256"),
            Map.entry("cp1257", "windows-1257"), Map.entry("latin2", "ISO-8859-2"), Map.entry("latin5", "ISO-8859-9"),
            Map.entry("latin7", "ISO-8859-13"), Map.entry("greek", "ISO-8859-7"), Map.entry("hebrew", "ISO-8859-8"),
            Map.entry("koi8r", "KOI8-R"), Map.entry("koi8u", "KOI8-U"), Map.entry("cp850", "IBM850"),
            Map.entry("cp852", "IBM852"), Map.entry("cp866", "IBM866"), Map.entry("sjis", "Shift_JIS"),
            Map.entry("cp932", "windows-31j"), Map.entry("ujis", "EUC-JP"), Map.entry("eucjpms", "x-eucJP-Open"),
            Map.entry("gbk", "GBK"), Map.entry("gb2312", "GB2312"), Map.entry("big5", "Big5"),
            Map.entry("euckr", "EUC-KR"), Map.entry("tis620", "TIS-620"), Map.entry("macroman", "x-MacRoman"),
            Map.entry("macce", "x-MacCentralEurope"));

    private static final char[] LATIN1 = latin1Table();

    /** Whether MariaDB charset {@code name} is known here. */
    static boolean supported(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("latin1")) {
            return true;
        }
        String j = JAVA_NAMES.get(n);
        return j != null && Charset.isSupported(j);
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
        String j = JAVA_NAMES.get(n);
        if (j == null || !Charset.isSupported(j)) {
            throw new IllegalArgumentException("unknown character set " + name);
        }
        Charset cs = Charset.forName(j);
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
                char c = LATIN1[i];
                REVERSE[c] = (byte) i;
                HAS[c] = true;
            }
        }

        @Override
        public String decode(byte[] b) {
            char[] out = new char[b.length];
            for (int i = 0; i < b.length; i++) {
                out[i] = LATIN1[b[i] & 0xFF];
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

    private static char[] latin1Table() {
        Charset cp1252 = Charset.forName("windows-1252");
        char[] t = new char[256];
        for (int i = 0; i < 256; i++) {
            String s = new String(new byte[] {(byte) i}, cp1252);
            char c = s.length() == 1 ? s.charAt(0) : '\uFFFD';
            t[i] = c == '\uFFFD' ? (char) i : c;
        }
        return t;
    }
}
