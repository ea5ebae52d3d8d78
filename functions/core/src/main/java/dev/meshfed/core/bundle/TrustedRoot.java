package dev.meshfed.core.bundle;

import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.pki.KeySpec;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;

/**
 * One root of the trust bundle.
 *
 * @param crossSigned this root's certificate cross-signed by the root it replaced, or null for
 *     the first root; every DC puts it first in its chain under this root
 * @param rotatedOutAt when this root stopped being active, or null while active
 */
public record TrustedRoot(X509Certificate certificate, KeySpec keySpec, boolean active, Instant rotatedOutAt,
        X509Certificate crossSigned) {

    /** Consul's {@code CARoot.Name} for roots of the built-in provider. */
    public static final String NAME = "meshfed CA Primary Cert";

    public TrustedRoot {
        if (active && rotatedOutAt != null) {
            throw new IllegalArgumentException("an active root has no rotated-out time");
        }
    }

    /** The root ID: SHA-1 fingerprint of the DER, colon-hex. */
    public String id() {
        return KeyIds.rootId(Certificates.der(certificate));
    }

    public Instant notBefore() {
        return certificate.getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    public Optional<X509Certificate> crossSignedCertificate() {
        return Optional.ofNullable(crossSigned);
    }

    /** This root, no longer active from {@code at}. */
    public TrustedRoot retired(Instant at) {
        return new TrustedRoot(certificate, keySpec, false, at, crossSigned);
    }
}
