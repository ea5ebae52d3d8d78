package dev.meshfed.pki;

import dev.meshfed.core.error.InvalidInput;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;

/**
 * Reads the private key of a root supplied through {@code PUT /v1/connect/ca/configuration}
 * ({@code PRIVATE KEY}, {@code EC PRIVATE KEY} or {@code RSA PRIVATE KEY}, unencrypted) and checks
 * that it is the key of the supplied certificate, so that key custody only ever wraps a usable
 * root key. No error text repeats any part of the key.
 */
public final class SuppliedRootKeys {
    /** Text when the key cannot be read. */
    public static final String UNREADABLE_KEY = "PrivateKey could not be parsed as an unencrypted EC or RSA private key";
    /** Text when the certificate cannot be read. */
    public static final String UNREADABLE_ROOT = "RootCert could not be parsed as an X.509 certificate";
    /** Text when the key is not the certificate's. */
    public static final String KEY_MISMATCH = "PrivateKey does not match the public key of RootCert";

    private static final byte[] PROBE = "meshfed supplied root key check".getBytes(StandardCharsets.US_ASCII);

    private SuppliedRootKeys() {
    }

    /** The root certificate of {@code rootCertPem}. */
    public static X509Certificate certificate(String rootCertPem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(rootCertPem.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidInput(UNREADABLE_ROOT);
        }
    }

    /**
     * The private key of {@code privateKeyPem}, checked against {@code root}'s public key by a
     * signature over a fixed probe.
     *
     * @throws InvalidInput {@link #UNREADABLE_KEY} or {@link #KEY_MISMATCH}
     */
    public static PrivateKey matchingKey(String privateKeyPem, X509Certificate root) {
        PrivateKey key = read(privateKeyPem);
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new InvalidInput(UNREADABLE_KEY);
        };
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(root.getPublicKey());
            verifier.update(PROBE);
            if (!verifier.verify(signature)) {
                throw new InvalidInput(KEY_MISMATCH);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof InvalidInput invalid) {
                throw invalid;
            }
            throw new InvalidInput(KEY_MISMATCH);
        }
        return key;
    }

    /**
     * The key as a JDK key of algorithm {@code EC} or {@code RSA} (what key custody wraps): BC only
     * unpacks the PEM into PKCS#8, the JDK's key factory builds the key.
     */
    private static PrivateKey read(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o = parser.readObject();
            PrivateKeyInfo info = o instanceof PEMKeyPair pair ? fromKeyPair(pair)
                    : o instanceof PrivateKeyInfo i ? i : null;
            if (info == null) {
                throw new InvalidInput(UNREADABLE_KEY);
            }
            ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
            String algorithm = X9ObjectIdentifiers.id_ecPublicKey.equals(oid) ? "EC"
                    : PKCSObjectIdentifiers.rsaEncryption.equals(oid) ? "RSA" : null;
            if (algorithm == null) {
                throw new InvalidInput(UNREADABLE_KEY);
            }
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (e instanceof InvalidInput invalid) {
                throw invalid;
            }
            throw new InvalidInput(UNREADABLE_KEY);
        }
    }

    /**
     * A traditional key's PKCS#8 form. A SEC 1 {@code EC PRIVATE KEY} may leave its curve out (the
     * field is optional); the curve is then taken from the public key the block carries, without
     * which the JDK cannot build the key.
     */
    private static PrivateKeyInfo fromKeyPair(PEMKeyPair pair) throws IOException {
        PrivateKeyInfo info = pair.getPrivateKeyInfo();
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(info.getPrivateKeyAlgorithm().getAlgorithm())
                && info.getPrivateKeyAlgorithm().getParameters() == null && pair.getPublicKeyInfo() != null) {
            return new PrivateKeyInfo(pair.getPublicKeyInfo().getAlgorithm(), info.parsePrivateKey());
        }
        return info;
    }
}
