package dev.meshfed.pki;

import dev.meshfed.core.pki.Pem;
import java.io.IOException;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * EC private keys as SEC1 ({@code EC PRIVATE KEY}, RFC 5915) PEM, the encoding Consul's managed
 * leaf sends in {@code PrivateKeyPEM}: the private scalar, the named curve and the public point,
 * so Go's {@code x509.ParseECPrivateKey} and OpenSSL read it.
 */
public final class Sec1Keys {

    public static final String EC_PRIVATE_KEY = "EC PRIVATE KEY";

    private Sec1Keys() {
    }

    /** The SEC1 PEM of an EC key pair. */
    public static String ecPrivateKeyPem(KeyPair pair) {
        if (!(pair.getPrivate() instanceof ECPrivateKey ec)) {
            throw new IllegalArgumentException("not an EC key: " + pair.getPrivate().getAlgorithm());
        }
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(ec.getEncoded());
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
            var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(ec.getParams().getOrder().bitLength(), ec.getS(),
                    spki.getPublicKeyData(), info.getPrivateKeyAlgorithm().getParameters());
            return Pem.encode(EC_PRIVATE_KEY, sec1.getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException("SEC1 encoding failed", e);
        }
    }
}
