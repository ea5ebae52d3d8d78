package dev.meshfed.lambda;

import static dev.meshfed.lambda.LambdaEvents.event;
import static dev.meshfed.lambda.LambdaEvents.eventServer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.stream.QuarantinedRecord;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deployable {@code rotate-leaves-stream} through the mock event server with real DynamoDB stream
 * event JSON: Funqy calls the function once per record and reports the records that threw.
 */
@QuarkusTest
@TestProfile(Deployables.RotateLeavesStream.class)
class RotateLeavesStreamLambdaTest {

    @Inject
    Wiring wiring;

    private static JsonNode post(String body) throws Exception {
        String response = given().contentType("application/json").body(body)
                .when().post(eventServer())
                .then().statusCode(200)
                .extract().asString();
        return new ObjectMapper().readTree(response);
    }

    private List<QuarantinedRecord> quarantined() {
        return wiring.functions().privateStore().quarantined().stream().map(v -> v.value()).toList();
    }

    @Test
    void a_bundle_record_is_processed_without_failures() throws Exception {
        int before = quarantined().size();
        JsonNode response = post(event("dynamodb-stream-ca-bundle-modify.json"));
        assertThat(response.get("batchItemFailures")).as(response.toString()).isEmpty();
        assertThat(quarantined()).hasSize(before);
    }

    @Test
    void a_malformed_record_is_quarantined_and_acknowledged() throws Exception {
        String eventId = new ObjectMapper().readTree(event("dynamodb-stream-ca-missing-keys.json"))
                .at("/Records/0/eventID").asText();
        JsonNode response = post(event("dynamodb-stream-ca-missing-keys.json"));
        assertThat(response.get("batchItemFailures")).as(response.toString()).isEmpty();
        assertThat(quarantined()).anySatisfy(q -> {
            assertThat(q.eventId()).isEqualTo(eventId);
            assertThat(q.table()).isEqualTo(Table.CA.name());
            assertThat(q.reason()).contains("record has no Keys");
        });
    }

    @Test
    void a_transient_failure_is_a_batch_item_failure_and_a_poison_record_in_the_same_batch_is_not() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode good = (ObjectNode) json.readTree(event("dynamodb-stream-ca-bundle-modify.json")).at("/Records/0");
        ObjectNode poison = (ObjectNode) json.readTree(event("dynamodb-stream-ca-missing-keys.json")).at("/Records/0");
        poison.put("eventID", "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
        ObjectNode batch = json.createObjectNode();
        ArrayNode records = batch.putArray("Records");
        records.add(poison);
        records.add(good);
        EmbeddedWiring embedded = (EmbeddedWiring) ClientProxy.unwrap(wiring);
        embedded.functions();
        embedded.caTableDown(true);
        JsonNode response;
        try {
            response = post(json.writeValueAsString(batch));
        } finally {
            embedded.caTableDown(false);
        }
        assertThat(response.get("batchItemFailures")).as(response.toString()).hasSize(1);
        assertThat(response.at("/batchItemFailures/0/itemIdentifier").asText())
                .isEqualTo(good.at("/dynamodb/SequenceNumber").asText());
        assertThat(quarantined()).anySatisfy(q -> assertThat(q.eventId()).isEqualTo("0f1e2d3c4b5a69788796a5b4c3d2e1f0"));
    }
}
