package dev.meshfed.bench;

import dev.meshfed.core.identity.ClusterId;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.pki.CertificateProfiles;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.pki.LeafCsrValidator;
import dev.meshfed.core.pki.LeafSigner;
import dev.meshfed.core.pki.LeafSigningCore;
import dev.meshfed.core.pki.LeafSigningGates;
import dev.meshfed.core.pki.Pem;
import dev.meshfed.core.pki.SignedLeaf;
import dev.meshfed.pki.BcCertificateIssuer;
import dev.meshfed.pki.BcCsrParser;
import dev.meshfed.pki.CryptoProviders;
import dev.meshfed.pki.JcaKeyPairFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Everything the leaf signing benchmarks need, built once per trial and never measured: a root
 * and an intermediate (EC P-256) made with the chosen provider through the production profiles
 * and issuer, the {@link LeafSigner} holding the intermediate key in that provider's form, the
 * DC policy, and a pool of distinct EC P-256 CSRs that the benchmarks cycle through.
 *
 * <p>The CSRs are made with Bouncy Castle's PKCS#10 builder and the JDK's SunEC keys, whatever
 * provider is measured, so every provider gets the same kind of input. Each carries one
 * URI SAN, {@code spiffe://<td>/ns/default/dc/dc1/svc/web-N}, as a sidecar's request does.
 */
@State(Scope.Thread)
public class LeafSigningFixture {

    /** Distinct CSRs per trial; a power of two so the cycle is a mask. */
    static final int POOL = 1024;
    static final ClusterId CLUSTER = new ClusterId("7d8b1e6c-3f2a-4c5e-9a1b-2c3d4e5f6a7b");
    static final Datacenter DC = new Datacenter("dc1");
    static final Duration LEAF_TTL = Duration.ofHours(72);
    static final Duration ROOT_TTL = Duration.ofDays(3650);
    static final Duration INTERMEDIATE_TTL = Duration.ofDays(365);

    /** Which JCA provider does the EC work: {@code jdk} (SunEC), {@code bc} or {@code accp}. */
    @Param({"jdk", "bc", "accp"})
    public String provider;

    CryptoProviders providers;
    BcCsrParser parser;
    CertificateProfiles profiles;
    BcCertificateIssuer issuer;
    LeafCsrValidator validator;
    LeafSigningCore core;
    LeafSigner signer;
    LeafCsrValidator.Policy policy;
    Instant now;

    String[] csrPems;
    /** The same requests, approved by the validator: input of the build-and-sign piece. */
    LeafCsrValidator.Approved[] approved;
    /** CertificationRequestInfo bytes, signature and decoded key: input of the raw verify. */
    byte[][] csrInfo;
    byte[][] csrSignature;
    PublicKey[] csrKeys;
    /** A real leaf's TBSCertificate: the message of the raw sign. */
    byte[] tbsSample;
    /** A signature object initialised once with the signer key: the raw sign primitive. */
    Signature rawSigner;

    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        providers = CryptoProviders.of(CryptoProviders.Preference.valueOf(provider.toUpperCase(Locale.ROOT)));
        SecureRandom random = new SecureRandom();
        profiles = new CertificateProfiles(random);
        issuer = new BcCertificateIssuer(providers);
        parser = new BcCsrParser(providers);
        validator = new LeafCsrValidator(parser);
        core = new LeafSigningCore(parser, profiles, issuer);
        now = Instant.now();

        JcaKeyPairFactory keys = new JcaKeyPairFactory(providers, random);
        KeyPair rootKey = keys.generate(KeySpec.EC_P256);
        X509Certificate root = issuer.issue(profiles.root(CLUSTER, rootKey.getPublic(), now, ROOT_TTL),
                rootKey.getPrivate());
        KeyPair intermediateKey = keys.generate(KeySpec.EC_P256);
        X509Certificate intermediate = issuer.issue(profiles.intermediate(CLUSTER, DC, intermediateKey.getPublic(),
                root, now, INTERMEDIATE_TTL), rootKey.getPrivate());
        intermediate.verify(root.getPublicKey());
        // A primary DC without a cross-signed root: the chain after each leaf is the intermediate.
        signer = LeafSigner.of(intermediate, providers.importPrivateKey(intermediateKey.getPrivate()),
                List.of(intermediate));
        policy = new LeafCsrValidator.Policy(CLUSTER.trustDomain(), DC, List.of(), List.of());

        csrPems = new String[POOL];
        approved = new LeafCsrValidator.Approved[POOL];
        csrInfo = new byte[POOL][];
        csrSignature = new byte[POOL][];
        csrKeys = new PublicKey[POOL];
        KeyPairGenerator csrKeyGen = KeyPairGenerator.getInstance("EC", "SunEC");
        csrKeyGen.initialize(new ECGenParameterSpec("secp256r1"), random);
        for (int i = 0; i < POOL; i++) {
            PKCS10CertificationRequest csr = csr(csrKeyGen.generateKeyPair(), i);
            csrPems[i] = Pem.encode(Pem.CERTIFICATE_REQUEST, csr.getEncoded());
            approved[i] = validator.validate(csrPems[i], policy, LeafSigningGates.OPEN);
            csrInfo[i] = csr.toASN1Structure().getCertificationRequestInfo().getEncoded(ASN1Encoding.DER);
            csrSignature[i] = csr.getSignature();
            csrKeys[i] = approved[i].publicKey();
        }

        rawSigner = providers.signature("SHA256withECDSA");
        rawSigner.initSign(signer.key());
        SignedLeaf sample = core.sign(csrPems[0], policy, LeafSigningGates.OPEN, signer, now, LEAF_TTL);
        tbsSample = Certificate.getInstance(sample.der()).getTBSCertificate().getEncoded(ASN1Encoding.DER);

        selfCheck(sample, intermediate);
        // One line per fork, so the results show which classes really did the work.
        System.out.println("meshfed provider: " + providers.description() + "; signer key "
                + signer.key().getClass().getName() + "; CSR key " + csrKeys[0].getClass().getName());
    }

    /** The index of the next CSR of the pool, cycling. */
    int next() {
        int i = next;
        next = (i + 1) & (POOL - 1);
        return i;
    }

    /** A benchmark that measures a broken pipeline measures nothing: check one result end to end. */
    private static void selfCheck(SignedLeaf leaf, X509Certificate intermediate) throws Exception {
        X509Certificate cert = Certificates.fromDer(leaf.der());
        cert.verify(intermediate.getPublicKey());
        List<X509Certificate> chain = Certificates.fromPem(leaf.certPem());
        if (chain.size() != 2 || !chain.get(1).equals(intermediate)) {
            throw new IllegalStateException("CertPEM is not the leaf followed by the intermediate");
        }
        if (!leaf.identity().uri().endsWith("/ns/default/dc/dc1/svc/web-0")) {
            throw new IllegalStateException("unexpected leaf identity " + leaf.identity().uri());
        }
    }

    private static PKCS10CertificationRequest csr(KeyPair key, int n) throws Exception {
        String uri = "spiffe://" + CLUSTER.trustDomain().value() + "/ns/default/dc/" + DC.name() + "/svc/web-" + n;
        ExtensionsGenerator ext = new ExtensionsGenerator();
        ext.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri)));
        return new JcaPKCS10CertificationRequestBuilder(new X500Name(new RDN[0]), key.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider("SunEC").build(key.getPrivate()));
    }
}
