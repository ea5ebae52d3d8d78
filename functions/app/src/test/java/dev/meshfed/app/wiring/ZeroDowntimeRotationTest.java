package dev.meshfed.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.app.ca.lifecycle.RotateLeaves;
import dev.meshfed.app.config.DcConfig;
import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.bundle.TrustedRoot;
import dev.meshfed.core.ca.Membership;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.rotation.Skew;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.store.embedded.stream.StreamSubscriber;
import dev.meshfed.testkit.OpenSsl;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The zero-downtime proof of root rotation (issue 8 "Show", quality.md "Rotation has zero
 * downtime"): whole DCs as deployed ({@link DcFunctions}, ACLs off), each DC's {@code rotate-leaves}
 * on its CA stream and ticking every minute on the harness scheduler as {@code meshfed dev} wires
 * them, one controllable clock. Four workloads ({@link MeshPeer}) take managed leaves from their
 * own DC and trust only their own DC's roots endpoint: {@code api} in dc2 calls {@code web} in dc1,
 * {@code frontend} in dc1 calls {@code db} in dc2. After every clock step each re-reads its roots
 * (web only every ten minutes: the slowest client the proof allows for) and its leaf, and both
 * pairs make a real TLS 1.3 mutual handshake through JSSE.
 *
 * <p>The one difference from the deployed wiring: the managed-leaf re-issue run's pauses move the
 * shared clock (and run a handshake round) instead of sleeping, so the run's slots pass in
 * harness time, with traffic, and the test does not sleep.
 */
class ZeroDowntimeRotationTest {
    static final Duration LEAF_TTL = CaConfig.defaults().leafCertTtl();
    static final Duration SLOW_ROOTS_POLL = Duration.ofMinutes(10);
    static final String ROTATE = "/v1/connect/ca/rotate";

    private Mesh mesh;

    @AfterEach
    void close() {
        if (mesh != null) {
            mesh.f.close();
        }
    }

    /** A failed handshake: when, which pair (client → server), why. */
    record Failure(Instant at, String pair, String reason) {
    }

    /** The two DCs, their workloads and the traffic between them. */
    static final class Mesh {
        final WiredFederation f = new WiredFederation(DcConfig.AclMode.OFF, "dc1", "dc2");
        final MeshPeer api = new MeshPeer(f, "dc2", "api", Duration.ZERO);
        final MeshPeer web = new MeshPeer(f, "dc1", "web", SLOW_ROOTS_POLL);
        final MeshPeer frontend = new MeshPeer(f, "dc1", "frontend", Duration.ZERO);
        final MeshPeer db = new MeshPeer(f, "dc2", "db", Duration.ZERO);
        final List<MeshPeer> peers = new ArrayList<>(List.of(api, web, frontend, db));
        final List<MeshPeer[]> pairs = new ArrayList<>(List.of(new MeshPeer[] {api, web}, new MeshPeer[] {frontend, db}));
        final List<Failure> failures = new ArrayList<>();
        final Map<String, Integer> perPair = new LinkedHashMap<>();
        int handshakes;
        private boolean inRound;

        Mesh() {
            for (String dc : List.of("dc1", "dc2")) {
                DcFunctions d = f.dc(dc);
                d.rotateLeaves().withLeafReissue(d.signCsr().managedLeafReissue(pause -> {
                    f.harness.clock().advance(pause);
                    round();
                }));
                f.harness.subscribe(dc, Table.CA, StreamSubscriber.perRecord(d.rotateLeavesStream()::onRecord));
                f.harness.federation().scheduler().register("rotate-leaves-" + dc, RotateLeaves.TICK_INTERVAL,
                        Duration.ZERO, d.rotateLeaves()::tick);
            }
            f.harness.settle(); // dc1 bootstraps
            register("dc2", f.dc("dc2").rotateLeaves().enrolmentPublicKeyPem());
            f.harness.settle();
            for (int i = 0; i < 5 && chain("dc2") == null; i++) {
                f.harness.advance(Duration.ofMinutes(1));
            }
            assertThat(chain("dc2")).as("dc2 joined: " + f.dc("dc2").rotateLeaves().status()).isNotNull();
            peers.forEach(p -> p.refresh(true));
        }

        private void register(String dc, String enrolmentKeyPem) {
            CaStore primary = f.harness.dc("dc1").caStore();
            Optional<Versioned<Membership>> current = primary.membership(true);
            List<Membership.Member> members = new ArrayList<>(current.map(v -> v.value().members()).orElse(List.of()));
            members.add(new Membership.Member(dc, enrolmentKeyPem));
            primary.putMembership(new Membership(members), current.map(Versioned::version).orElse(0L));
        }

        TrustBundle bundle(String dc) {
            return f.harness.dc(dc).caStore().bundle(true).orElseThrow().value();
        }

        DcChain chain(String dc) {
            return f.harness.dc(dc).caStore().signer(dc, true).map(v -> v.value().chain()).orElse(null);
        }

        /** Every workload refreshes as due, then every pair handshakes once. */
        void round() {
            if (inRound) {
                return;
            }
            inRound = true;
            try {
                peers.forEach(p -> p.refresh(false));
                for (MeshPeer[] pair : pairs) {
                    String failed = MeshPeer.handshake(pair[0], pair[1], f.harness.clock());
                    handshakes++;
                    String name = pair[0] + "->" + pair[1];
                    perPair.merge(name, 1, Integer::sum);
                    if (failed != null) {
                        failures.add(new Failure(f.harness.clock().instant(), name, failed));
                    }
                }
            } finally {
                inRound = false;
            }
        }

        /** Steps the clock by {@code step} (ticks and streams run) and makes a round, for {@code total}. */
        void run(Duration total, Duration step) {
            Instant end = f.harness.clock().instant().plus(total);
            Instant now;
            while ((now = f.harness.clock().instant()).isBefore(end)) {
                Duration left = Duration.between(now, end);
                f.harness.advance(left.compareTo(step) < 0 ? left : step); // never past the end
                round();
            }
        }

        /** POST /v1/connect/ca/rotate in dc1, between two rounds, and delivers the streams. */
        void rotate(String body) {
            round();
            var r = f.call("dc1", "POST", ROTATE, null, body);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            f.harness.settle();
            round();
        }

        Instant stop(String dc, String rootId) {
            return chain(dc).stoppedSigningUnder().get(rootId);
        }
    }

    @Test
    void mutualTlsKeepsWorkingAcrossRotationReissueAndPruning() {
        mesh = new Mesh();
        Mesh m = mesh;
        m.run(Duration.ofMinutes(5), Duration.ofSeconds(5));
        TrustedRoot r1 = m.bundle("dc1").active();
        X509Certificate oldLeaf = m.api.leaf();
        List<X509Certificate> oldChain = m.api.chain.subList(1, m.api.chain.size());

        m.rotate(null);
        TrustedRoot r2 = m.bundle("dc1").active();
        assertThat(r2.id()).isNotEqualTo(r1.id());
        assertThat(m.bundle("dc2").activeRootId()).as("dc2 has the new bundle").isEqualTo(r2.id());
        assertThat(m.chain("dc2").signingRootId()).as("dc2 re-keyed").isEqualTo(r2.id());

        // the re-issue window (W = 30 s for two leaves a DC) in one-second steps
        m.run(Duration.ofMinutes(2), Duration.ofSeconds(1));
        m.run(SLOW_ROOTS_POLL, Duration.ofSeconds(10));
        X509Certificate cross = r2.crossSignedCertificate().orElseThrow();
        for (MeshPeer p : m.peers) {
            assertThat(p.leafChanges).as(p + " re-fetched its re-issued leaf").isGreaterThanOrEqualTo(2);
            // CertPEM in TLS order (each certificate certified by the next): the key store refuses any other
            assertThat(p.chain).as(p + " chain under R2: leaf, its DC's new intermediate, R2 cross-signed by R1")
                    .hasSize(3).endsWith(cross);
        }
        assertThat(m.web.rootIds).as("web's slow poll has seen R2 by now").contains(r2.id());

        // openssl: the new leaf against R1 alone (through the cross-signed R2); the old leaf against the new bundle
        Instant now = m.f.harness.clock().instant();
        OpenSsl.Result newOnOld = OpenSsl.verify(List.of(r1.certificate()), m.api.chain.subList(1, 3), m.api.leaf(),
                "sslclient", now);
        assertThat(newOnOld.ok()).as(newOnOld.output()).isTrue();
        List<X509Certificate> newBundle = m.bundle("dc1").roots().stream().map(TrustedRoot::certificate).toList();
        assertThat(newBundle).hasSize(2);
        OpenSsl.Result oldOnNew = OpenSsl.verify(newBundle, oldChain, oldLeaf, "sslclient", now);
        assertThat(oldOnNew.ok()).as(oldOnNew.output()).isTrue();
        OpenSsl.Result newServer = OpenSsl.verify(List.of(r1.certificate()), m.web.chain.subList(1, 3), m.web.leaf(),
                "sslserver", now);
        assertThat(newServer.ok()).as(newServer.output()).isTrue();

        // through routine renewal to the drain instant of R1, in half-hour steps
        Instant drained = later(m.stop("dc1", r1.id()), m.stop("dc2", r1.id())).plus(LEAF_TTL).plus(Skew.DEFAULT);
        m.run(Duration.between(m.f.harness.clock().instant(), drained.minus(Duration.ofMinutes(1))),
                Duration.ofMinutes(30));
        assertThat(m.bundle("dc1").root(r1.id())).as("R1 kept until the drain instant").isPresent();
        m.run(Duration.ofMinutes(3), Duration.ofSeconds(30));
        assertThat(m.bundle("dc1").root(r1.id())).as("R1 pruned in dc1").isEmpty();
        assertThat(m.bundle("dc2").root(r1.id())).as("R1 pruned in dc2").isEmpty();
        m.run(Duration.ofMinutes(20), Duration.ofMinutes(1));
        m.peers.forEach(p -> assertThat(p.rootIds).as(p + " roots").containsExactly(r2.id()));

        report("cross-signed rotation", m);
        assertThat(m.failures).isEmpty();
        assertThat(m.handshakes).isGreaterThanOrEqualTo(600);
    }

    @Test
    void aSecondaryPartitionedForTheWholeRotationKeepsSigningUnderTheOldRootAndHoldsPruningUntilItCaughtUp() {
        mesh = new Mesh();
        Mesh m = mesh;
        m.run(Duration.ofMinutes(2), Duration.ofSeconds(5));
        TrustedRoot r1 = m.bundle("dc1").active();
        DcChain dc2Before = m.chain("dc2");
        m.f.harness.partition("dc2");

        m.rotate(null);
        String r2 = m.bundle("dc1").activeRootId();
        m.run(Duration.ofMinutes(2), Duration.ofSeconds(1));
        assertThat(m.bundle("dc2").activeRootId()).isEqualTo(r1.id());
        assertThat(m.chain("dc2")).isEqualTo(dc2Before);
        // a fresh leaf from the partitioned dc2 is under R1 and handshakes with a peer trusting dc2's roots
        MeshPeer fresh = new MeshPeer(m.f, "dc2", "fresh", Duration.ZERO);
        fresh.refresh(true);
        assertThat(fresh.chain).containsExactly(fresh.leaf(), dc2Before.signer());
        assertThat(MeshPeer.handshake(fresh, m.db, m.f.harness.clock())).isNull();
        assertThat(MeshPeer.handshake(fresh, m.web, m.f.harness.clock())).isNull();
        m.peers.add(fresh);
        m.pairs.add(new MeshPeer[] {fresh, m.db});
        m.pairs.add(new MeshPeer[] {m.frontend, fresh});

        // far past dc1's stop + LeafCertTTL + skew: R1 stays, dc2 still signs under it, traffic goes on
        m.run(LEAF_TTL.plus(Duration.ofHours(8)), Duration.ofHours(1));
        assertThat(m.bundle("dc1").root(r1.id())).isPresent();
        assertThat(m.chain("dc2").signingRootId()).isEqualTo(r1.id());
        assertThat(m.api.chain).as("api renewed under R1's intermediate").hasSize(2);

        m.f.harness.heal();
        m.run(Duration.ofMinutes(10), Duration.ofSeconds(5));
        assertThat(m.chain("dc2").signingRootId()).as("dc2 caught up").isEqualTo(r2);
        Instant dc2Stop = m.stop("dc2", r1.id());
        assertThat(dc2Stop).isNotNull();
        assertThat(m.bundle("dc1").root(r1.id())).isPresent();
        Instant drained = dc2Stop.plus(LEAF_TTL).plus(Skew.DEFAULT);
        m.run(Duration.between(m.f.harness.clock().instant(), drained.minus(Duration.ofMinutes(1))),
                Duration.ofMinutes(30));
        assertThat(m.bundle("dc1").root(r1.id())).as("R1 kept until dc2's drain instant").isPresent();
        m.run(Duration.ofMinutes(3), Duration.ofSeconds(30));
        assertThat(m.bundle("dc1").root(r1.id())).isEmpty();
        assertThat(m.bundle("dc2").root(r1.id())).isEmpty();
        m.run(Duration.ofMinutes(20), Duration.ofMinutes(1));

        report("partitioned secondary", m);
        assertThat(m.failures).isEmpty();
        assertThat(m.handshakes).isGreaterThanOrEqualTo(500);
    }

    /**
     * {@code ForceWithoutCrossSigning}: a leaf under R2 carries no path to R1, so a handshake fails
     * exactly when the peer checking it still trusts only R1 (its roots read predates the
     * rotation), and only until that peer re-reads its roots. Here that is api's re-issued leaf
     * presented to web, whose roots poll is ten minutes; every peer reading its roots before each
     * round sees R2 before any leaf under it exists and never fails.
     */
    @Test
    void withoutCrossSigningOnlyAPeerWithStaleRootsRefusesNewLeavesUntilItRereadsThem() {
        mesh = new Mesh();
        Mesh m = mesh;
        m.run(Duration.ofMinutes(2), Duration.ofSeconds(5));
        int webRootChanges = m.web.rootChanges;
        String api0 = m.api.serial;

        m.rotate("{\"ForceWithoutCrossSigning\":true}");
        TrustedRoot r2 = m.bundle("dc1").active();
        assertThat(r2.crossSignedCertificate()).isEmpty();
        Instant rotatedAt = m.f.harness.clock().instant();
        Instant apiNewLeaf = null;
        Instant webSawR2 = null;
        Instant end = rotatedAt.plus(SLOW_ROOTS_POLL).plus(Duration.ofMinutes(5));
        while (m.f.harness.clock().instant().isBefore(end)) {
            m.f.harness.advance(Duration.ofSeconds(5));
            m.round();
            if (apiNewLeaf == null && !m.api.serial.equals(api0)) {
                apiNewLeaf = m.f.harness.clock().instant();
            }
            if (webSawR2 == null && m.web.rootChanges > webRootChanges) {
                webSawR2 = m.f.harness.clock().instant();
            }
        }
        assertThat(apiNewLeaf).isNotNull();
        assertThat(webSawR2).isNotNull().isAfter(apiNewLeaf);
        for (MeshPeer p : m.peers) {
            assertThat(p.chain).as(p + " under R2 without a cross-signed certificate").hasSize(2);
        }

        report("ForceWithoutCrossSigning", m);
        assertThat(m.failures).isNotEmpty();
        assertThat(m.failures).extracting(Failure::pair).containsOnly("api@dc2->web@dc1");
        Instant first = m.failures.get(0).at();
        Instant last = m.failures.get(m.failures.size() - 1).at();
        assertThat(first).isAfterOrEqualTo(apiNewLeaf);
        assertThat(last).isBefore(webSawR2);
        System.out.printf("ForceWithoutCrossSigning: %d of %d handshakes failed, all api@dc2->web@dc1, from %s "
                + "(api's leaf under R2) to %s; web re-read its roots at %s (outage %s)%n", m.failures.size(),
                m.handshakes, Duration.between(rotatedAt, first), Duration.between(rotatedAt, last),
                Duration.between(rotatedAt, webSawR2), Duration.between(first, webSawR2));
        System.out.println("  first failure: " + m.failures.get(0).reason());
        // after web's refresh the pair handshakes again
        int failed = m.failures.size();
        m.run(Duration.ofMinutes(5), Duration.ofSeconds(5));
        assertThat(m.failures).hasSize(failed);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static void report(String scenario, Mesh m) {
        System.out.printf("%s: %d handshakes (%s), %d failed%n", scenario, m.handshakes, m.perPair, m.failures.size());
        m.failures.stream().limit(5).forEach(x -> System.out.println("  " + x));
    }
}
