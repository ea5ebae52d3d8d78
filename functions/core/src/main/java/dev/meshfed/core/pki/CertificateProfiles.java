package dev.meshfed.core.pki;

import dev.meshfed.core.identity.ClusterId;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.identity.SerialNumbers;
import dev.meshfed.core.identity.SpiffeId;
import dev.meshfed.core.rotation.Lifetimes;
import dev.meshfed.core.rotation.Validity;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * The certificate profile table of certificates.md as pure functions: each method decides every
 * field of one kind of certificate and returns a {@link CertificateTemplate}. Nothing here signs
 * or touches a provider.
 *
 * <p>Validity periods come from {@link Lifetimes}: NotBefore is backdated by the skew; NotAfter is
 * capped at the issuer's NotAfter (meshfed: nothing outlives the certificate that vouches for it);
 * an issuer that is not valid now never signs.
 */
public final class CertificateProfiles {

    private static final Set<KeyUsage> CA_USAGE = EnumSet.of(KeyUsage.KEY_CERT_SIGN, KeyUsage.CRL_SIGN,
            KeyUsage.DIGITAL_SIGNATURE);
    private static final Set<KeyUsage> LEAF_USAGE = EnumSet.of(KeyUsage.DIGITAL_SIGNATURE,
            KeyUsage.KEY_ENCIPHERMENT, KeyUsage.KEY_AGREEMENT);
    private static final Set<ExtendedKeyUsage> LEAF_EKU = EnumSet.of(ExtendedKeyUsage.SERVER_AUTH,
            ExtendedKeyUsage.CLIENT_AUTH);
    private static final X500Principal EMPTY = new X500Principal("");
    private static final String BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";

    private final SerialNumbers serials;
    private final Random random;

    /** @param random source for serial numbers and the root name suffix (a SecureRandom in production) */
    public CertificateProfiles(Random random) {
        this.random = random;
        this.serials = new SerialNumbers(random);
    }

    /**
     * A self-signed root: CN {@code pri-<8 random base36>.consul.ca.<first 8 of cluster ID>.consul},
     * URI SAN {@code spiffe://<td>}, CA without path length, valid {@code now − skew} to
     * {@code now + rootTtl}.
     */
    public CertificateTemplate root(ClusterId clusterId, PublicKey rootKey, Instant now, Duration rootTtl) {
        X500Principal subject = cn("pri-" + randomBase36(8) + ".consul.ca." + clusterId.shortId() + ".consul");
        byte[] keyId = KeyIds.keyId(rootKey);
        Validity v = Lifetimes.root(seconds(now), rootTtl);
        return new CertificateTemplate(serials.nextCa(), subject, subject, rootKey, rootKey.getEncoded(), v.notBefore(),
                v.notAfter(),
                true, null, CA_USAGE, Set.of(), List.of(clusterId.trustDomain().signingId().uri()), List.of(),
                List.of(), false, keyId, keyId, SignatureAlgorithm.forSigner(rootKey));
    }

    /**
     * A DC's intermediate (every DC has one, the primary included), signed by the primary's active
     * root: CN {@code <dc>.ca.<first 8 of cluster ID>.consul}, URI SAN {@code spiffe://<td>}, CA
     * with path length 0, NotAfter {@code now + intermediateTtl} capped at the root's NotAfter.
     */
    public CertificateTemplate intermediate(ClusterId clusterId, Datacenter dc, PublicKey intermediateKey,
            X509Certificate root, Instant now, Duration intermediateTtl) {
        Validity v = Lifetimes.issued(seconds(now), intermediateTtl, validity(root));
        return new CertificateTemplate(serials.nextCa(), cn(dc.name() + ".ca." + clusterId.shortId() + ".consul"),
                root.getSubjectX500Principal(), intermediateKey, intermediateKey.getEncoded(), v.notBefore(), v.notAfter(),
                true, 0, CA_USAGE, Set.of(), List.of(clusterId.trustDomain().signingId().uri()), List.of(), List.of(),
                false, KeyIds.keyId(intermediateKey), Certificates.subjectKeyId(root),
                SignatureAlgorithm.forSigner(root.getPublicKey()));
    }

