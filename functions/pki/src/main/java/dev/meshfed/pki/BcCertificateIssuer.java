package dev.meshfed.pki;

import dev.meshfed.core.pki.CertificateIssuer;
import dev.meshfed.core.pki.CertificateTemplate;
import dev.meshfed.core.pki.KeyUsage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.SignatureException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;

/**
 * Encodes a {@link CertificateTemplate} with Bouncy Castle's certificate builder and signs it
 * with the chosen JCA provider. Every field comes from the template; nothing is decided here.
 */
public final class BcCertificateIssuer implements CertificateIssuer {
    private static final DefaultSignatureAlgorithmIdentifierFinder ALGORITHMS = new DefaultSignatureAlgorithmIdentifierFinder();
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final CryptoProviders providers;

    public BcCertificateIssuer(CryptoProviders providers) {
        this.providers = providers;
    }

    @Override
    public byte[] sign(CertificateTemplate t, PrivateKey signingKey) {
        try {
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(name(t.issuer()), t.serial(),
                    time(t.notBefore()), time(t.notAfter()), name(t.subject()),
                    SubjectPublicKeyInfo.getInstance(t.subjectPublicKeyInfo()));
            b.addExtension(basicConstraints(t));
            b.addExtension(keyUsage(keyUsageBits(t)));
            if (!t.extendedKeyUsage().isEmpty()) {
                b.addExtension(extendedKeyUsage(t));
            }
            b.addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(t.subjectKeyId()));
            b.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(t.authorityKeyId()));
            List<GeneralName> names = new ArrayList<>();
            t.uriSans().forEach(u -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, u)));
            t.dnsSans().forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
            t.ipSans().forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ip))));
            if (!names.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, t.sanCritical(),
                        new GeneralNames(names.toArray(new GeneralName[0])));
            }
            JcaSigner signer = new JcaSigner(providers, t.signatureAlgorithm().jcaName(), signingKey);
            byte[] signature = b.build(signer).getSignature();
            // The TBS bytes were encoded once, for the signature: wrap those instead of encoding
            // the whole certificate a second time through the holder.
            return certificateDer(signer.tbs(), signer.getAlgorithmIdentifier().getEncoded(ASN1Encoding.DER), signature);
        } catch (IOException e) {
            throw new IllegalStateException("certificate encoding failed", e);
        }
    }

    // The same few names and extensions recur in every certificate a DC signs; encoding them once
    // is a measurable share of the leaf signing path (docs/benchmarks.md).
    private static final Map<X500Principal, X500Name> NAMES = new ConcurrentHashMap<>();
    private static final Map<String, Extension> EXTENSIONS = new ConcurrentHashMap<>();
    private static final int NAME_CACHE_LIMIT = 256;

    private static X500Name name(X500Principal p) {
        X500Name n = NAMES.get(p);
        if (n == null) {
            n = X500Name.getInstance(p.getEncoded());
            if (NAMES.size() < NAME_CACHE_LIMIT) {
                NAMES.put(p, n);
            }
        }
        return n;
    }

    private static Extension basicConstraints(CertificateTemplate t) {
        String k = "bc:" + t.ca() + ":" + t.pathLength();
        return EXTENSIONS.computeIfAbsent(k, x -> encode(Extension.basicConstraints, true, t.ca()
                ? (t.pathLength() == null ? new BasicConstraints(true) : new BasicConstraints(t.pathLength()))
                : new BasicConstraints(false)));
    }

    private static Extension keyUsage(int bits) {
        return EXTENSIONS.computeIfAbsent("ku:" + bits,
                x -> encode(Extension.keyUsage, true, new org.bouncycastle.asn1.x509.KeyUsage(bits)));
    }

    private static Extension extendedKeyUsage(CertificateTemplate t) {
        List<KeyPurposeId> purposes = new ArrayList<>(2);
        StringBuilder k = new StringBuilder("eku");
        // A fixed order keeps encodings stable: serverAuth, then clientAuth.
        for (dev.meshfed.core.pki.ExtendedKeyUsage u : dev.meshfed.core.pki.ExtendedKeyUsage.values()) {
            if (t.extendedKeyUsage().contains(u)) {
                purposes.add(KeyPurposeId.getInstance(new org.bouncycastle.asn1.ASN1ObjectIdentifier(u.oid())));
                k.append(':').append(u.name());
            }
        }
        return EXTENSIONS.computeIfAbsent(k.toString(), x -> encode(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(purposes.toArray(new KeyPurposeId[0]))));
    }

    private static Extension encode(org.bouncycastle.asn1.ASN1ObjectIdentifier oid, boolean critical,
            org.bouncycastle.asn1.ASN1Encodable value) {
        try {
            return new Extension(oid, critical, value.toASN1Primitive().getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER));
        } catch (IOException e) {
            throw new IllegalStateException("extension encoding failed", e);
        }
    }

    /**
     * An X.509 time as RFC 5280 wants it: UTCTime through 2049, GeneralizedTime from 2050 (the
     * choice Bouncy Castle's {@code Time(Date)} makes), built from its DER bytes because that
     * constructor formats and re-parses through two new {@code SimpleDateFormat}s per call.
     */
    static Time time(Instant t) throws IOException {
        int year = t.atZone(ZoneOffset.UTC).getYear();
        boolean utc = year >= 1950 && year <= 2049;
        byte[] text = (utc ? UTC_TIME : GENERALIZED_TIME).format(t).getBytes(StandardCharsets.US_ASCII);
        byte[] der = new byte[2 + text.length];
        der[0] = (byte) (utc ? 0x17 : 0x18);
        der[1] = (byte) text.length;
        System.arraycopy(text, 0, der, 2, text.length);
        return Time.getInstance(ASN1Primitive.fromByteArray(der));
    }

    /** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }. */
    static byte[] certificateDer(byte[] tbs, byte[] algorithm, byte[] signature) {
        int bitString = 1 + signature.length;
        int body = tbs.length + algorithm.length + 1 + lengthOctets(bitString) + bitString;
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 + lengthOctets(body) + body);
        out.write(0x30);
        writeLength(out, body);
        out.writeBytes(tbs);
        out.writeBytes(algorithm);
        out.write(0x03);
        writeLength(out, bitString);
        out.write(0);
        out.writeBytes(signature);
        return out.toByteArray();
    }

    private static int lengthOctets(int length) {
        return length < 0x80 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 4;
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        int n = lengthOctets(length) - 1;
        if (n == 0) {
            out.write(length);
            return;
        }
        out.write(0x80 | n);
        for (int i = n - 1; i >= 0; i--) {
            out.write(length >>> (8 * i));
        }
    }

    private static int keyUsageBits(CertificateTemplate t) {
        int bits = 0;
        for (KeyUsage u : t.keyUsage()) {
            // BC's KeyUsage constants are the DER BIT STRING bits: bit n of RFC 5280 is 1 << (7 - n) in
            // the first byte, continuing into the second byte for decipherOnly.
            bits |= u.bit() < 8 ? (1 << (7 - u.bit())) : (1 << (15 - (u.bit() - 8) + 8 - 8));
        }
        return bits;
    }

    /**
     * A content signer over a plain {@link Signature} from the chosen provider: Bouncy Castle
     * writes the TBS bytes into a buffer (many small writes), the provider signs them in one
     * update, and the issuer reuses the buffer to wrap the certificate.
     */
    static final class JcaSigner implements ContentSigner {
        private final AlgorithmIdentifier algorithm;
        private final Signature signature;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        private byte[] tbs;

        JcaSigner(CryptoProviders providers, String jcaName, PrivateKey key) {
            this.algorithm = ALGORITHMS.find(jcaName);
            try {
                this.signature = providers.signer(jcaName);
                this.signature.initSign(key);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("signer cannot use its key for " + jcaName + ": "
                        + e.getClass().getSimpleName());
            }
        }

        /** The TBSCertificate DER that Bouncy Castle wrote and {@link #getSignature()} signed. */
        byte[] tbs() {
            return tbs;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return algorithm;
        }

        @Override
        public OutputStream getOutputStream() {
            return out;
        }

        @Override
        public byte[] getSignature() {
            try {
                tbs = out.toByteArray();
                signature.update(tbs);
                return signature.sign();
            } catch (SignatureException e) {
                throw new IllegalStateException("signing failed");
            }
        }
    }
}
