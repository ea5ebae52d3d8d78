package dev.meshfed.lambda;

import static dev.meshfed.lambda.LambdaEvents.event;
import static dev.meshfed.lambda.LambdaEvents.eventServer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshfed.core.intentions.Intention;
import dev.meshfed.core.intentions.IntentionItem;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.stream.QuarantinedRecord;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Deployable {@code replicate-intentions-stream} through the mock event server with real DynamoDB
 * stream event JSON (insert, modify, tombstone, a non-primary owner, a poison record): Funqy calls
 * the function once per record and reports only the records that failed for a transient reason.
 * The records' images are never trusted: the items they name are written to dc1's table first,
 * as the primary would have, and re-read by the function.
 */
@QuarkusTest
@TestProfile(Deployables.ReplicateIntentionsStream.class)
class ReplicateIntentionsStreamLambdaTest {
    static final String ID = "9e2c4a1b-5d3f-4e6a-8b7c-0d1e2f3a4b5c";
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Wiring wiring;

    private static JsonNode post(String body) throws Exception {
        String response = given().contentType("application/json").body(body)
                .when().post(eventServer())
                .then().statusCode(200)
                .extract().asString();
        return JSON.readTree(response);
    }

    private EmbeddedWiring embedded() {
        EmbeddedWiring e = (EmbeddedWiring) ClientProxy.unwrap(wiring);
        e.functions();
        return e;
    }

    private IntentionStore primaryTable() {
        return embedded().federation().dc("dc1").intentionStore();
    }

    private PrivateStore privateStore() {
        return wiring.functions().privateStore();
    }

    private List<QuarantinedRecord> quarantined() {
        return privateStore().quarantined().stream().map(v -> v.value()).toList();
    }

    private static Intention intention(String action, Instant at) {
        return new Intention(ID, "default", "web", "default", "db", null, null, "consul", action, null, "web may call db",
                Map.of("team", "payments"), 9, at, at);
    }

    @Test
    void insert_modify_and_tombstone_records_apply_the_current_item_and_a_replay_changes_nothing() throws Exception {
        Instant now = wiring.functions().clock().instant();
        primaryTable().putIntention(IntentionItem.live(intention("allow", now)), 0, 12);
        assertThat(post(event("dynamodb-stream-intention-insert.json")).get("batchItemFailures")).isEmpty();
        assertThat(privateStore().viewEntry(ID)).hasValueSatisfying(v -> {
            assertThat(v.version()).isEqualTo(12);
            assertThat(v.value().intention().action()).isEqualTo("allow");
        });

        primaryTable().putIntention(IntentionItem.live(intention("deny", now)), 12, 13);
        assertThat(post(event("dynamodb-stream-intention-modify.json")).get("batchItemFailures")).isEmpty();
        assertThat(privateStore().viewEntry(ID).orElseThrow().value().intention().action()).isEqualTo("deny");

        primaryTable().putIntention(IntentionItem.tombstone(ID, now), 13, 14);
        assertThat(post(event("dynamodb-stream-intention-tombstone.json")).get("batchItemFailures")).isEmpty();
        assertThat(privateStore().viewEntry(ID)).hasValueSatisfying(v -> {
            assertThat(v.version()).isEqualTo(14);
            assertThat(v.value().deleted()).isTrue();
        });

        // the insert, delivered again after the delete
        assertThat(post(event("dynamodb-stream-intention-insert.json")).get("batchItemFailures")).isEmpty();
        assertThat(privateStore().viewEntry(ID).orElseThrow().value().deleted()).isTrue();
        assertThat(wiring.functions().replicateIntentions().status().appliedVersion()).isEqualTo(14);
    }

    @Test
    void a_record_owned_by_another_dc_is_acknowledged_counted_and_not_quarantined() throws Exception {
        long before = wiring.functions().replicateIntentions().status().authorityViolations();
        int quarantinedBefore = quarantined().size();
        JsonNode response = post(event("dynamodb-stream-intention-non-primary-owner.json"));
        assertThat(response.get("batchItemFailures")).as(response.toString()).isEmpty();
        assertThat(wiring.functions().replicateIntentions().status().authorityViolations()).isEqualTo(before + 1);
        assertThat(quarantined()).hasSize(quarantinedBefore);
        assertThat(privateStore().viewEntry("0badc0de-0000-4000-8000-00000000e711")).isEmpty();
    }

    @Test
    void a_poison_record_is_quarantined_and_acknowledged() throws Exception {
        String eventId = JSON.readTree(event("dynamodb-stream-intention-poison.json")).at("/Records/0/eventID").asText();
        JsonNode response = post(event("dynamodb-stream-intention-poison.json"));
        assertThat(response.get("batchItemFailures")).as(response.toString()).isEmpty();
        assertThat(quarantined()).anySatisfy(q -> {
            assertThat(q.eventId()).isEqualTo(eventId);
            assertThat(q.table()).isEqualTo(Table.INTENTIONS.name());
            assertThat(q.itemKey()).isEqualTo("dc1#intention#" + ID);
        });
        assertThat(wiring.functions().replicateIntentions().status().quarantinedRecords()).isPositive();
    }

    @Test
    void in_one_batch_only_the_transiently_failing_records_are_reported() throws Exception {
        ObjectNode batch = JSON.createObjectNode();
        ArrayNode records = batch.putArray("Records");
        for (String name : List.of("insert", "non-primary-owner", "poison")) {
            ObjectNode r = (ObjectNode) JSON.readTree(event("dynamodb-stream-intention-" + name + ".json")).at("/Records/0");
            r.put("eventID", "batch0000000000000000000000" + name.length());
            records.add(r);
        }
        JsonNode ok = post(JSON.writeValueAsString(batch));
        assertThat(ok.get("batchItemFailures")).as(ok.toString()).isEmpty();

        // the intentions table down: the intention record fails (retried); the violation and the poison
        // record need no read of it and are acknowledged
        for (int i = 0; i < records.size(); i++) {
            ((ObjectNode) records.get(i)).put("eventID", "down0000000000000000000000" + i);
        }
        embedded().intentionsTableDown(true);
        JsonNode response;
        try {
            response = post(JSON.writeValueAsString(batch));
        } finally {
            embedded().intentionsTableDown(false);
        }
        assertThat(response.get("batchItemFailures")).as(response.toString()).hasSize(1);
        assertThat(response.at("/batchItemFailures/0/itemIdentifier").asText())
                .isEqualTo(records.get(0).at("/dynamodb/SequenceNumber").asText());
        assertThat(wiring.functions().replicateIntentions().status().lastError()).contains("table down");
    }
}