    /**
     * The new root R2 cross-signed by the old root R1: R2's subject, key, SAN, constraints and
     * SKID; issuer R1 and R1's key ID; valid until R1's own NotAfter (meshfed: Consul fixes 7
     * days, which can expire before R1 is pruned).
     *
     * @throws IllegalArgumentException when R1 is not valid now: an expired root vouches for nothing
     */
    public CertificateTemplate crossSigned(X509Certificate newRoot, X509Certificate oldRoot, Instant now) {
        Validity v = Lifetimes.crossSigned(seconds(now), validity(oldRoot));
        List<String> uris = uriSans(newRoot);
        return new CertificateTemplate(serials.nextCa(), newRoot.getSubjectX500Principal(),
                oldRoot.getSubjectX500Principal(), newRoot.getPublicKey(), newRoot.getPublicKey().getEncoded(),
                v.notBefore(), v.notAfter(), true, null,
                CA_USAGE, Set.of(), uris, List.of(), List.of(), false, Certificates.subjectKeyId(newRoot),
                Certificates.subjectKeyId(oldRoot), SignatureAlgorithm.forSigner(oldRoot.getPublicKey()));
    }

    /**
     * A leaf signed by the DC's active intermediate: empty subject, exactly one URI SAN (the
     * SPIFFE ID) plus the already-approved DNS/IP SANs, SAN critical, not a CA, digitalSignature,
     * keyEncipherment and keyAgreement, serverAuth and clientAuth, 128-bit serial, NotAfter
     * {@code now + leafTtl} capped at the signer's NotAfter.
     */
    public CertificateTemplate leaf(SpiffeId id, PublicKey leafKey, List<String> dnsSans, List<byte[]> ipSans,
            X509Certificate signer, Instant now, Duration leafTtl) {
        return leaf(id, leafKey, leafKey.getEncoded(), dnsSans, ipSans, signer, now, leafTtl);
    }

    /** {@link #leaf}, with the key's SubjectPublicKeyInfo DER already at hand (from the CSR: no re-encoding). */
    public CertificateTemplate leaf(SpiffeId id, PublicKey leafKey, byte[] leafKeyInfo, List<String> dnsSans,
            List<byte[]> ipSans, X509Certificate signer, Instant now, Duration leafTtl) {
        Validity v = Lifetimes.issued(seconds(now), leafTtl, validity(signer));
        return new CertificateTemplate(serials.nextLeaf(), EMPTY, signer.getSubjectX500Principal(), leafKey, leafKeyInfo,
                v.notBefore(), v.notAfter(), false, null, LEAF_USAGE, LEAF_EKU, List.of(id.uri()),
                dnsSans, ipSans, true, KeyIds.keyId(leafKeyInfo), Certificates.subjectKeyId(signer),
                SignatureAlgorithm.forSigner(signer.getPublicKey()));
    }

    /** A serial for a CA certificate (63 bits), for callers that need one outside a template. */
    public BigInteger nextCaSerial() {
        return serials.nextCa();
    }

    /** X.509 times have whole seconds; deciding them here keeps templates equal to what is encoded. */
    private static Instant seconds(Instant t) {
        return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    private static Validity validity(X509Certificate c) {
        return new Validity(c.getNotBefore().toInstant(), c.getNotAfter().toInstant());
    }

    private static X500Principal cn(String commonName) {
        // Only [a-z0-9.-] reach here (DC names, base36, hex): no escaping needed.
        return new X500Principal("CN=" + commonName);
    }

    private String randomBase36(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(BASE36.charAt(random.nextInt(BASE36.length())));
        }
        return sb.toString();
    }

    private static List<String> uriSans(X509Certificate cert) {
        try {
            var sans = cert.getSubjectAlternativeNames();
            if (sans == null) {
                return List.of();
            }
            return sans.stream().filter(l -> (Integer) l.get(0) == 6).map(l -> (String) l.get(1)).toList();
        } catch (java.security.cert.CertificateParsingException e) {
            throw new IllegalArgumentException("root has an unreadable subjectAltName");
        }
    }
}
