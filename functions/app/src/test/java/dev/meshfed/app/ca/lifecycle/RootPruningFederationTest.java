package dev.meshfed.app.ca.lifecycle;

import static dev.meshfed.app.ca.lifecycle.RootRotationFederationTest.ROTATE;
import static dev.meshfed.app.ca.lifecycle.RootRotationFederationTest.admin;
import static dev.meshfed.app.ca.lifecycle.RootRotationFederationTest.leaf;
import static dev.meshfed.app.ca.lifecycle.RootRotationFederationTest.post;
import static dev.meshfed.app.ca.lifecycle.RootRotationFederationTest.roots;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.core.bundle.ChainAssembler;
import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.bundle.TrustedRoot;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.rotation.PruneDecision;
import dev.meshfed.core.rotation.Skew;
import dev.meshfed.testkit.Pkix;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A secondary's re-key after a root rotation and the primary's pruning of the old root, on the
 * embedded harness (certificates.md rotation steps 4 to 7, architecture.md flows 3 and 8, issue 8
 * items 3 and 5).
 */
class RootPruningFederationTest {
    static final Duration LEAF_TTL = CaConfig.defaults().leafCertTtl();

    /** dc1 and dc2 started (stream and tick), dc2 registered and joined. */
    static LifecycleFederation joined() {
        LifecycleFederation f = new LifecycleFederation("dc1", "dc2");
        f.start("dc1");
        RotateLeaves dc2 = f.start("dc2");
        f.register("dc2", dc2.enrolmentPublicKeyPem());
        f.harness.settle();
        assertThat(f.chain("dc2")).isNotNull();
        return f;
    }

    @Test
    void aSecondaryKeepsItsOldIntermediateUntilTheNewOneIsActiveThenRecordsWhenItStopped() {
        LifecycleFederation f = new LifecycleFederation("dc1", "dc2");
        f.start("dc1");
        f.harness.settle();
        RotateLeaves dc2 = f.function("dc2"); // driven by hand to stop between the steps of its re-key
        f.register("dc2", dc2.enrolmentPublicKeyPem());
        for (int i = 0; i < 3 && f.signer("dc2").map(s -> s.chain()).isEmpty(); i++) {
            dc2.tick();
            f.harness.settle();
        }
        DcChain before = f.chain("dc2");
        TrustedRoot r1 = f.bundle("dc1").active();

        assertThat(post(admin(f, "dc1"), ROTATE, null).status()).isEqualTo(200);
        f.harness.settle();
        TrustBundle bundle = f.bundle("dc2");
        TrustedRoot r2 = bundle.active();
        assertThat(r2.id()).isNotEqualTo(r1.id());

        // dc2 sees the new active root and asks for an intermediate under it: pending, still signing under R1
        dc2.tick();
        assertThat(f.signer("dc2").orElseThrow().pendingKeyId()).isNotNull();
        assertThat(dc2.status().reason()).hasToString("ROOT_CHANGE");
        assertThat(f.chain("dc2")).isEqualTo(before);
        assertThat(f.chain("dc2").signingRootId()).isEqualTo(r1.id());
        assertThat(ChainAssembler.leafChain(f.chain("dc2"), f.harness.clock().instant()))
                .containsExactly(before.signer());

        // the primary answers (its stream), dc2 activates (its stream): same instant, no re-drive wait
        Instant activatedAt = f.harness.clock().instant();
        f.harness.settle();
        dc2.tick();
        DcChain after = f.chain("dc2");
        assertThat(f.signer("dc2").orElseThrow().pendingKeyId()).isNull();
        assertThat(after.signingRootId()).isEqualTo(r2.id());
        assertThat(after.chainUnder(r2.id()))
                .containsExactly(r2.crossSignedCertificate().orElseThrow(), after.signer());
        assertThat(ChainAssembler.leafChain(after, activatedAt))
                .containsExactly(r2.crossSignedCertificate().orElseThrow(), after.signer());
        assertThat(after.chainUnder(r1.id())).containsExactly(before.signer());
        assertThat(after.stoppedSigningUnder()).containsEntry(r1.id(), activatedAt);
        // the stop time replicates to the primary, which prunes by it
        f.harness.settle();
        assertThat(f.dc("dc1").caStore().signer("dc2", true).orElseThrow().value().chain().stoppedSigningUnder())
                .containsEntry(r1.id(), activatedAt);
        X509Certificate newLeaf = leaf(f, "dc2", "db");
        assertThat(Pkix.valid(List.of(r1.certificate()), after.chainUnder(r2.id()), newLeaf, activatedAt)).isTrue();
    }

