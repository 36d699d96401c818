package io.paraverse.clone;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * How far the resumable copy of one table got: the primary key of the last row written (null = none yet), the rows
 * written so far and whether the table is finished. Stored on the target by {@link CopyCheckpointStore}.
 */
public record CopyCheckpoint(TableRef table, Object[] lastKey, long rowsCopied, boolean done) {

    /** Key values as text that round-trips their Java types: {@code s<len>:<text>}, {@code b<len>:<base64>}, {@code n<len>:<decimal>}, {@code N}. */
    static String encodeKey(Object[] key) {
        if (key == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (Object v : key) {
            if (v == null) {
                out.append('N');
                continue;
            }
            char tag;
            String text;
            if (v instanceof byte[] b) {
                tag = 'b';
                text = Base64.getEncoder().encodeToString(b);
            } else if (v instanceof BigDecimal d) {
                tag = 'n';
                text = d.toPlainString();
            } else {
                tag = 's';
                text = v.toString();
            }
            out.append(tag).append(text.length()).append(':').append(text);
        }
        return out.toString();
    }

    static Object[] decodeKey(String encoded) {
        if (encoded == null) {
            return null;
        }
        List<Object> out = new ArrayList<>();
        int i = 0;
        while (i < encoded.length()) {
            char tag = encoded.charAt(i++);
            if (tag == 'N') {
                out.add(null);
                continue;
            }
            int colon = encoded.indexOf(':', i);
            if (colon < 0 || "sbn".indexOf(tag) < 0) {
                throw new CloneException("copy checkpoint key is damaged at character " + (i - 1) + ": " + encoded);
            }
            int len = Integer.parseInt(encoded.substring(i, colon));
            String text = encoded.substring(colon + 1, colon + 1 + len);
            i = colon + 1 + len;
            out.add(switch (tag) {
                case 'b' -> Base64.getDecoder().decode(text.getBytes(StandardCharsets.US_ASCII));
                case 'n' -> new BigDecimal(text);
                default -> text;
            });
        }
        return out.toArray();
    }

    /** The last key for messages ("after key (42)"). */
    String describeKey() {
        if (lastKey == null) {
            return "from the first row";
        }
        List<String> parts = new ArrayList<>();
        for (Object v : lastKey) {
            parts.add(v instanceof byte[] b ? "0x" + java.util.HexFormat.of().formatHex(b) : String.valueOf(v));
        }
        return "after key (" + String.join(", ", parts) + ")";
    }
}
