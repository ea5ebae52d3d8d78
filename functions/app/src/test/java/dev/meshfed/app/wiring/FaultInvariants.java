package dev.meshfed.app.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.intentions.IntentionItem;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.testkit.OpenSsl;
import dev.meshfed.testkit.Pkix;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The invariants every fault scenario must leave true once healed and settled. Each check returns
 * what it found wrong as one line (never throws on a violation), so a report names all of them.
 */
final class FaultInvariants {
    private FaultInvariants() {
    }

    /** The roots a DC serves: ActiveRootID and each root by ID, as its roots endpoint answers. */
    record Roots(String activeRootId, Map<String, X509Certificate> byId) {
    }

    static List<String> check(FaultScenario s) {
        List<String> violations = new ArrayList<>();
        Instant now = s.f.harness.clock().instant();
        Map<String, Roots> roots = new TreeMap<>();
        for (String dc : FaultScenario.DCS) {
            HttpResponse r = s.f.call(dc, "GET", "/v1/connect/ca/roots", null, null);
            if (r.status() != 200) {
                violations.add(dc + ": roots answered " + r.status());
                continue;
            }
            JsonNode body = FaultScenario.json(r);
            Map<String, X509Certificate> byId = new TreeMap<>();
            body.get("Roots").forEach(n -> byId.put(n.get("ID").asText(),
                    Certificates.fromPem(n.get("RootCert").asText()).get(0)));
            roots.put(dc, new Roots(body.get("ActiveRootID").asText(), byId));
        }
        Roots primary = roots.get("dc1");

        // 1. One trust bundle: every DC serves the primary's roots and active root.
        for (var e : roots.entrySet()) {
            if (primary != null && !(e.getValue().activeRootId().equals(primary.activeRootId())
                    && e.getValue().byId().keySet().equals(primary.byId().keySet()))) {
                violations.add(e.getKey() + ": roots " + e.getValue().byId().keySet() + " active " + e.getValue().activeRootId()
                        + " differ from the primary's " + primary.byId().keySet() + " active " + primary.activeRootId());
            }
        }

        // 2. One intentions view: every secondary's view holds exactly the primary's live intentions,
        // at the same version; nothing written by a non-owner is in it or in any DC's API answer.
        Map<String, String> expected = new TreeMap<>();
        for (Versioned<IntentionItem> v : s.f.harness.dc("dc1").intentionStore().intentions(true)) {
            if (!v.value().deleted()) {
                expected.put(v.value().id(), v.version() + ":" + v.value().intention().action());
            }
        }
        for (String dc : FaultScenario.DCS.subList(1, FaultScenario.DCS.size())) {
            Map<String, String> view = new TreeMap<>();
            for (Versioned<IntentionItem> v : s.f.harness.dc(dc).privateStore().view()) {
                if (!v.value().deleted()) {
                    view.put(v.value().id(), v.version() + ":" + v.value().intention().action());
                }
            }
            if (!view.equals(expected)) {
                violations.add(dc + ": intentions view " + diff(view, expected) + " (id=version:action)");
            }
        }
        long violationsCounted = 0;
        for (String dc : FaultScenario.DCS) {
            HttpResponse listed = s.f.call(dc, "GET", "/v1/connect/intentions", null, null);
            if (listed.status() != 200) {
                violations.add(dc + ": intentions list answered " + listed.status());
            } else {
                for (JsonNode n : FaultScenario.json(listed)) {
                    if (s.rogueIds.contains(n.get("ID").asText())) {
                        violations.add(dc + ": serves the non-owner write " + n.get("ID").asText());
                    }
                }
            }
            for (String rogue : s.rogueIds) {
                if (s.f.harness.dc(dc).privateStore().viewEntry(rogue).isPresent()) {
                    violations.add(dc + ": trusted the non-owner write " + rogue + " into its view");
                }
            }
            violationsCounted += s.f.dc(dc).replicateIntentions().status().authorityViolations();
        }
        // Counted where a consumer saw one: the metric (it outlives a process restart, as CloudWatch
        // does; the status counter is per process). A rogue record still queued when the process
        // stopped is lost with it (meshfed dev replays no stream records) and the reconcile reads the
        // primary's prefix only, so such a write is never counted, and never trusted either.
        long metricCount = s.f.metrics.events(dev.meshfed.core.metrics.Metrics.INTENTIONS_AUTHORITY_VIOLATIONS).size();
        if (!s.rogueDelivered.isEmpty() && violationsCounted == 0 && metricCount == 0) {
            violations.add("non-owner writes " + s.rogueDelivered + " were delivered but never counted as authority violations");
        }

        // 2b. Non-owner writes into the CA table (a secondary's made-up bundle or membership under
        // its own prefix) are ignored, not counted: every CA read goes to the primary's prefix. So no
        // DC serves a rogue root, and the primary's membership never names the made-up DC.
        for (var e : roots.entrySet()) {
            for (X509Certificate root : e.getValue().byId().values()) {
                if (s.rogueRootKeys.contains(root.getPublicKey())) {
                    violations.add(e.getKey() + ": serves a root from a non-owner bundle write " + root.getSubjectX500Principal());
                }
            }
        }
        for (String dc : FaultScenario.DCS) {
            var members = s.f.harness.dc(dc).caStore().membership(true);
            if (members.isPresent() && members.get().value().members().stream().anyMatch(m -> m.datacenter().equals("evil"))) {
                violations.add(dc + ": its membership names the DC from a non-owner membership write");
            }
            if (s.f.harness.dc(dc).caStore().signer("evil", true).isPresent()) {
                violations.add(dc + ": holds a signer for the DC from a non-owner membership write");
            }
        }

        // 2d. Nothing from a non-owner write under another DC's prefix is trusted: the primary never
        // certified a forged key (at any moment, from dc1's CA stream), no DC's signer item in any
        // replica holds a certificate for one, and no leaf chain served (during the scenario or
        // after the heal, checked in 4) holds one.
        violations.addAll(s.forgedKeyCertified);
        // 2e. A forged signer item (a DC's real key certified by a made-up CA, under that DC's
        // prefix) is replaced after healing: the DC requested and activated a real intermediate.
        for (String dc : FaultScenario.DCS) {
            var own = s.f.harness.dc(dc).caStore().signer(dc, true);
            if (own.isPresent() && own.get().value().chain() != null) {
                for (var chain : own.get().value().chain().chains().values()) {
                    if (chain.stream().anyMatch(s.forgedIntermediates::contains)) {
                        violations.add(dc + ": still holds the forged intermediate of a non-owner signer write");
                    }
                }
            }
        }
        for (String holder : FaultScenario.DCS) {
            for (String dc : FaultScenario.DCS) {
                var signer = s.f.harness.dc(holder).caStore().signer(dc, true);
                if (signer.isPresent() && signer.get().value().chain() != null) {
                    for (var chain : signer.get().value().chain().chains().values()) {
                        for (X509Certificate c : chain) {
                            if (s.forgedKeys.contains(c.getPublicKey())) {
                                violations.add(holder + ": " + dc + "'s signer holds a certificate for a forged key " + c.getSubjectX500Principal());
                            }
                        }
                    }
                }
            }
            for (String requester : FaultScenario.DCS) {
                var result = s.f.harness.dc(holder).caStore().csrResult(requester, true);
                if (result.isPresent() && result.get().value().certificatePem() != null
                        && s.forgedKeys.contains(Certificates.fromPem(result.get().value().certificatePem()).get(0).getPublicKey())) {
                    violations.add(holder + ": the primary's CSR result for " + requester + " certifies a forged key");
                }
            }
        }

        // 2c. No acknowledged write was lost: the primary holds every intention write a client got a
        // 200 for (as last acknowledged: live with its action, or deleted), across failures after
        // applying and process restarts. Intentions whose last write ended in a 5xx are not asserted.
        for (var e : s.acknowledged.entrySet()) {
            if (s.uncertain.contains(e.getKey())) {
                continue;
            }
            var stored = s.f.harness.dc("dc1").intentionStore().intention(e.getKey(), true);
            String actual = stored.isEmpty() || stored.get().value().deleted() ? "deleted"
                    : "live:" + stored.get().value().intention().action();
            if (!actual.equals(e.getValue())) {
                violations.add("dc1: acknowledged write of intention " + e.getKey() + " lost: acknowledged " + e.getValue()
                        + ", stored " + actual);
            }
        }

        // 3. Every DC can sign a new leaf that verifies (JDK PKIX) against its own roots answer;
        // dc2's is also checked by openssl.
        for (String dc : FaultScenario.DCS) {
            String service = "after-heal-" + dc;
            HttpResponse r = s.f.call(dc, "GET", "/v1/agent/connect/ca/leaf/" + service, null, null);
            if (r.status() != 200) {
                violations.add(dc + ": cannot sign after the heal: " + r.status() + " " + r.body());
                continue;
            }
            List<X509Certificate> chain = Certificates.fromPem(FaultScenario.json(r).get("CertPEM").asText());
            s.leaves.add(new FaultScenario.IssuedLeaf(dc, service, chain));
            Roots own = roots.get(dc);
            if (own != null && !Pkix.valid(own.byId().values(), chain.subList(1, chain.size()), chain.get(0), now)) {
                violations.add(dc + ": its new leaf does not verify against its own roots");
            }
            if (dc.equals("dc2") && own != null) {
                var openssl = OpenSsl.verify(own.byId().values(), chain.subList(1, chain.size()), chain.get(0),
                        "sslclient", now);
                if (!openssl.ok()) {
                    violations.add(dc + ": openssl rejects its new leaf: " + openssl.output().strip());
                }
            }
        }

        // 4. Every leaf ever issued still verifies against every DC's current roots while unexpired;
        // none came with a certificate of a forged key or of a made-up root in its chain.
        for (FaultScenario.IssuedLeaf leaf : s.leaves) {
            X509Certificate cert = leaf.chain().get(0);
            for (X509Certificate c : leaf.chain()) {
                if (s.forgedKeys.contains(c.getPublicKey()) || s.rogueRootKeys.contains(c.getPublicKey())
                        || s.forgedIntermediates.contains(c)) {
                    violations.add("leaf " + leaf.service() + " from " + leaf.dc() + " was served with a chain holding "
                            + c.getSubjectX500Principal() + " from a non-owner write");
                }
            }
            if (!now.isBefore(cert.getNotAfter().toInstant())) {
                continue;
            }
            for (var e : roots.entrySet()) {
                if (!Pkix.valid(e.getValue().byId().values(), leaf.chain().subList(1, leaf.chain().size()), cert, now)) {
                    violations.add("leaf " + leaf.service() + " from " + leaf.dc() + " (serial " + cert.getSerialNumber().toString(16)
                            + ", until " + cert.getNotAfter().toInstant() + ") does not verify against " + e.getKey() + "'s roots");
                }
            }
        }
        return violations;
    }

    private static String diff(Map<String, String> actual, Map<String, String> expected) {
        List<String> out = new ArrayList<>();
        expected.forEach((k, v) -> {
            if (!v.equals(actual.get(k))) {
                out.add("expected " + k + "=" + v + " has " + actual.get(k));
            }
        });
        actual.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> out.add("extra " + k + "=" + actual.get(k)));
        return out.toString();
    }
}
