package io.paraverse.daemon.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TLS key store built in memory from PEM files as operators have them (a Kubernetes TLS secret, certbot): a
 * certificate chain and an unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}, RSA or EC). Converting them
 * to PKCS#12 by hand is a step that runbooks get wrong.
 */
final class PemKeyStore {
    static final char[] PASSWORD = new char[0];
    private static final Pattern KEY = Pattern.compile("-----BEGIN PRIVATE KEY-----(.+?)-----END PRIVATE KEY-----", Pattern.DOTALL);

    private PemKeyStore() { }

    static KeyStore load(Path certificateChain, Path privateKey) {
        try {
            List<? extends Certificate> chain;
            try (var in = Files.newInputStream(certificateChain)) {
                chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            }
            if (chain.isEmpty()) {
                throw new IllegalArgumentException(certificateChain + " holds no PEM certificate");
            }
            String pem = Files.readString(privateKey);
            Matcher m = KEY.matcher(pem);
            if (!m.find()) {
                throw new IllegalArgumentException(privateKey + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY); convert it with"
                        + " `openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem`");
            }
            byte[] der = Base64.getMimeDecoder().decode(m.group(1));
            String algorithm = chain.get(0).getPublicKey().getAlgorithm();
            PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("paraverse", key, PASSWORD, chain.toArray(new Certificate[0]));
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load the TLS certificate " + certificateChain + " and key " + privateKey
                    + ": " + e.getMessage(), e);
        }
    }
}
