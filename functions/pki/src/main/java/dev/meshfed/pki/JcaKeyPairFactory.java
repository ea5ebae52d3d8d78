package dev.meshfed.pki;

import dev.meshfed.core.pki.KeyPairFactory;
import dev.meshfed.core.pki.KeySpec;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;

/** Key pairs from the chosen JCA provider. */
public final class JcaKeyPairFactory implements KeyPairFactory {
    private final CryptoProviders providers;
    private final SecureRandom random;

    public JcaKeyPairFactory(CryptoProviders providers, SecureRandom random) {
        this.providers = providers;
        this.random = random;
    }

    @Override
    public KeyPair generate(KeySpec spec) {
        try {
            KeyPairGenerator g;
            if (spec.isEc()) {
                g = providers.keyPairGenerator("EC");
                g.initialize(new ECGenParameterSpec(spec.curve()), random);
            } else {
                g = providers.keyPairGenerator("RSA");
                g.initialize(new RSAKeyGenParameterSpec(spec.bits(), RSAKeyGenParameterSpec.F4), random);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + spec + " key: " + e.getClass().getSimpleName());
        }
    }
}
