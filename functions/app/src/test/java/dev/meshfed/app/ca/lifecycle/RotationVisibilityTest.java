package dev.meshfed.app.ca.lifecycle;

import static dev.meshfed.app.ca.lifecycle.RootRotationFederationTest.ROTATE;
import static dev.meshfed.app.ca.lifecycle.RootRotationFederationTest.admin;
import static dev.meshfed.app.ca.lifecycle.RootRotationFederationTest.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.app.auth.AclsOff;
import dev.meshfed.app.ca.CaAdmin;
import dev.meshfed.app.ca.CaFunctionsHandler;
import dev.meshfed.app.http.ErrorMapper;
import dev.meshfed.app.http.FunctionName;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.RouteTable;
import dev.meshfed.core.bundle.TrustedRoot;
import dev.meshfed.core.ca.RotationRequest;
import dev.meshfed.core.metrics.Metrics;
import dev.meshfed.core.rotation.ExpiryWarning;
import dev.meshfed.core.rotation.PruneDecision;
import dev.meshfed.core.rotation.Skew;
import dev.meshfed.core.store.Table;
import dev.meshfed.testkit.metrics.RecordingMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 item 6 on the embedded harness: where rotation stands in {@link RotateLeaves#rotationStatus}
 * and in the {@code Rotation} part of {@code GET /v1/operator/replication}, and the expiry gauges
 * of each tick.
 */
class RotationVisibilityTest {
    static final Duration LEAF_TTL = RootPruningFederationTest.LEAF_TTL;

    private static JsonNode rotationJson(LifecycleFederation f, String dc, RotateLeaves function) throws Exception {
        var d = f.dc(dc);
        CaAdmin admin = new CaAdmin(d.caStore(), d.privateStore(), f.custody.get(dc), new AclsOff(), function::status,
                f.harness.clock()).withRotation(function::rotationStatus);
        var h = new CaFunctionsHandler(RouteTable.deployed(), Map.of(FunctionName.CA_ADMIN, admin), new ErrorMapper());
        var r = h.handle(HttpRequest.builder("GET", CaAdmin.REPLICATION).build());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body()).get("Rotation");
    }

    @Test
    void theRotationPartShowsTheRequestAndWhichDcBlocksPruningUntilWhen() throws Exception {
        LifecycleFederation f = RootPruningFederationTest.joined();
        RotateLeaves dc1 = f.function("dc1");
        RotateLeaves dc2 = f.function("dc2");
        // before any rotation: no request, nothing to re-issue, nothing to prune
        JsonNode before = rotationJson(f, "dc1", dc1);
        assertThat(before.fieldNames()).toIterable().containsExactly("Request", "Reissue", "Pruning");
        assertThat(before.get("Request").isNull()).isTrue();
        assertThat(before.get("Reissue").get("Total").asLong()).isZero();
        assertThat(before.get("Reissue").get("LastSlotDeadline").isNull()).isTrue();
        assertThat(before.get("Pruning")).isEmpty();
        assertThat(rotationJson(f, "dc2", dc2).get("Pruning").isNull()).as("a secondary never prunes").isTrue();

        TrustedRoot r1 = f.bundle("dc1").active();
        f.harness.partition("dc2");
        Instant requestedAt = f.harness.clock().instant();
        assertThat(post(admin(f, "dc1"), ROTATE, null).status()).isEqualTo(200);
        f.harness.advance(Duration.ofMinutes(2));
        String r2 = f.bundle("dc1").activeRootId();

        RotationStatus status = dc1.rotationStatus();
        assertThat(status.request().state()).isEqualTo(RotationRequest.State.DONE);
        assertThat(status.toRootId()).isEqualTo(r2);
        assertThat(status.relevant()).isFalse();
        assertThat(status.pruning()).containsOnlyKeys(r1.id());
        assertThat(status.pruning().get(r1.id())).isInstanceOf(PruneDecision.StillSigning.class);

        JsonNode blocked = rotationJson(f, "dc1", dc1);
        JsonNode request = blocked.get("Request");
        assertThat(request.fieldNames()).toIterable().containsExactly("ID", "Trigger", "State", "RequestedAt", "DoneAt",
                "FromRootID", "ToRootID", "ForceWithoutCrossSigning");
        assertThat(request.get("State").asText()).isEqualTo("DONE");
        assertThat(request.get("Trigger").asText()).isEqualTo("FORCED");
        assertThat(request.get("RequestedAt").asText()).isEqualTo(requestedAt.toString());
        assertThat(request.get("DoneAt").isNull()).isFalse();
        assertThat(request.get("FromRootID").asText()).isEqualTo(r1.id());
        assertThat(request.get("ToRootID").asText()).isEqualTo(r2);
        assertThat(request.get("ForceWithoutCrossSigning").asBoolean()).isFalse();
        JsonNode prune = blocked.get("Pruning").get(0);
        assertThat(prune.fieldNames()).toIterable().containsExactly("RootID", "Prunable", "PrunableAt", "BlockedBy",
                "BlockedUntil", "Reason");
        assertThat(prune.get("RootID").asText()).isEqualTo(r1.id());
        assertThat(prune.get("Prunable").asBoolean()).isFalse();
        assertThat(prune.get("BlockedBy").get(0).asText()).isEqualTo("dc2");
        assertThat(prune.get("BlockedUntil").isNull()).as("dc2's stop time is not known").isTrue();
        assertThat(prune.get("PrunableAt").asText()).isEqualTo(r1.notAfter().plusNanos(1).toString());
        // the partitioned secondary has no copy of the request yet
        assertThat(rotationJson(f, "dc2", dc2).get("Request").isNull()).isTrue();

        // healed: dc2 re-keys and records its stop; the block is its leaves, until stop + LeafCertTTL + skew
        f.harness.heal();
        f.harness.advance(Duration.ofMinutes(2));
        Instant dc2Stop = f.chain("dc2").stoppedSigningUnder().get(r1.id());
        JsonNode draining = rotationJson(f, "dc1", dc1).get("Pruning").get(0);
        assertThat(draining.get("BlockedBy").get(0).asText()).isEqualTo("dc2");
        Instant drained = dc2Stop.plus(LEAF_TTL).plus(Skew.DEFAULT);
        assertThat(draining.get("BlockedUntil").asText()).isEqualTo(drained.toString());
        assertThat(draining.get("PrunableAt").asText()).isEqualTo(drained.toString());
        assertThat(rotationJson(f, "dc2", dc2).get("Request").get("ToRootID").asText()).isEqualTo(r2);

        // pruned: the root is gone from the bundle and from the list
        f.harness.clock().set(drained.plus(Duration.ofMinutes(1)));
        f.harness.advance(Duration.ofMinutes(1));
        assertThat(rotationJson(f, "dc1", dc1).get("Pruning")).isEmpty();
    }

    @Test
    void eachTickReportsSecondsToExpiryOfTheActiveRootAndOfTheDcsSigner() {
        RecordingMetrics dc1Metrics = new RecordingMetrics();
        RecordingMetrics dc2Metrics = new RecordingMetrics();
        LifecycleFederation f = new LifecycleFederation("dc1", "dc2");
        RotateLeaves dc1 = f.start("dc1", f.function("dc1").withMetrics(dc1Metrics));
        RotateLeaves dc2 = f.start("dc2", f.function("dc2").withMetrics(dc2Metrics));
        f.register("dc2", dc2.enrolmentPublicKeyPem());
        f.harness.settle();
        f.harness.advance(RotateLeaves.TICK_INTERVAL);
        dc1Metrics.clear();
        dc2Metrics.clear();

        Instant now = f.harness.clock().instant();
        dc1.tick();
        dc2.tick();
        for (var e : List.of(Map.entry("dc1", dc1Metrics), Map.entry("dc2", dc2Metrics))) {
            String dc = e.getKey();
            RecordingMetrics m = e.getValue();
            var dims = Metrics.dimensions(dc, Table.CA);
            List<RecordingMetrics.Event> root = m.events(Metrics.ROOT_SECONDS_TO_EXPIRY);
            assertThat(root).isNotEmpty();
            RecordingMetrics.Event last = root.get(root.size() - 1);
            assertThat(last.unit()).isEqualTo(Metrics.SECONDS);
            assertThat(last.dimensions()).isEqualTo(dims);
            assertThat(last.value()).isEqualTo(
                    (double) ExpiryWarning.secondsUntilExpiry(f.bundle(dc).active().notAfter(), now));
            List<RecordingMetrics.Event> signer = m.events(Metrics.SIGNER_SECONDS_TO_EXPIRY);
            assertThat(signer).isNotEmpty();
            RecordingMetrics.Event s = signer.get(signer.size() - 1);
            assertThat(s.dimensions()).isEqualTo(dims);
            assertThat(s.value()).isEqualTo((double) ExpiryWarning.secondsUntilExpiry(
                    f.chain(dc).signer().getNotAfter().toInstant(), now));
            assertThat(s.value()).isPositive().isLessThan(last.value());
        }
    }

    @Test
    void aDcWithoutASignerReportsOnlyTheRootGauge() {
        RecordingMetrics metrics = new RecordingMetrics();
        LifecycleFederation f = new LifecycleFederation("dc1", "dc2");
        f.start("dc1");
        f.harness.settle();
        RotateLeaves dc2 = f.function("dc2").withMetrics(metrics); // not registered: no signer
        dc2.tick();
        assertThat(metrics.events(Metrics.SIGNER_SECONDS_TO_EXPIRY)).isEmpty();
        assertThat(metrics.events(Metrics.ROOT_SECONDS_TO_EXPIRY)).hasSize(1);
    }
}
