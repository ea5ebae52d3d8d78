package dev.meshfed.core.bundle;

import dev.meshfed.core.identity.ClusterId;
import dev.meshfed.core.identity.TrustDomain;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The trust bundle the primary owns: the cluster's identity and every root still trusted, exactly
 * one of them active. Changes return a new bundle (a root is never overwritten in place); the
 * store writes the result conditionally on the version it replaces.
 */
public record TrustBundle(ClusterId clusterId, List<TrustedRoot> roots) {

    public TrustBundle {
        roots = List.copyOf(roots);
        if (roots.stream().filter(TrustedRoot::active).count() != 1) {
            throw new IllegalArgumentException("a trust bundle has exactly one active root");
        }
    }

    /** A new federation's bundle: one root, active. */
    public static TrustBundle first(ClusterId clusterId, TrustedRoot root) {
        return new TrustBundle(clusterId, List.of(root));
    }

    public TrustDomain trustDomain() {
        return clusterId.trustDomain();
    }

    public TrustedRoot active() {
        return roots.stream().filter(TrustedRoot::active).findFirst().orElseThrow();
    }

    public String activeRootId() {
        return active().id();
    }

    public Optional<TrustedRoot> root(String id) {
        return roots.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** Roots that still vouch for something at {@code now}: in the bundle and not expired. */
    public List<TrustedRoot> trustedAt(Instant now) {
        return roots.stream().filter(r -> !now.isAfter(r.notAfter())).toList();
    }

    /**
     * Rotation step 2: {@code newRoot} becomes active with {@code crossSigned} (the new root signed
     * by the current active root) in its chain; the old active root stays trusted, inactive,
     * with its rotated-out time.
     */
    public TrustBundle rotate(TrustedRoot newRoot, X509Certificate crossSigned, Instant at) {
        List<TrustedRoot> next = new ArrayList<>(roots.size() + 1);
        for (TrustedRoot r : roots) {
            next.add(r.active() ? r.retired(at) : r);
        }
        next.add(new TrustedRoot(newRoot.certificate(), newRoot.keySpec(), true, null, crossSigned));
        return new TrustBundle(clusterId, next);
    }

    /** Pruning: the bundle without an inactive root. */
    public TrustBundle without(String rootId) {
        if (active().id().equals(rootId)) {
            throw new IllegalArgumentException("the active root cannot be pruned");
        }
        return new TrustBundle(clusterId, roots.stream().filter(r -> !r.id().equals(rootId)).toList());
    }
}
