package dev.meshfed.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.app.config.DcConfig;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.intentions.ReplicateIntentions;
import dev.meshfed.core.intentions.Intention;
import dev.meshfed.core.intentions.IntentionItem;
import dev.meshfed.core.metrics.Metrics;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import dev.meshfed.store.embedded.stream.StreamSubscriber;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code replicate-intentions} as {@link DcFunctions#build} wires it: the stream consumer and the
 * tick, its status in {@code GET /v1/operator/replication} and its lag as
 * {@code X-Consul-LastContact} of {@code fetch-roots}' reads, its metrics through the
 * {@code Metrics} given to {@code build}.
 */
class ReplicationWiredTest {
    private final WiredFederation f = new WiredFederation(DcConfig.AclMode.OFF, "dc1", "dc2").withPrimaryCa();

    @AfterEach
    void close() {
        f.close();
    }

    private void start(String dc) {
        DcFunctions d = f.dc(dc);
        f.harness.subscribe(dc, Table.INTENTIONS, StreamSubscriber.perRecord(d.replicateIntentionsStream()::onRecord));
        f.harness.federation().scheduler().register("replicate-intentions-" + dc, ReplicateIntentions.RECONCILE_INTERVAL,
                d.replicateIntentions()::reconcile);
    }

    @Test
    void the_replication_status_shows_where_rotation_stands_in_each_dc() throws Exception {
        for (String dc : new String[] {"dc1", "dc2"}) {
            HttpResponse r = f.call(dc, "GET", "/v1/operator/replication", null, null);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode rotation = new ObjectMapper().readTree(r.body()).get("Rotation");
            assertThat(rotation.fieldNames()).toIterable().containsExactly("Request", "Reissue", "Pruning");
            assertThat(rotation.get("Request").isNull()).isTrue();
            assertThat(rotation.get("Reissue").fieldNames()).toIterable().containsExactly("SigningKeyID", "Reissued",
                    "Total", "LastSlotDeadline");
            assertThat(rotation.get("Pruning").isNull()).as(dc).isEqualTo(dc.equals("dc2"));
        }
    }

    @Test
    void the_replication_status_and_the_last_contact_header_show_the_intentions_replication() throws Exception {
        start("dc2");
        HttpResponse before = f.call("dc2", "GET", "/v1/operator/replication", null, null);
        JsonNode empty = new ObjectMapper().readTree(before.body()).get("Intentions");
        assertThat(empty.get("AppliedVersion").asLong()).isZero();
        assertThat(empty.get("LastAppliedAt").isNull()).isTrue();

        f.harness.replicationDelay(Duration.ofMillis(2500));
        var now = f.harness.clock().instant();
        f.harness.dc("dc1").intentionStore().putIntention(IntentionItem.live(new Intention("i-1", "default", "web",
                "default", "db", null, null, "consul", "allow", null, null, Map.of(), 9, now, now)), 0, 7);
        f.harness.advance(Duration.ofMillis(2500));
        f.harness.clock().advance(ReplicateIntentions.LAG_CACHE); // past any lag read before
        assertThat(f.harness.dc("dc2").privateStore().viewEntry("i-1")).isPresent();

        HttpResponse r = f.call("dc2", "GET", "/v1/operator/replication", null, null);
        assertThat(r.status()).isEqualTo(200);
        JsonNode i = new ObjectMapper().readTree(r.body()).get("Intentions");
        assertThat(i.get("AppliedVersion").asLong()).isEqualTo(7);
        assertThat(i.get("LagMillis").asLong()).isEqualTo(2500);
        assertThat(i.get("LastAppliedAt").asText()).isEqualTo(now.plusMillis(2500).toString());
        assertThat(i.get("AuthorityViolations").asLong()).isZero();
        assertThat(i.get("QuarantinedRecords").asLong()).isZero();
        assertThat(i.get("LastError").isNull()).isTrue();
        assertThat(i.get("LastErrorAt").isNull()).isTrue();
        assertThat(i.get("LastReconcileAt").isNull()).isTrue();
        assertThat(i.get("Repairs").asLong()).isZero();
        assertThat(i.fieldNames()).toIterable().containsExactly("AppliedVersion", "LastAppliedAt", "LagMillis",
                "AuthorityViolations", "QuarantinedRecords", "LastError", "LastErrorAt", "LastReconcileAt", "Repairs");

        HttpResponse roots = f.call("dc2", "GET", "/v1/connect/ca/roots", null, null);
        assertThat(roots.status()).isEqualTo(200);
        assertThat(roots.header("X-Consul-LastContact")).hasValue("2500");

        f.harness.advance(ReplicateIntentions.RECONCILE_INTERVAL);
        JsonNode afterTick = new ObjectMapper().readTree(f.call("dc2", "GET", "/v1/operator/replication", null, null).body())
                .get("Intentions");
        assertThat(afterTick.get("LastReconcileAt").isNull()).isFalse();
    }

    @Test
    void the_stream_consumer_and_the_tick_report_to_the_metrics_given_to_build() {
        start("dc2");
        f.harness.replicationDelay(Duration.ofMillis(700));
        var now = f.harness.clock().instant();
        f.harness.dc("dc1").intentionStore().putIntention(IntentionItem.live(new Intention("i-1", "default", "web",
                "default", "db", null, null, "consul", "allow", null, null, Map.of(), 9, now, now)), 0, 1);
        f.harness.dc("dc1").table(Table.INTENTIONS).put(new StoredItem(new ItemKey("dc1", IntentionStore.INTENTION,
                "poison"), 2, now, null, Map.of("id", Attr.n(5))), 0);
        f.harness.advance(Duration.ofMillis(700));
        f.harness.advance(ReplicateIntentions.RECONCILE_INTERVAL);

        Map<String, String> dc2 = Metrics.dimensions("dc2", Table.INTENTIONS);
        assertThat(f.metrics.total(Metrics.INTENTIONS_APPLIED, dc2)).isEqualTo(1);
        assertThat(f.metrics.events(Metrics.INTENTIONS_REPLICATION_LAG_MS)).singleElement()
                .satisfies(e -> assertThat(e.value()).isEqualTo(700.0));
        assertThat(f.metrics.total(Metrics.STREAM_QUARANTINED, dc2)).isEqualTo(1);
        assertThat(f.metrics.events(Metrics.INTENTIONS_RECONCILE_REPAIRS)).isNotEmpty();
    }
}
