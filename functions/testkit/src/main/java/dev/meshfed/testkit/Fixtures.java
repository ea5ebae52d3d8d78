package dev.meshfed.testkit;

import dev.meshfed.core.pki.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;

/**
 * Committed PKI fixtures (TEST-ONLY keys; see fixtures/ca-keys/README.md). RSA-4096 key
 * generation takes seconds on two cores, so tests load these instead of generating.
 */
public final class Fixtures {
    /** The trust domain the committed CSR fixtures were made for. */
    public static final String CLUSTER_ID = "7d8b1e6c-3f2a-4c5e-9a1b-2c3d4e5f6a7b";

    private Fixtures() {
    }

    /** Reads a classpath resource as UTF-8 text. */
    public static String text(Class<?> anchor, String path) {
        try (InputStream in = anchor.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A committed RSA CA key pair, e.g. {@code rsa-4096-a}. */
    public static KeyPair rsaKeyPair(String name) {
        try {
            PrivateKey key = privateKey(text(Fixtures.class, "/fixtures/ca-keys/" + name + ".key.pem"), "RSA");
            RSAPrivateCrtKey crt = (RSAPrivateCrtKey) key;
            var pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            return new KeyPair(pub, key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unencrypted PKCS#8 PEM private key. */
    public static PrivateKey privateKey(String pem, String algorithm) {
        try {
            var blocks = Pem.decodeAll(pem);
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(blocks.get(0).der()));
        } catch (GeneralSecurityException | Pem.MalformedPem e) {
            throw new IllegalStateException(e);
        }
    }
}
