package io.paraverse.traffic.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The mysql_native_password response: SHA1(password) XOR SHA1(seed + SHA1(SHA1(password))). */
final class NativePassword {
    private NativePassword() { }

    static byte[] scramble(String password, byte[] seed) {
        if (password == null || password.isEmpty()) {
            return new byte[0];
        }
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] stage1 = sha1.digest(password.getBytes(StandardCharsets.UTF_8));
            byte[] stage2 = sha1.digest(stage1);
            sha1.update(seed, 0, Math.min(seed.length, 20));
            sha1.update(stage2);
            byte[] mix = sha1.digest();
            for (int i = 0; i < mix.length; i++) {
                mix[i] ^= stage1[i];
            }
            return mix;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available in this JVM", e);
        }
    }
}
