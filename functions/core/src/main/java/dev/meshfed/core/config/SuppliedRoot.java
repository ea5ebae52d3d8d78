package dev.meshfed.core.config;

import java.util.Objects;

/**
 * A root certificate that an operator supplied (with its private key) through
 * {@code PUT /v1/connect/ca/configuration} instead of letting meshfed generate one.
 *
 * <p>Only public material lives here: the certificate PEM and {@link #sha256()}, the SHA-256 of the
 * certificate's DER bytes. The private key never does; it travels once, in
 * {@link CaConfigRequest#suppliedPrivateKey()}, to key custody. The hash identifies the root:
 * two values are equal exactly when their hashes are equal, whatever the PEM line breaks, so
 * supplying the same root again is not a change. The key is not part of the hash because a
 * certificate fixes its key; the PKI layer checks that the supplied key matches it.
 */
public final class SuppliedRoot {

    private final String rootCertPem;
    private final String sha256;

    /**
     * @param rootCertPem the certificate as supplied, one PEM {@code CERTIFICATE} block
     * @param sha256 lowercase hex SHA-256 of the certificate's DER bytes (64 characters)
     * @throws IllegalArgumentException if the hash is not 64 lowercase hex characters
     */
    public SuppliedRoot(String rootCertPem, String sha256) {
        this.rootCertPem = Objects.requireNonNull(rootCertPem, "rootCertPem");
        this.sha256 = Objects.requireNonNull(sha256, "sha256");
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex characters");
        }
    }

    /** The supplied certificate, one PEM {@code CERTIFICATE} block, as the operator sent it. */
    public String rootCertPem() {
        return rootCertPem;
    }

    /** Lowercase hex SHA-256 of the certificate's DER bytes: the identity of the supplied root. */
    public String sha256() {
        return sha256;
    }

    /** Equal when the certificates are: same SHA-256 of the DER, whatever the PEM text. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SuppliedRoot && ((SuppliedRoot) o).sha256.equals(sha256);
    }

    @Override
    public int hashCode() {
        return sha256.hashCode();
    }

    /** Names the root by its hash only; never the PEM. */
    @Override
    public String toString() {
        return "SuppliedRoot[sha256=" + sha256 + "]";
    }
}
