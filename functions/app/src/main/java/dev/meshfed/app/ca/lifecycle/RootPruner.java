package dev.meshfed.app.ca.lifecycle;

import dev.meshfed.app.ca.ChainTrust;
import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.bundle.TrustedRoot;
import dev.meshfed.core.ca.Membership;
import dev.meshfed.core.ca.SignerRecord;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.rotation.PruneDecision;
import dev.meshfed.core.rotation.RootPruning;
import dev.meshfed.core.rotation.Validity;
import dev.meshfed.core.store.Versioned;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Pruning of rotated-out roots, primary only (certificates.md rotation step 7, architecture.md
 * flow 8), on the tick. The rule is {@link RootPruning#decide}; this class gathers its inputs from
 * the CA table and writes the result:
 *
 * <ul>
 *   <li>the federation's datacenters are the primary and every member of the membership;
 *   <li>a datacenter's stop instant under a root is what its own signer item records
 *       ({@link DcChain#stoppedSigningUnder}), as replicated here: a partitioned datacenter whose
 *       item still says it signs under the root blocks pruning until it has caught up;
 *   <li>a datacenter whose chain never held the root (it joined after the rotation) never signed
 *       under it and does not block; a member with no chain at all (its join is pending, or its
 *       signer item has not replicated here) is counted as still signing, because an answer under
 *       the root may already be active there. Removing it from the membership lifts the block;
 *       the root's own expiry always does;
 *   <li>each datacenter's {@code LeafCertTTL} is that of its stored configuration, or the default.
 * </ul>
 *
 * The bundle is written conditionally on the version read (a lost race is left to the next tick),
 * then the primary drops its own chain under the pruned root. Secondaries drop theirs when they
 * see the pruned bundle ({@code SecondaryJoin}); expired intermediates are never served
 * ({@code ChainAssembler} filters them).
 */
final class RootPruner {
    private static final Logger LOG = Logger.getLogger(RootPruner.class.getName());

    private final Deps d;

    RootPruner(Deps deps) {
        this.d = deps;
    }

    /** One pass: at most one root leaves the bundle per call (the next tick takes the next). */
    void tick() {
        Optional<Versioned<TrustBundle>> item = d.ca().bundle(true);
        if (item.isEmpty()) {
            return;
        }
        TrustBundle bundle = item.get().value();
        Instant now = d.clock().instant();
        for (TrustedRoot root : bundle.roots()) {
            if (root.active()) {
                continue;
            }
            PruneDecision decision = decide(root, now);
            if (!decision.prunable()) {
                LOG.fine(() -> "root kept dc=" + d.name() + " rootId=" + root.id() + " reason=\"" + decision.reason()
                        + "\"");
                continue;
            }
            try {
                d.ca().putBundle(bundle.without(root.id()), item.get().version());
                d.privateStore().bumpChangeIndex();
                LOG.info(() -> "root pruned dc=" + d.name() + " rootId=" + root.id() + " reason=\""
                        + decision.reason() + "\"");
            } catch (Conflict another) {
                LOG.info(() -> "the bundle changed before the prune; retried on the next tick dc=" + d.name()
                        + " rootId=" + root.id());
                return;
            }
            dropOwnChainsOutside(d.ca().bundle(true).orElseThrow().value());
            return;
        }
        dropOwnChainsOutside(bundle);
    }

    /** The decision for one inactive root, from the replicated signer items and configurations. */
    PruneDecision decide(TrustedRoot root, Instant now) {
        Set<String> dcs = new LinkedHashSet<>();
        dcs.add(d.name());
        d.ca().membership(true).map(Versioned::value).map(Membership::members)
                .ifPresent(ms -> ms.forEach(m -> dcs.add(m.datacenter())));
        Map<String, Instant> stopped = new HashMap<>();
        Map<String, Duration> ttl = new HashMap<>();
        for (String dc : dcs) {
            ttl.put(dc, d.ca().caConfig(dc, true).map(Versioned::value).orElseGet(CaConfig::defaults).leafCertTtl());
            DcChain chain = d.ca().signer(dc, true).map(Versioned::value).map(SignerRecord::chain).orElse(null);
            if (chain == null) {
                continue; // unknown: counted as still signing
            }
            Instant stop = chain.stoppedSigningUnder().get(root.id());
            if (stop != null) {
                stopped.put(dc, stop);
            } else if (!chain.signingRootId().equals(root.id()) && chain.chainUnder(root.id()).isEmpty()) {
                stopped.put(dc, Instant.EPOCH); // never signed under it
            }
        }
        return RootPruning.decide(new Validity(root.notBefore(), root.notAfter()), dcs, stopped, ttl, now);
    }

    /** The primary's own signer item without chains under roots the bundle no longer holds or that their root did not certify. */
    private void dropOwnChainsOutside(TrustBundle bundle) {
        Optional<Versioned<SignerRecord>> own = d.ca().signer(d.name(), true);
        if (own.isEmpty() || own.get().value().chain() == null) {
            return;
        }
        SignerRecord signer = own.get().value();
        DcChain trimmed = ChainTrust.withoutUncertifiedChains(signer.chain(), bundle);
        if (trimmed.equals(signer.chain())) {
            return;
        }
        try {
            d.ca().putSigner(new SignerRecord(signer.datacenter(), signer.state(), trimmed, signer.pendingKeyId()),
                    own.get().version());
            d.privateStore().bumpChangeIndex();
        } catch (Conflict another) {
            // the next tick tries again
        }
    }
}
