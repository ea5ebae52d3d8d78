package dev.meshfed.core.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * Builds and signs one certificate from a fully decided {@link CertificateTemplate}. The
 * template (made by {@link CertificateProfiles}) fixes every field; the issuer only encodes and
 * signs, so the profile rules live in one pure place.
 */
public interface CertificateIssuer {

    /**
     * @param template every field of the certificate
     * @param signingKey the issuer's private key (for a self-signed root, the root's own key);
     *     its type must match {@link CertificateTemplate#signatureAlgorithm()}
     * @return the signed certificate's DER encoding (the hot path needs no parsed copy)
     */
    byte[] sign(CertificateTemplate template, PrivateKey signingKey);

    /** {@link #sign}, parsed into a certificate object. */
    default X509Certificate issue(CertificateTemplate template, PrivateKey signingKey) {
        return Certificates.fromDer(sign(template, signingKey));
    }
}
