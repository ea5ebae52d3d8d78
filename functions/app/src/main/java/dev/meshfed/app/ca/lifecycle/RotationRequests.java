package dev.meshfed.app.ca.lifecycle;

import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.ca.RotationRequest;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.config.SuppliedRoot;
import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.NotReady;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.identity.TrustDomain;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.store.Versioned;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Records a root rotation request in the primary's {@code rotation#current} item, the one way
 * every trigger takes ({@code POST /v1/connect/ca/rotate}, a configuration change that needs a new
 * root, the automatic trigger of {@code rotate-leaves}). The write is conditional on the version
 * read and only replaces a {@code DONE} request, so of two concurrent requests exactly one is
 * recorded and the other is a {@link Conflict} (409).
 */
public final class RotationRequests {
    /** The 409 text while a rotation is pending or in progress. */
    public static final String ALREADY_IN_PROGRESS = "a root rotation is already in progress";
    /** The 503 text before the primary's bootstrap: there is no root to rotate yet. */
    public static final String NOT_INITIALIZED = "CA has not finished initializing";
    /** {@code Retry-After} of that 503: a bootstrap completes within a tick. */
    public static final Duration NOT_INITIALIZED_RETRY_AFTER = Duration.ofSeconds(60);

    private RotationRequests() {
    }

    /** The open request, if one is pending or in progress. */
    public static Optional<Versioned<RotationRequest>> open(CaStore ca) {
        return ca.rotation(true).filter(v -> v.value().open());
    }

    /**
     * Records a pending request to replace the active root with one of {@code config}'s key type
     * (or its supplied root).
     *
     * @throws Conflict {@link #ALREADY_IN_PROGRESS} when a request is open, or another was recorded
     *     between the read and the write
     * @throws NotReady before the bootstrap
     */
    public static RotationRequest record(CaStore ca, RotationRequest.Trigger trigger, CaConfig config,
            boolean forceWithoutCrossSigning, Instant now) {
        if (!ca.localDc().equals(ca.primaryDc())) {
            throw new IllegalStateException("rotation requests are recorded only in the primary");
        }
        Optional<Versioned<RotationRequest>> current = ca.rotation(true);
        if (current.isPresent() && current.get().value().open()) {
            throw new Conflict(ALREADY_IN_PROGRESS);
        }
        TrustBundle bundle = ca.bundle(true).map(Versioned::value)
                .orElseThrow(() -> new NotReady(NOT_INITIALIZED, NOT_INITIALIZED_RETRY_AFTER));
        RotationRequest request = RotationRequest.pending(UUID.randomUUID().toString(), trigger, now,
                bundle.activeRootId(), config.privateKeyType(), config.privateKeyBits(),
                config.suppliedRoot().map(SuppliedRoot::sha256).orElse(null), forceWithoutCrossSigning);
        try {
            ca.putRotation(request, current.map(Versioned::version).orElse(0L));
        } catch (Conflict another) {
            throw new Conflict(ALREADY_IN_PROGRESS);
        }
        return request;
    }

    /**
     * Why {@code root} cannot be a root of {@code trustDomain} at {@code now}, or empty: it must be
     * a CA certificate, self-signed, valid now, with exactly the URI SAN {@code spiffe://<td>}
     * (the cluster ID never changes, so a supplied root keeps the trust domain).
     */
    public static Optional<String> suppliedRootProblem(X509Certificate root, TrustDomain trustDomain, Instant now) {
        if (root.getBasicConstraints() < 0) {
            return Optional.of("RootCert is not a CA certificate");
        }
        if (!root.getSubjectX500Principal().equals(root.getIssuerX500Principal())) {
            return Optional.of("RootCert is not self-signed");
        }
        try {
            root.verify(root.getPublicKey());
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            return Optional.of("RootCert is not self-signed");
        }
        if (!Certificates.isValidAt(root, now)) {
            return Optional.of("RootCert is expired or not yet valid");
        }
        String expected = trustDomain.signingId().uri();
        List<String> uris;
        try {
            Collection<List<?>> sans = root.getSubjectAlternativeNames();
            uris = sans == null ? List.of() : sans.stream().filter(s -> Integer.valueOf(6).equals(s.get(0)))
                    .map(s -> String.valueOf(s.get(1))).toList();
        } catch (CertificateParsingException e) {
            uris = List.of();
        }
        if (!uris.equals(List.of(expected))) {
            return Optional.of("RootCert must have exactly the URI SAN " + expected + " of this cluster's trust domain");
        }
        return Optional.empty();
    }
}
