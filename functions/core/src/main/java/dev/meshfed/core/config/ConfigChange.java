package dev.meshfed.core.config;

import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.identity.DatacenterRole;

import java.util.Objects;
import java.util.Optional;

/**
 * What a new CA configuration means for a datacenter: the pure decision behind
 * {@code PUT /v1/connect/ca/configuration}, with no I/O.
 *
 * <ul>
 *   <li>{@link Kind#NO_CHANGE}: the effective configuration is the current one; the PUT is a no-op.</li>
 *   <li>{@link Kind#CONFIG_ONLY}: store the new configuration; keys and certificates stay.</li>
 *   <li>{@link Kind#NEW_ROOT} (primary) / {@link Kind#NEW_INTERMEDIATE} (secondary): the key type
 *       or size changed, or a root was supplied whose hash differs from the current one.</li>
 * </ul>
 *
 * <p>A configuration without {@code RootCert} keeps the current root: a request that leaves the
 * supplied root out (as one built from a {@code GET} does, which never returns it) carries the
 * current supplied root forward in {@link #effective()}, unless the key type or size changes, in
 * which case meshfed generates the next root and the supplied one is dropped. Consul instead
 * treats leaving the root out as a request for a fresh one.
 *
 * @param kind what to do
 * @param effective the configuration to store (for {@code NO_CHANGE}, equal to the current one)
 * @param reason a short lower-case explanation for logs, e.g. {@code key changed from ec/256 to rsa/2048}
 */
public record ConfigChange(Kind kind, CaConfig effective, String reason) {

    /** The classes of change. */
    public enum Kind {
        /** Identical in effect: nothing to store or do. */
        NO_CHANGE,
        /** Same keys and root: store the configuration only. */
        CONFIG_ONLY,
        /** Primary: generate or import a new root and rotate to it (cross-signed by the old one). */
        NEW_ROOT,
        /** Secondary: obtain a new intermediate from the primary. */
        NEW_INTERMEDIATE
    }

    /** A decision; every component is required. */
    public ConfigChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(effective, "effective");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * Classifies the change from {@code current} to {@code proposed} in a datacenter of {@code role}.
     * Both configurations should already be valid; this does not re-check them.
     *
     * @return the decision and the configuration to store
     * @throws InvalidInput {@code PrivateKeyType and PrivateKeyBits cannot change while the current
     *     RootCert is supplied again: supply a new root, or leave RootCert and PrivateKey out to have
     *     meshfed generate one} when the key changes but the same supplied root is sent again
     *     (the supplied root fixes the key, so the two requests contradict each other)
     */
    public static ConfigChange classify(DatacenterRole role, CaConfig current, CaConfig proposed) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(proposed, "proposed");

        boolean keyChanged = !proposed.sameKeyAs(current);
        Optional<SuppliedRoot> currentRoot = current.suppliedRoot();
        Optional<SuppliedRoot> proposedRoot = proposed.suppliedRoot();
        boolean sameRootAgain = proposedRoot.isPresent() && proposedRoot.equals(currentRoot);
        boolean newRootSupplied = proposedRoot.isPresent() && !sameRootAgain;

        if (keyChanged && sameRootAgain) {
            throw new InvalidInput("PrivateKeyType and PrivateKeyBits cannot change while the current RootCert is"
                    + " supplied again: supply a new root, or leave RootCert and PrivateKey out to have meshfed"
                    + " generate one");
        }

        CaConfig effective = proposed;
        if (sameRootAgain || (proposedRoot.isEmpty() && !keyChanged)) {
            // Keep the stored root (and its PEM as first supplied) when nothing asks for another one.
            effective = proposed.toBuilder().suppliedRoot(currentRoot.orElse(null)).build();
        }

        if (effective.equals(current)) {
            return new ConfigChange(Kind.NO_CHANGE, current, "configuration unchanged");
        }
        Kind rotate = role == DatacenterRole.PRIMARY ? Kind.NEW_ROOT : Kind.NEW_INTERMEDIATE;
        if (keyChanged) {
            return new ConfigChange(rotate, effective, "key changed from " + current.privateKeyType() + "/"
                    + current.privateKeyBits() + " to " + proposed.privateKeyType() + "/" + proposed.privateKeyBits());
        }
        if (newRootSupplied) {
            return new ConfigChange(rotate, effective, "root supplied with sha256 " + proposedRoot.get().sha256());
        }
        return new ConfigChange(Kind.CONFIG_ONLY, effective, "configuration changed, same key and root");
    }
}
