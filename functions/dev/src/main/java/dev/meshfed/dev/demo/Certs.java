package dev.meshfed.dev.demo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The certificate work of the demo, done as a client would, independently of meshfed's own pki
 * module: Bouncy Castle only to write a CSR and read an {@code EC PRIVATE KEY}; parsing and
 * validation are the JDK's ({@code CertificateFactory}, {@code CertPathValidator} "PKIX").
 */
final class Certs {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** The SAN general-name tag of a URI (RFC 5280), as the JDK reports it. */
    private static final int SAN_URI = 6;

    private Certs() {
    }

    /** A fresh EC P-256 key pair. */
    static KeyPair ecP256() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    /** The SPIFFE ID of a service in the default namespace (certificates.md). */
    static String serviceId(String trustDomain, String dc, String service) {
        return "spiffe://" + trustDomain + "/ns/default/dc/" + dc + "/svc/" + service;
    }

    /**
     * A PKCS#10 CSR in PEM: empty subject, one URI SAN (critical, as the subject is empty),
     * signed SHA256withECDSA by the key pair.
     */
    static String csrPem(KeyPair keys, String spiffeId) throws IOException, OperatorCreationException {
        ExtensionsGenerator ext = new ExtensionsGenerator();
        ext.addExtension(Extension.subjectAlternativeName, true,
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId)));
        PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(new RDN[0]), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(csr);
        }
        return s.toString();
    }

    /** Every certificate in a PEM text, in order. */
    static List<X509Certificate> parseChain(String pem) throws CertificateException {
        Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        List<X509Certificate> out = new ArrayList<>();
        for (java.security.cert.Certificate c : all) {
            out.add((X509Certificate) c);
        }
        return out;
    }

    /** The self-signed certificates of a roots bundle: the trust anchors a client keeps. */
    static List<X509Certificate> selfSigned(List<X509Certificate> bundle) {
        List<X509Certificate> roots = new ArrayList<>();
        for (X509Certificate c : bundle) {
            if (c.getSubjectX500Principal().equals(c.getIssuerX500Principal()) && signedBy(c, c.getPublicKey())) {
                roots.add(c);
            }
        }
        return roots;
    }

    /**
     * The certification path from {@code leaf} upwards through {@code candidates}, ordered as
     * {@link CertPathValidator} wants it (target first), following issuer names and signatures;
     * it stops at a certificate issued by one of the {@code anchors} or when no candidate signed
     * the last one. A chain may list its certificates in any order; this does not trust the order.
     */
    static List<X509Certificate> orderPath(X509Certificate leaf, List<X509Certificate> candidates,
            List<X509Certificate> anchors) {
        List<X509Certificate> path = new ArrayList<>(List.of(leaf));
        Set<X509Certificate> used = new HashSet<>(path);
        X509Certificate current = leaf;
        while (path.size() <= candidates.size() + 1) {
            X509Certificate at = current;
            if (anchors.stream().anyMatch(a -> issued(a, at))) {
                break;
            }
            X509Certificate next = candidates.stream()
                    .filter(c -> !used.contains(c) && issued(c, at) && !c.equals(at))
                    .findFirst().orElse(null);
            if (next == null) {
                break;
            }
            path.add(next);
            used.add(next);
            current = next;
        }
        return path;
    }

    /** JDK PKIX validation of {@code path} (target first) against {@code anchors}, revocation off, now. */
    static PKIXCertPathValidatorResult validate(List<X509Certificate> path, List<X509Certificate> anchors)
            throws GeneralSecurityException {
        if (anchors.isEmpty()) {
            throw new GeneralSecurityException("no self-signed root to trust");
        }
        Set<TrustAnchor> trust = new HashSet<>();
        anchors.forEach(a -> trust.add(new TrustAnchor(a, null)));
        PKIXParameters params = new PKIXParameters(trust);
        params.setRevocationEnabled(false);
        CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
        return (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(certPath, params);
    }

    /** The URI SANs of a certificate. */
    static List<String> uris(X509Certificate cert) throws CertificateParsingException {
        List<String> out = new ArrayList<>();
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                if (san.size() >= 2 && Integer.valueOf(SAN_URI).equals(san.get(0))) {
                    out.add(String.valueOf(san.get(1)));
                }
            }
        }
        return out;
    }

    /** The single URI SAN of a leaf, or a failure naming what was found. */
    static String spiffeId(X509Certificate leaf) throws CertificateParsingException, Walk.StepFailed {
        List<String> u = uris(leaf);
        if (u.size() != 1) {
            throw new Walk.StepFailed("leaf has " + u.size() + " URI SANs, expected exactly one: " + u);
        }
        return u.get(0);
    }

    /** A serial number as colon-hex of its minimal big-endian bytes (certificates.md). */
    static String colonHex(BigInteger serial) {
        byte[] b = serial.toByteArray();
        int start = b.length > 1 && b[0] == 0 ? 1 : 0;
        StringBuilder s = new StringBuilder();
        for (int i = start; i < b.length; i++) {
            if (s.length() > 0) {
                s.append(':');
            }
            s.append(String.format("%02x", b[i] & 0xff));
        }
        return s.toString();
    }

    /** A long colon-hex ID cut to its first bytes, for display. */
    static String shorten(String id) {
        return id.length() <= 23 ? id : id.substring(0, 23) + "...";
    }

    /**
     * Reads a PEM private key of type {@code EC PRIVATE KEY} (SEC1, RFC 5915); the public point in
     * it, if any, is not trusted: {@link #matches} checks the key against the certificate.
     */
    static PrivateKey ecPrivateKey(String pem) throws Walk.StepFailed {
        if (!pem.contains("-----BEGIN EC PRIVATE KEY-----")) {
            throw new Walk.StepFailed("PrivateKeyPEM is not an EC PRIVATE KEY block");
        }
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o = p.readObject();
            if (!(o instanceof PEMKeyPair kp)) {
                throw new Walk.StepFailed("PrivateKeyPEM does not parse as an EC private key");
            }
            return new JcaPEMKeyConverter().getPrivateKey(kp.getPrivateKeyInfo());
        } catch (IOException e) {
            throw new Walk.StepFailed("PrivateKeyPEM does not parse as an EC private key: " + Walk.describe(e));
        }
    }

    /** True when {@code key} signs what {@code pub} verifies: the private key belongs to that public key. */
    static boolean matches(PrivateKey key, PublicKey pub) throws GeneralSecurityException {
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update(challenge);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance("SHA256withECDSA");
        v.initVerify(pub);
        v.update(challenge);
        return v.verify(sig);
    }

    /**
     * True when {@code c} is {@code newRoot} cross-signed by {@code oldRoot}: the new root's subject
     * and key, the old root's name as issuer, and a signature the old root's key verifies.
     */
    static boolean crossSigned(X509Certificate c, X509Certificate oldRoot, X509Certificate newRoot) {
        return !c.equals(newRoot)
                && c.getSubjectX500Principal().equals(newRoot.getSubjectX500Principal())
                && c.getPublicKey().equals(newRoot.getPublicKey())
                && issued(oldRoot, c);
    }

    private static boolean issued(X509Certificate issuer, X509Certificate subject) {
        return issuer.getSubjectX500Principal().equals(subject.getIssuerX500Principal())
                && signedBy(subject, issuer.getPublicKey());
    }

    private static boolean signedBy(X509Certificate cert, PublicKey key) {
        try {
            cert.verify(key);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
