package dev.meshfed.core.pki;

import java.math.BigInteger;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * Every field of one certificate, decided before anything is encoded. Made only by
 * {@link CertificateProfiles}; encoded and signed by a {@link CertificateIssuer}.
 *
 * @param subjectPublicKeyInfo {@code subjectPublicKey}'s DER SubjectPublicKeyInfo
 * @param pathLength for CA certificates, the basic constraints path length, or null for none
 * @param sanCritical the subjectAltName extension is critical (required when the subject is empty)
 * @param authorityKeyId the issuer's key identifier (the certificate's own for a self-signed root)
 */
public record CertificateTemplate(
        BigInteger serial,
        X500Principal subject,
        X500Principal issuer,
        PublicKey subjectPublicKey,
        byte[] subjectPublicKeyInfo,
        Instant notBefore,
        Instant notAfter,
        boolean ca,
        Integer pathLength,
        Set<KeyUsage> keyUsage,
        Set<ExtendedKeyUsage> extendedKeyUsage,
        List<String> uriSans,
        List<String> dnsSans,
        List<byte[]> ipSans,
        boolean sanCritical,
        byte[] subjectKeyId,
        byte[] authorityKeyId,
        SignatureAlgorithm signatureAlgorithm) {

    public CertificateTemplate {
        if (serial.signum() <= 0) {
            throw new IllegalArgumentException("serial must be positive");
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("certificate would have no validity: notAfter " + notAfter
                    + " is not after notBefore " + notBefore);
        }
        keyUsage = Set.copyOf(keyUsage);
        extendedKeyUsage = Set.copyOf(extendedKeyUsage);
        uriSans = List.copyOf(uriSans);
        dnsSans = List.copyOf(dnsSans);
        ipSans = List.copyOf(ipSans);
    }

    /** True when the subject is the empty name. */
    public boolean emptySubject() {
        return subject.getEncoded().length <= 2;
    }
}
