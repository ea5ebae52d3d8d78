package dev.meshfed.app.ca.lifecycle;

import dev.meshfed.core.pki.Pem;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.Optional;

/**
 * Enrolment public keys as the membership holds them: one PEM block of type {@code PUBLIC KEY}
 * (X.509 SubjectPublicKeyInfo) of an EC P-256 key.
 */
public final class EnrolmentKeys {
    public static final String PUBLIC_KEY = "PUBLIC KEY";

    private EnrolmentKeys() {
    }

    public static String toPem(PublicKey key) {
        return Pem.encode(PUBLIC_KEY, key.getEncoded());
    }

    /** The key of a membership entry; empty when the text is not exactly one EC public key block. */
    public static Optional<PublicKey> parse(String pem) {
        if (pem == null) {
            return Optional.empty();
        }
        try {
            List<Pem.Block> blocks = Pem.decodeAll(pem);
            if (blocks.size() != 1 || !PUBLIC_KEY.equals(blocks.get(0).type())) {
                return Optional.empty();
            }
            return Optional.of(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(blocks.get(0).der())));
        } catch (Pem.MalformedPem | GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
