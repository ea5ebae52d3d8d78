package dev.meshfed.core.pki;

import java.security.PublicKey;
import java.util.List;

/**
 * A parsed PKCS#10 request, as far as meshfed looks at it. Subject and requested extensions other
 * than subjectAltName and basicConstraints are deliberately not exposed: they are ignored.
 */
public interface CertificateRequest {

    /** The request's public key, usable with any JCA provider. */
    PublicKey publicKey();

    /**
     * The key's DER SubjectPublicKeyInfo, byte for byte what {@code publicKey().getEncoded()}
     * returns (and, like {@link #publicKey()}, only for a key the provider accepts). Adapters
     * answer from the request's own bytes when those are already in that form, so the signing
     * path need not have the provider encode the key again.
     */
    byte[] publicKeyInfo();

    /** What kind of key it is (algorithm, size, curve). */
    PublicKeyInfo keyInfo();

    /** True when the request's self-signature verifies with its own key. Each call verifies again. */
    boolean signatureVerifies();

    /** URI SANs, as written in the request (not yet parsed as SPIFFE IDs). */
    List<String> uris();

    /** DNS SANs. */
    List<String> dnsNames();

    /** IP address SANs, as raw address bytes (4 or 16 bytes each). */
    List<byte[]> ipAddresses();

    /** E-mail (rfc822Name) SANs. */
    List<String> emails();

    /** Number of SAN entries of any other kind (directoryName, otherName, ...). */
    int otherSanCount();

    /** True when the request asks for a CA basic constraint. */
    boolean requestsCa();
}
