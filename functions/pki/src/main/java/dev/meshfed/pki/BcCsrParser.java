package dev.meshfed.pki;

import static dev.meshfed.core.error.InvalidCsr.Reason.MALFORMED;
import static dev.meshfed.core.error.InvalidCsr.Reason.NOT_A_CSR_PEM;

import dev.meshfed.core.error.InvalidCsr;
import dev.meshfed.core.error.UntrustedText;
import dev.meshfed.core.pki.CertificateRequest;
import dev.meshfed.core.pki.CsrParser;
import dev.meshfed.core.pki.Pem;
import dev.meshfed.core.pki.PublicKeyInfo;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Parses untrusted PKCS#10 requests with Bouncy Castle's ASN.1 layer. Every failure becomes an
 * {@link InvalidCsr} with a fixed text: parser messages never reach a client. The signature is
 * checked with a plain {@link Signature} from the chosen provider over the request's original
 * CertificationRequestInfo bytes (not a re-encoding), which is also cheaper than Bouncy Castle's
 * verifier builder.
 */
public final class BcCsrParser implements CsrParser {
    static final String NOT_CSR = "first PEM-block should be CERTIFICATE REQUEST type";
    static final String NOT_PKCS10 = "CSR is not a valid PKCS#10 certificate request";

    private static final Map<ASN1ObjectIdentifier, String> CURVES = Map.of(
            SECObjectIdentifiers.secp256r1, PublicKeyInfo.P256,
            SECObjectIdentifiers.secp384r1, PublicKeyInfo.P384,
            SECObjectIdentifiers.secp521r1, "P-521",
            SECObjectIdentifiers.secp224r1, "P-224",
            SECObjectIdentifiers.secp256k1, "secp256k1");

