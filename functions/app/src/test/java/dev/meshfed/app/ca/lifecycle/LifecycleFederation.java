package dev.meshfed.app.ca.lifecycle;

import dev.meshfed.app.ca.RecordingCustody;

import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.ca.Membership;
import dev.meshfed.core.ca.SignerRecord;
import dev.meshfed.core.pki.CertificateProfiles;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.custody.LocalKeyCustody;
import dev.meshfed.pki.BcCertificateIssuer;
import dev.meshfed.pki.BcCsrBuilder;
import dev.meshfed.pki.BcCsrParser;
import dev.meshfed.pki.CryptoProviders;
import dev.meshfed.pki.JcaKeyPairFactory;
import dev.meshfed.store.embedded.EmbeddedFederation;
import dev.meshfed.store.embedded.stream.StreamSubscriber;
import dev.meshfed.stream.events.StreamRecords;
import dev.meshfed.testkit.federation.MultiDcHarness;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A multi-DC harness with a {@link RotateLeaves} per started DC, subscribed to its DC's CA stream
 * (one record at a time, decoded as the stream deployable does) and ticking every minute on the
 * federation's scheduler. Each DC has its own random KEK behind a {@link RecordingCustody}.
 */
final class LifecycleFederation {
    static final CryptoProviders PROVIDERS = CryptoProviders.of(CryptoProviders.Preference.AUTO);
    static final BcCertificateIssuer ISSUER = new BcCertificateIssuer(PROVIDERS);
    static final JcaKeyPairFactory KEYS = new JcaKeyPairFactory(PROVIDERS, new SecureRandom());
    static final BcCsrParser PARSER = new BcCsrParser(PROVIDERS);
    static final BcCsrBuilder CSRS = new BcCsrBuilder(PROVIDERS);

    final MultiDcHarness harness;
    final Map<String, LocalKeyCustody> kek = new HashMap<>();
    final Map<String, RecordingCustody> custody = new HashMap<>();
    final Map<String, RotateLeaves> functions = new HashMap<>();

    LifecycleFederation(String... dcs) {
        this.harness = new MultiDcHarness(List.of(dcs), dcs[0]);
        for (String dc : dcs) {
            byte[] key = new byte[LocalKeyCustody.KEK_BYTES];
            new SecureRandom().nextBytes(key);
            kek.put(dc, new LocalKeyCustody(key));
            custody.put(dc, new RecordingCustody(kek.get(dc)));
        }
    }

    EmbeddedFederation.Dc dc(String name) {
        return harness.dc(name);
    }

    /** A RotateLeaves of {@code dc} over the DC's own stores (not subscribed, not ticking). */
    RotateLeaves function(String dc) {
        return function(dc, dc(dc).caStore());
    }

    RotateLeaves function(String dc, CaStore ca) {
        var d = dc(dc);
        return new RotateLeaves(dc, harness.federation().primary(), ca, d.privateStore(), custody.get(dc), ISSUER, KEYS,
                PARSER, CSRS, new CertificateProfiles(new SecureRandom()), harness.clock(),
                RotateLeaves.storedConfig(d.caStore()));
    }

    /** Starts {@code dc}'s rotate-leaves: stream subscription and a per-minute tick, first due at once. */
    RotateLeaves start(String dc) {
        return start(dc, function(dc));
    }

    RotateLeaves start(String dc, RotateLeaves f) {
        functions.put(dc, f);
        harness.subscribe(dc, Table.CA, StreamSubscriber.perRecord(r -> f.onRecord(StreamRecords.decode(r))));
        harness.federation().scheduler().register("rotate-leaves-" + dc, RotateLeaves.TICK_INTERVAL, Duration.ZERO,
                f::tick);
        return f;
    }

    /** What an operator does: registers {@code dc} with its enrolment public key in the primary's membership. */
    void register(String dc, String enrolmentKeyPem) {
        CaStore primary = dc(harness.federation().primary()).caStore();
        Optional<Versioned<Membership>> current = primary.membership(true);
        List<Membership.Member> members = new ArrayList<>(
                current.map(v -> v.value().members()).orElse(List.of()));
        members.removeIf(m -> m.datacenter().equals(dc));
        members.add(new Membership.Member(dc, enrolmentKeyPem));
        primary.putMembership(new Membership(members), current.map(Versioned::version).orElse(0L));
    }

    TrustBundle bundle(String dc) {
        return dc(dc).caStore().bundle(true).orElseThrow().value();
    }

    Optional<SignerRecord> signer(String dc) {
        return dc(dc).caStore().signer(dc, true).map(Versioned::value);
    }

    DcChain chain(String dc) {
        return signer(dc).orElseThrow().chain();
    }
}