    @Test
    void theOldRootIsPrunedOnlyAfterEveryDcStoppedAndItsLeafTtlPassed() {
        LifecycleFederation f = joined();
        TrustedRoot r1 = f.bundle("dc1").active();
        assertThat(post(admin(f, "dc1"), ROTATE, null).status()).isEqualTo(200);
        f.harness.settle();
        Instant dc1Stop = f.chain("dc1").stoppedSigningUnder().get(r1.id());
        Instant dc2Stop = f.chain("dc2").stoppedSigningUnder().get(r1.id());
        assertThat(dc1Stop).isNotNull();
        assertThat(dc2Stop).isNotNull();
        Instant drained = (dc1Stop.isAfter(dc2Stop) ? dc1Stop : dc2Stop).plus(LEAF_TTL).plus(Skew.DEFAULT);

        // one minute short of the drain: the old root stays, and both DCs still serve it
        f.harness.clock().set(drained.minus(Duration.ofMinutes(1)));
        f.harness.advance(Duration.ofSeconds(1));
        assertThat(f.bundle("dc1").root(r1.id())).isPresent();
        assertThat(f.bundle("dc2").root(r1.id())).isPresent();
        assertThat(f.chain("dc1").chainUnder(r1.id())).isNotEmpty();

        f.harness.advance(Duration.ofMinutes(2));
        TrustBundle pruned = f.bundle("dc1");
        assertThat(pruned.roots()).extracting(TrustedRoot::id).containsExactly(pruned.activeRootId());
        assertThat(f.bundle("dc2")).isEqualTo(pruned);
        // expired or pruned, chains under R1 leave both signer items; the stop times stay
        assertThat(f.chain("dc1").chains()).containsOnlyKeys(pruned.activeRootId());
        assertThat(f.chain("dc2").chains()).containsOnlyKeys(pruned.activeRootId());
        assertThat(f.chain("dc2").stoppedSigningUnder()).containsKey(r1.id());
        // a leaf signed now still validates against each DC's roots
        Instant now = f.harness.clock().instant();
        X509Certificate leaf = leaf(f, "dc2", "db");
        assertThat(Pkix.valid(roots(f.bundle("dc1")), f.chain("dc2").chainUnder(pruned.activeRootId()), leaf, now))
                .isTrue();
    }

    @Test
    void notPrunedWhileDc2IsPartitionedPrunedAfterItCaughtUpAndItsLeafTtlPassed() {
        LifecycleFederation f = joined();
        TrustedRoot r1 = f.bundle("dc1").active();
        DcChain dc2Before = f.chain("dc2");
        f.harness.partition("dc2");

        assertThat(post(admin(f, "dc1"), ROTATE, null).status()).isEqualTo(200);
        f.harness.advance(Duration.ofMinutes(10));
        String r2 = f.bundle("dc1").activeRootId();
        assertThat(r2).isNotEqualTo(r1.id());
        // dc2 never sees R2: it keeps signing under R1, with a valid intermediate
        assertThat(f.bundle("dc2").activeRootId()).isEqualTo(r1.id());
        assertThat(f.chain("dc2")).isEqualTo(dc2Before);
        X509Certificate oldRootLeaf = leaf(f, "dc2", "db");
        Instant now = f.harness.clock().instant();
        assertThat(Pkix.valid(List.of(r1.certificate()), List.of(dc2Before.signer()), oldRootLeaf, now)).isTrue();

        // far past dc1's stop + LeafCertTTL + skew: dc2 still signs under R1 as far as dc1 knows
        f.harness.advance(LEAF_TTL.plus(Duration.ofHours(8)));
        f.harness.advance(Duration.ofMinutes(1));
        assertThat(f.bundle("dc1").root(r1.id())).isPresent();
        PruneDecision blocked = new RootPruner(pruner(f)).decide(f.bundle("dc1").root(r1.id()).orElseThrow(),
                f.harness.clock().instant());
        assertThat(blocked).isInstanceOf(PruneDecision.StillSigning.class);
        assertThat(((PruneDecision.StillSigning) blocked).datacenters()).containsExactly("dc2");
        assertThat(f.chain("dc2").signingRootId()).isEqualTo(r1.id());

        // heal: dc2 gets the bundle, re-keys, records its stop; R1 stays for dc2's leaf TTL plus skew
        f.harness.heal();
        f.harness.advance(Duration.ofMinutes(2));
        DcChain caughtUp = f.chain("dc2");
        assertThat(caughtUp.signingRootId()).isEqualTo(r2);
        Instant dc2Stop = caughtUp.stoppedSigningUnder().get(r1.id());
        assertThat(dc2Stop).isNotNull();
        assertThat(f.bundle("dc1").root(r1.id())).isPresent();
        assertThat(new RootPruner(pruner(f)).decide(f.bundle("dc1").root(r1.id()).orElseThrow(),
                f.harness.clock().instant())).isInstanceOf(PruneDecision.Draining.class);

        f.harness.clock().set(dc2Stop.plus(LEAF_TTL).plus(Skew.DEFAULT).minus(Duration.ofMinutes(1)));
        f.harness.advance(Duration.ofSeconds(1));
        assertThat(f.bundle("dc1").root(r1.id())).as("a leaf dc2 signed just before its stop is still valid")
                .isPresent();
        f.harness.advance(Duration.ofMinutes(2));
        assertThat(f.bundle("dc1").root(r1.id())).isEmpty();
        assertThat(f.bundle("dc2").root(r1.id())).isEmpty();
        assertThat(f.chain("dc2").chains()).containsOnlyKeys(r2);
    }

