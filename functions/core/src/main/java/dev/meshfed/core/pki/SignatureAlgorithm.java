package dev.meshfed.core.pki;

import java.security.PublicKey;

/** Signature algorithms meshfed signs with: it follows the signer's key (certificates.md). */
public enum SignatureAlgorithm {
    ECDSA_SHA256("SHA256withECDSA"),
    ECDSA_SHA384("SHA384withECDSA"),
    RSA_SHA256("SHA256withRSA");

    private final String jcaName;

    SignatureAlgorithm(String jcaName) {
        this.jcaName = jcaName;
    }

    /** The JCA standard name, e.g. {@code SHA256withECDSA}. */
    public String jcaName() {
        return jcaName;
    }

    /**
     * The algorithm a signer with this public key signs with: ECDSA with SHA-256 for P-256, with
     * SHA-384 for P-384 (meshfed: Consul uses SHA-256 for every curve), SHA-256 with RSA.
     *
     * @throws IllegalArgumentException for any other key: such a key can never be a meshfed signer
     */
    public static SignatureAlgorithm forSigner(PublicKey key) {
        KeySpec spec = KeySpec.of(key);
        if (spec == null) {
            throw new IllegalArgumentException("unsupported signer key " + key.getAlgorithm());
        }
        return spec.signatureAlgorithm();
    }
}
