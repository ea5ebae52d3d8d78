package dev.meshfed.custody;

import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.testkit.Fixtures;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;

/** The key-type matrix of style.md: EC P-256 and P-384 generated, RSA 2048 from the TEST-ONLY fixture. */
final class TestKeys {
    record Named(String name, KeyPair pair) {
        String keyId() {
            return KeyIds.keyIdHex(pair.getPublic());
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final Named EC_P256 = new Named("ec-p256", ec("secp256r1"));
    static final Named EC_P384 = new Named("ec-p384", ec("secp384r1"));
    static final Named RSA_2048 = new Named("rsa-2048", Fixtures.rsaKeyPair("rsa-2048-a"));

    static List<Named> all() {
        return List.of(EC_P256, EC_P384, RSA_2048);
    }

    private TestKeys() {
    }

    static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
