package dev.meshfed.dev.demo;

import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extensions;

/**
 * A small real CA for the fake federation, built with Bouncy Castle: a self-signed root, an
 * intermediate per DC, and leaves with the URI SAN of a CSR, all EC P-256, with the profiles of
 * certificates.md (basic constraints, key usage, serverAuth + clientAuth on leaves). Validity is
 * taken from one fixed instant ({@link #NOW}, the start of the test run) plus or minus hours, so
 * the JDK's validators, which check at the current time, accept them.
 */
final class FakeCa {

    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A CA certificate with its key. */
    record Issuer(KeyPair keys, X509Certificate cert) {
    }

    private FakeCa() {
    }

    static Issuer root(String trustDomain, String cn) throws Exception {
        KeyPair keys = Certs.ecP256();
        X500Name name = new X500Name("CN=" + cn);
        X509v3CertificateBuilder b = builder(name, name, keys.getPublic(), Duration.ofHours(24 * 365));
        ca(b, trustDomain, keys.getPublic(), keys.getPublic(), -1);
        return new Issuer(keys, sign(b, keys));
    }

    static Issuer intermediate(Issuer root, String trustDomain, String dc) throws Exception {
        KeyPair keys = Certs.ecP256();
        X509v3CertificateBuilder b = builder(issuerName(root), new X500Name("CN=" + dc + ".ca." + trustDomain),
                keys.getPublic(), Duration.ofHours(24 * 30));
        ca(b, trustDomain, keys.getPublic(), root.cert().getPublicKey(), 0);
        return new Issuer(keys, sign(b, root.keys()));
    }

    /**
     * The new root cross-signed by the old one, as a rotation makes it: the new root's subject, key
     * and CA extensions, the old root as issuer (name and authority key ID), valid until the old
     * root's NotAfter, signed by the old root's key.
     */
    static X509Certificate crossSign(Issuer oldRoot, Issuer newRoot, String trustDomain) throws Exception {
        X500Name subject = X500Name.getInstance(newRoot.cert().getSubjectX500Principal().getEncoded());
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName(oldRoot),
                new BigInteger(63, RANDOM).add(BigInteger.ONE), Date.from(NOW.minus(Duration.ofHours(1))),
                oldRoot.cert().getNotAfter(), subject, newRoot.keys().getPublic());
        ca(b, trustDomain, newRoot.keys().getPublic(), oldRoot.keys().getPublic(), -1);
        return sign(b, oldRoot.keys());
    }

    /** A leaf for the CSR's key and its one URI SAN, signed by the intermediate. */
    static X509Certificate leafFromCsr(Issuer signer, String csrPem) throws Exception {
        PKCS10CertificationRequest csr = csr(csrPem);
        Extensions ext = Extensions.getInstance(
                csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)[0].getAttrValues().getObjectAt(0));
        GeneralNames sans = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName);
        String uri = sans.getNames()[0].getName().toString();
        return leaf(signer, csrKey(csrPem), uri);
    }

    static PublicKey csrKey(String csrPem) throws Exception {
        return new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest(csr(csrPem)).getPublicKey();
    }

    private static PKCS10CertificationRequest csr(String csrPem) throws Exception {
        try (PEMParser p = new PEMParser(new StringReader(csrPem))) {
            return (PKCS10CertificationRequest) p.readObject();
        }
    }

    static X509Certificate leaf(Issuer signer, PublicKey key, String uri) throws Exception {
        X509v3CertificateBuilder b = builder(issuerName(signer), new X500Name(new org.bouncycastle.asn1.x500.RDN[0]),
                key, Duration.ofHours(72));
        JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement));
        b.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        b.addExtension(Extension.subjectAlternativeName, true,
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri)));
        b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(key));
        b.addExtension(Extension.authorityKeyIdentifier, false,
                u.createAuthorityKeyIdentifier(signer.cert().getPublicKey()));
        return sign(b, signer.keys());
    }

    static String pem(Object... objects) throws Exception {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            for (Object o : objects) {
                w.writeObject(o);
            }
        }
        return s.toString();
    }

    /**
     * The SEC1 {@code EC PRIVATE KEY} (RFC 5915) meshfed answers: named curve and public point
     * included. (JcaPEMWriter on a JDK key would drop the curve, which SEC1 readers refuse.)
     */
    static String ecPrivateKeyPem(KeyPair keys) throws Exception {
        java.security.interfaces.ECPrivateKey k = (java.security.interfaces.ECPrivateKey) keys.getPrivate();
        byte[] point = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded())
                .getPublicKeyData().getBytes();
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, k.getS(),
                new org.bouncycastle.asn1.DERBitString(point), org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1);
        return pem(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    }

    /** The root ID of certificates.md: SHA-1 of the DER, colon-hex. */
    static String rootId(X509Certificate root) throws Exception {
        return Certs.colonHex(new BigInteger(1, MessageDigest.getInstance("SHA-1").digest(root.getEncoded())));
    }

    private static X500Name issuerName(Issuer issuer) {
        return X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded());
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key, Duration life) {
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(63, RANDOM).add(BigInteger.ONE),
                Date.from(NOW.minus(Duration.ofHours(1))), Date.from(NOW.plus(life)), subject, key);
    }

    private static void ca(X509v3CertificateBuilder b, String trustDomain, PublicKey own, PublicKey issuer, int pathLen)
            throws Exception {
        JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, pathLen < 0 ? new BasicConstraints(true) : new BasicConstraints(pathLen));
        b.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        b.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://" + trustDomain)));
        b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(own));
        b.addExtension(Extension.authorityKeyIdentifier, false, u.createAuthorityKeyIdentifier(issuer));
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }
}