    /** Signature algorithms a CSR may be signed with; anything else does not verify. */
    private static final Map<ASN1ObjectIdentifier, String> SIGNATURES = Map.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256, "SHA256withECDSA",
            X9ObjectIdentifiers.ecdsa_with_SHA384, "SHA384withECDSA",
            X9ObjectIdentifiers.ecdsa_with_SHA512, "SHA512withECDSA",
            PKCSObjectIdentifiers.sha256WithRSAEncryption, "SHA256withRSA",
            PKCSObjectIdentifiers.sha384WithRSAEncryption, "SHA384withRSA",
            PKCSObjectIdentifiers.sha512WithRSAEncryption, "SHA512withRSA");

    private final CryptoProviders providers;

    public BcCsrParser(CryptoProviders providers) {
        this.providers = providers;
    }

    @Override
    public CertificateRequest parse(String pem) {
        List<Pem.Block> blocks;
        try {
            blocks = Pem.decodeAll(pem);
        } catch (Pem.MalformedPem e) {
            throw new InvalidCsr(MALFORMED, NOT_PKCS10);
        }
        if (blocks.isEmpty() || !Pem.CERTIFICATE_REQUEST.equals(blocks.get(0).type())) {
            throw new InvalidCsr(NOT_A_CSR_PEM, NOT_CSR);
        }
        if (blocks.size() > 1) {
            throw new InvalidCsr(NOT_A_CSR_PEM, "CSR must contain exactly one PEM block, found " + blocks.size());
        }
        try {
            return parseDer(blocks.get(0).der());
        } catch (InvalidCsr e) {
            throw e;
        } catch (RuntimeException | java.io.IOException e) {
            // ASN.1 errors of every kind (IllegalArgument, IllegalState, ClassCast, IO, ...)
            throw new InvalidCsr(MALFORMED, NOT_PKCS10);
        }
    }

    private Parsed parseDer(byte[] der) throws java.io.IOException {
        CertificationRequest req = CertificationRequest.getInstance(ASN1Primitive.fromByteArray(der));
        if (req == null || req.getCertificationRequestInfo() == null) {
            throw new InvalidCsr(MALFORMED, NOT_PKCS10);
        }
        SubjectPublicKeyInfo spki = req.getCertificationRequestInfo().getSubjectPublicKeyInfo();
        Parsed p = new Parsed(providers, der, spki, classify(spki),
                SIGNATURES.get(req.getSignatureAlgorithm().getAlgorithm()), req.getSignature().getOctets());
        var attributes = req.getCertificationRequestInfo().getAttributes();
        if (attributes != null) {
            for (ASN1Encodable a : attributes) {
                Attribute attr = Attribute.getInstance(a);
                if (!PKCSObjectIdentifiers.pkcs_9_at_extensionRequest.equals(attr.getAttrType())) {
                    continue;
                }
                for (ASN1Encodable value : attr.getAttrValues()) {
                    readExtensions(Extensions.getInstance(value), p);
                }
            }
        }
        return p;
    }

    private static void readExtensions(Extensions exts, Parsed p) {
        Extension san = exts.getExtension(Extension.subjectAlternativeName);
        if (san != null) {
            for (GeneralName n : GeneralNames.getInstance(san.getParsedValue()).getNames()) {
                switch (n.getTagNo()) {
                    case GeneralName.uniformResourceIdentifier -> p.uris.add(((ASN1String) n.getName()).getString());
                    case GeneralName.dNSName -> p.dns.add(((ASN1String) n.getName()).getString());
                    case GeneralName.rfc822Name -> p.emails.add(((ASN1String) n.getName()).getString());
                    case GeneralName.iPAddress -> {
                        byte[] ip = ASN1OctetString.getInstance(n.getName()).getOctets();
                        if (ip.length != 4 && ip.length != 16) {
                            throw new InvalidCsr(MALFORMED, NOT_PKCS10);
                        }
                        p.ips.add(ip);
                    }
                    default -> p.otherSans++;
                }
            }
        }
        Extension bc = exts.getExtension(Extension.basicConstraints);
        if (bc != null && BasicConstraints.getInstance(bc.getParsedValue()).isCA()) {
            p.requestsCa = true;
        }
    }

    private static PublicKeyInfo classify(SubjectPublicKeyInfo spki) throws java.io.IOException {
        ASN1ObjectIdentifier alg = spki.getAlgorithm().getAlgorithm();
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(alg)) {
            ASN1Encodable params = spki.getAlgorithm().getParameters();
            if (params instanceof ASN1ObjectIdentifier curve) {
                String name = CURVES.get(curve);
                int bits = PublicKeyInfo.P256.equals(name) ? 256 : PublicKeyInfo.P384.equals(name) ? 384 : 0;
                // an unknown curve is named by its OID, which the refusal quotes: bounded, as a
                // hostile request can make it kilobytes long (found by CsrFuzzTest)
                return new PublicKeyInfo("ec", bits, name != null ? name : UntrustedText.bounded(curve.getId()));
            }
            return new PublicKeyInfo("ec", 0, "explicit");
        }
        if (PKCSObjectIdentifiers.rsaEncryption.equals(alg)) {
            BigInteger modulus = RSAPublicKey.getInstance(spki.parsePublicKey()).getModulus();
            return new PublicKeyInfo("rsa", modulus.bitLength(), null);
        }
        if ("1.3.101.112".equals(alg.getId())) {
            return new PublicKeyInfo("ed25519", 0, null);
        }
        if ("1.3.101.113".equals(alg.getId())) {
            return new PublicKeyInfo("ed448", 0, null);
        }
        return new PublicKeyInfo("key algorithm " + UntrustedText.bounded(alg.getId()), 0, null);
    }

    /** The parsed request. Key conversion and signature checking happen only when asked for. */
    private static final class Parsed implements CertificateRequest {
        private final CryptoProviders providers;
        private final byte[] der;
        private final SubjectPublicKeyInfo spki;
        private final PublicKeyInfo keyInfo;
        private final String signatureAlgorithm;
        private final byte[] signature;
        final List<String> uris = new ArrayList<>(1);
        final List<String> dns = new ArrayList<>(0);
        final List<String> emails = new ArrayList<>(0);
        final List<byte[]> ips = new ArrayList<>(0);
        int otherSans;
        boolean requestsCa;
        private PublicKey publicKey;

        Parsed(CryptoProviders providers, byte[] der, SubjectPublicKeyInfo spki, PublicKeyInfo keyInfo,
                String signatureAlgorithm, byte[] signature) {
            this.providers = providers;
            this.der = der;
            this.spki = spki;
            this.keyInfo = keyInfo;
            this.signatureAlgorithm = signatureAlgorithm;
            this.signature = signature;
        }

        @Override
        public PublicKey publicKey() {
            if (publicKey == null) {
                try {
                    String alg = "ec".equals(keyInfo.algorithm()) ? "EC" : "RSA";
                    publicKey = providers.cachedKeyFactory(alg).generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
                } catch (GeneralSecurityException | java.io.IOException e) {
                    throw new InvalidCsr(MALFORMED, NOT_PKCS10);
                }
            }
            return publicKey;
        }

        @Override
        public byte[] publicKeyInfo() {
            PublicKey key = publicKey(); // decoded, and so checked, by the provider once; cached
            // A P-256 or P-384 key with a named curve and an uncompressed point has one DER form,
            // the one every provider writes: take it from the request rather than have the
            // provider encode the key again (ACCP does that in native code, about 4 µs). Anything
            // else (a compressed point, RSA without the NULL parameter) gets the provider's form.
            var bits = spki.getPublicKeyData();
            if (keyInfo.bits() > 0 && "ec".equals(keyInfo.algorithm()) && bits.getPadBits() == 0) {
                byte[] point = bits.getBytes();
                if (point.length == 1 + 2 * (keyInfo.bits() / 8) && point[0] == 0x04) {
                    try {
                        return spki.getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER);
                    } catch (java.io.IOException e) {
                        // fall through to the provider's encoding
                    }
                }
            }
            return key.getEncoded();
        }

        @Override
        public PublicKeyInfo keyInfo() {
            return keyInfo;
        }

        @Override
        public boolean signatureVerifies() {
            if (signatureAlgorithm == null || !keyMatches(signatureAlgorithm)) {
                return false;
            }
            try {
                Signature s = providers.verifier(signatureAlgorithm);
                s.initVerify(publicKey());
                int[] info = firstElement(der);
                s.update(der, info[0], info[1]);
                return s.verify(signature);
            } catch (GeneralSecurityException | RuntimeException e) {
                return false;
            }
        }

        private boolean keyMatches(String alg) {
            return alg.endsWith("ECDSA") ? "ec".equals(keyInfo.algorithm()) : "rsa".equals(keyInfo.algorithm());
        }

        @Override
        public List<String> uris() {
            return List.copyOf(uris);
        }

        @Override
        public List<String> dnsNames() {
            return List.copyOf(dns);
        }

        @Override
        public List<byte[]> ipAddresses() {
            return List.copyOf(ips);
        }

        @Override
        public List<String> emails() {
            return List.copyOf(emails);
        }

        @Override
        public int otherSanCount() {
            return otherSans;
        }

        @Override
        public boolean requestsCa() {
            return requestsCa;
        }
    }

    /**
     * Offset and length of the first element (CertificationRequestInfo) inside the outer DER
     * SEQUENCE: the exact bytes that were signed.
     */
    static int[] firstElement(byte[] der) {
        int p = 1;
        p += lengthOfLength(der, p);
        int start = p;
        int q = p + 1;
        int len = readLength(der, q);
        q += lengthOfLength(der, q);
        int total = q - start + len;
        if (start + total > der.length) {
            throw new IllegalArgumentException("truncated");
        }
        return new int[] {start, total};
    }

    private static int lengthOfLength(byte[] b, int p) {
        int first = b[p] & 0xff;
        return first < 0x80 ? 1 : 1 + (first & 0x7f);
    }

    private static int readLength(byte[] b, int p) {
        int first = b[p] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int n = first & 0x7f;
        if (n == 0 || n > 3) {
            throw new IllegalArgumentException("unsupported length");
        }
        int len = 0;
        for (int i = 1; i <= n; i++) {
            len = (len << 8) | (b[p + i] & 0xff);
        }
        return len;
    }
}
