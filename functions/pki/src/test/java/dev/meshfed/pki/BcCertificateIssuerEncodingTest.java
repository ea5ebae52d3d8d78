package dev.meshfed.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import java.util.Random;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.junit.jupiter.api.Test;

/** The issuer's own DER helpers write exactly what Bouncy Castle's slower paths wrote. */
class BcCertificateIssuerEncodingTest {

    @Test
    void timesAreEncodedAsBouncyCastleTimeOfDate() throws Exception {
        // UTCTime from 1950 through 2049, GeneralizedTime outside (RFC 5280 4.1.2.5)
        for (String s : new String[] {"1949-12-31T23:59:59Z", "1950-01-01T00:00:00Z", "1999-12-31T23:59:59Z",
                "2000-01-01T00:00:00Z", "2049-12-31T23:59:59Z", "2050-01-01T00:00:00Z", "2199-06-30T12:00:00Z"}) {
            assertSameTime(Instant.parse(s));
        }
        Random random = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            assertSameTime(Instant.ofEpochSecond(-700_000_000L + (long) (random.nextDouble() * 4_000_000_000L)));
        }
    }

    @Test
    void certificateWrapperMatchesBouncyCastleDer() throws Exception {
        byte[] algorithm = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA")
                .getEncoded(ASN1Encoding.DER);
        // short, one-byte and two-byte lengths for both the BIT STRING and the outer SEQUENCE
        for (int signatureLength : new int[] {70, 72, 125, 126, 256, 512}) {
            for (int tbsLength : new int[] {60, 120, 250, 540, 70_000}) {
                byte[] tbs = new DEROctetString(new byte[tbsLength]).getEncoded();
                byte[] signature = new byte[signatureLength];
                ASN1EncodableVector v = new ASN1EncodableVector();
                v.add(ASN1Primitive.fromByteArray(tbs));
                v.add(ASN1Primitive.fromByteArray(algorithm));
                v.add(new DERBitString(signature));
                assertThat(BcCertificateIssuer.certificateDer(tbs, algorithm, signature))
                        .as("tbs %d, signature %d", tbsLength, signatureLength)
                        .isEqualTo(new DERSequence(v).getEncoded(ASN1Encoding.DER));
            }
        }
    }

    private static void assertSameTime(Instant t) throws Exception {
        assertThat(BcCertificateIssuer.time(t).getEncoded(ASN1Encoding.DER)).as(t.toString())
                .isEqualTo(new Time(Date.from(t)).getEncoded(ASN1Encoding.DER));
    }
}