    @Test
    void aDcThatJoinedAfterTheRotationNeverSignedUnderTheOldRootAndDoesNotBlockIt() {
        LifecycleFederation f = new LifecycleFederation("dc1", "dc2");
        f.start("dc1");
        f.harness.settle();
        TrustedRoot r1 = f.bundle("dc1").active();
        assertThat(post(admin(f, "dc1"), ROTATE, null).status()).isEqualTo(200);
        f.harness.settle();
        Instant dc1Stop = f.chain("dc1").stoppedSigningUnder().get(r1.id());

        RotateLeaves dc2 = f.start("dc2");
        f.register("dc2", dc2.enrolmentPublicKeyPem());
        f.harness.settle();
        assertThat(f.chain("dc2").chains()).containsOnlyKeys(f.bundle("dc1").activeRootId());

        f.harness.clock().set(dc1Stop.plus(LEAF_TTL).plus(Skew.DEFAULT).minus(Duration.ofMinutes(1)));
        f.harness.advance(Duration.ofSeconds(1));
        assertThat(f.bundle("dc1").root(r1.id())).isPresent();
        f.harness.advance(Duration.ofMinutes(2));
        assertThat(f.bundle("dc1").root(r1.id())).isEmpty();
    }

    @Test
    void aRegisteredMemberWithoutAChainBlocksPruningUntilTheRootExpires() {
        LifecycleFederation f = new LifecycleFederation("dc1", "dc2");
        f.start("dc1");
        f.harness.settle();
        f.register("dc2", f.function("dc2").enrolmentPublicKeyPem()); // registered, never started
        TrustedRoot r1 = f.bundle("dc1").active();
        assertThat(post(admin(f, "dc1"), ROTATE, null).status()).isEqualTo(200);
        f.harness.settle();
        f.harness.advance(LEAF_TTL.plus(Duration.ofHours(1)));
        assertThat(f.bundle("dc1").root(r1.id())).isPresent();
        PruneDecision d = new RootPruner(pruner(f)).decide(r1, f.harness.clock().instant());
        assertThat(d).isInstanceOf(PruneDecision.StillSigning.class);
        assertThat(d.reason()).contains("dc2");
    }

    /** The primary's Deps, as its RotateLeaves builds them (for asking the pruner why a root stays). */
    static Deps pruner(LifecycleFederation f) {
        var d = f.dc("dc1");
        return new Deps(new dev.meshfed.core.identity.Datacenter("dc1"), "dc1", d.caStore(), d.privateStore(),
                new KeyVault("dc1", d.privateStore(), f.custody.get("dc1")), LifecycleFederation.ISSUER,
                LifecycleFederation.KEYS, LifecycleFederation.PARSER, LifecycleFederation.CSRS,
                new dev.meshfed.core.pki.CertificateProfiles(new java.security.SecureRandom()), f.harness.clock(),
                RotateLeaves.storedConfig(d.caStore()));
    }
}
