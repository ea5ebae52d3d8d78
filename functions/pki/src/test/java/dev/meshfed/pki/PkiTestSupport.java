package dev.meshfed.pki;

import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.testkit.Fixtures;
import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.testkit.TestFederation;
import java.security.KeyPair;
import java.security.SecureRandom;

/** Wiring shared by the PKI adapter tests. */
final class PkiTestSupport {
    static final CryptoProviders PROVIDERS = CryptoProviders.of(CryptoProviders.Preference.AUTO);
    static final BcCertificateIssuer ISSUER = new BcCertificateIssuer(PROVIDERS);
    static final JcaKeyPairFactory KEYS = new JcaKeyPairFactory(PROVIDERS, new SecureRandom());
    static final BcCsrParser PARSER = new BcCsrParser(PROVIDERS);

    private PkiTestSupport() {
    }

    /** A root key of the given spec; RSA-4096 comes from a committed fixture (generation is slow). */
    static KeyPair rootKey(KeySpec spec, String variant) {
        return switch (spec) {
            case RSA_4096 -> Fixtures.rsaKeyPair("rsa-4096-" + variant);
            case RSA_2048 -> Fixtures.rsaKeyPair("rsa-2048-" + variant);
            default -> KEYS.generate(spec);
        };
    }

    static TestFederation federation(KeySpec rootSpec, MutableClock clock) {
        return TestFederation.create(ISSUER, KEYS, rootSpec, rootKey(rootSpec, "a"), clock);
    }

    static String csr(String name) {
        return Fixtures.text(PkiTestSupport.class, "/csr/" + name);
    }
}
