package dev.meshfed.lambda;

import static dev.meshfed.lambda.RouteEvents.body;
import static dev.meshfed.lambda.RouteEvents.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * The {@code intentions-api-http} deployable with real API Gateway v2 events: a write in the
 * primary, decided at once by check and authorize from the primary's own view (the primary applies
 * its writes to its view), the filtered list, and bad input. ACLs are off in the test wiring.
 */
@QuarkusTest
@TestProfile(Deployables.IntentionsApiHttp.class)
class IntentionsApiHttpLambdaTest {

    @Test
    void aDenyWrittenInThePrimaryIsDecidedByCheckAuthorizeAndListedByFilter() throws Exception {
        JsonNode put = invoke("apigw-v2-put-intention-exact.json");
        assertThat(put.get("statusCode").asInt()).as(put.toString()).isEqualTo(200);
        assertThat(put.get("body").asText()).isEqualTo("true");

        JsonNode check = invoke("apigw-v2-get-intention-check.json");
        assertThat(check.get("statusCode").asInt()).isEqualTo(200);
        assertThat(body(check).get("Allowed").asBoolean()).isFalse();

        JsonNode authorize = invoke("apigw-v2-post-authorize.json");
        assertThat(authorize.get("statusCode").asInt()).as(authorize.toString()).isEqualTo(200);
        assertThat(body(authorize).get("Authorized").asBoolean()).isFalse();
        assertThat(body(authorize).get("Reason").asText()).startsWith("Matched L4 intention: default/web => default/db");

        JsonNode list = invoke("apigw-v2-get-intentions-filter.json");
        assertThat(list.get("statusCode").asInt()).isEqualTo(200);
        assertThat(body(list)).hasSize(1);
        assertThat(body(list).get(0).get("DestinationName").asText()).isEqualTo("db");
    }

    @Test
    void anUnsupportedFilterAndAHostileNameAre400() throws Exception {
        JsonNode filter = invoke("apigw-v2-get-intentions-bad-filter.json");
        assertThat(filter.get("statusCode").asInt()).isEqualTo(400);
        JsonNode hostile = invoke("apigw-v2-post-intention-hostile.json");
        assertThat(hostile.get("statusCode").asInt()).isEqualTo(400);
        assertThat(hostile.get("body").asText()).contains("wildcard character '*' cannot be used with partial values");
    }
}
