package dev.meshfed.pki;

import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.pki.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The supplied root key reader over the key-type matrix and both PEM encodings of each key. */
class SuppliedRootKeysTest {
    static final JcaKeyPairFactory KEYS =
            new JcaKeyPairFactory(CryptoProviders.of(CryptoProviders.Preference.JDK), new SecureRandom());

    static X509Certificate selfSigned(KeyPair kp) throws Exception {
        String alg = kp.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=supplied root"), BigInteger.ONE,
                Date.from(now), Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name("CN=supplied root"), kp.getPublic());
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(alg).build(kp.getPrivate())));
    }

    /** The traditional encoding: {@code EC PRIVATE KEY} (SEC 1) or {@code RSA PRIVATE KEY} (PKCS#1). */
    static String traditional(KeyPair kp) throws Exception {
        if (kp.getPrivate() instanceof java.security.interfaces.ECPrivateKey ec) {
            // as openssl writes it: the curve in the optional parameters field
            var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(kp.getPrivate().getEncoded());
            var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(ec.getParams().getOrder().bitLength(), ec.getS(),
                    info.getPrivateKeyAlgorithm().getParameters());
            return Pem.encode("EC PRIVATE KEY", sec1.getEncoded());
        }
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(kp);
        }
        return out.toString();
    }

    @ParameterizedTest
    @EnumSource(KeySpec.class)
    void readsPkcs8AndTraditionalKeysThatMatchTheRoot(KeySpec spec) throws Exception {
        KeyPair kp = KEYS.generate(spec);
        X509Certificate root = SuppliedRootKeys.certificate(Pem.encode(Pem.CERTIFICATE, selfSigned(kp).getEncoded()));
        String pkcs8 = Pem.encode("PRIVATE KEY", kp.getPrivate().getEncoded());
        assertThat(SuppliedRootKeys.matchingKey(pkcs8, root).getEncoded()).isEqualTo(kp.getPrivate().getEncoded());
        String trad = traditional(kp);
        assertThat(trad).contains(spec.type().equals("rsa") ? "RSA PRIVATE KEY" : "EC PRIVATE KEY");
        assertThat(SuppliedRootKeys.matchingKey(trad, root).getAlgorithm()).isIn("EC", "RSA");
    }

    @Test
    void aKeyOfAnotherRootIsRefusedWithoutEchoingIt() throws Exception {
        KeyPair kp = KEYS.generate(KeySpec.EC_P256);
        KeyPair other = KEYS.generate(KeySpec.EC_P256);
        X509Certificate root = selfSigned(kp);
        String pem = Pem.encode("PRIVATE KEY", other.getPrivate().getEncoded());
        assertThatThrownBy(() -> SuppliedRootKeys.matchingKey(pem, root)).isInstanceOf(InvalidInput.class)
                .hasMessage(SuppliedRootKeys.KEY_MISMATCH);
        KeyPair rsa = KEYS.generate(KeySpec.RSA_2048);
        assertThatThrownBy(() -> SuppliedRootKeys.matchingKey(Pem.encode("PRIVATE KEY", rsa.getPrivate().getEncoded()), root))
                .isInstanceOf(InvalidInput.class).hasMessage(SuppliedRootKeys.KEY_MISMATCH);
    }

    @Test
    void unreadableKeysAndCertificatesAreInvalidInput() throws Exception {
        X509Certificate root = selfSigned(KEYS.generate(KeySpec.EC_P256));
        String garbageKey = "-----BEGIN PRIVATE KEY-----\n" + Base64.getEncoder().encodeToString(new byte[64])
                + "\n-----END PRIVATE KEY-----\n";
        for (String pem : new String[] {"", "not a key", garbageKey,
                Pem.encode(Pem.CERTIFICATE, root.getEncoded())}) {
            assertThatThrownBy(() -> SuppliedRootKeys.matchingKey(pem, root)).isInstanceOf(InvalidInput.class)
                    .hasMessage(SuppliedRootKeys.UNREADABLE_KEY);
        }
        assertThatThrownBy(() -> SuppliedRootKeys.certificate("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"))
                .isInstanceOf(InvalidInput.class).hasMessage(SuppliedRootKeys.UNREADABLE_ROOT);
    }
}
