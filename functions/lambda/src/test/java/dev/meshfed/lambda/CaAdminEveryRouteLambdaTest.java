package dev.meshfed.lambda;

import static dev.meshfed.lambda.RouteEvents.body;
import static dev.meshfed.lambda.RouteEvents.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** Every route of {@code ca-admin-http} built so far, as real API Gateway v2 events. */
@QuarkusTest
@TestProfile(Deployables.CaAdminHttp.class)
class CaAdminEveryRouteLambdaTest {

    @Test
    void thePrimaryHasNoEnrolmentKey() throws Exception {
        assertThat(invoke("apigw-v2-get-enrolment-primary.json").get("statusCode").asInt()).isEqualTo(404);
    }

    @Test
    void replicationShowsTheSigner() throws Exception {
        JsonNode r = invoke("apigw-v2-get-replication.json");
        assertThat(r.get("statusCode").asInt()).isEqualTo(200);
        assertThat(body(r).at("/Signer/State").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void hostileMembershipIs400() throws Exception {
        assertThat(invoke("apigw-v2-put-datacenters-hostile.json").get("statusCode").asInt()).isEqualTo(400);
    }

    @Test
    void anInvalidConfigurationIs400WithConsulsText() throws Exception {
        JsonNode r = invoke("apigw-v2-put-ca-configuration-invalid.json");
        assertThat(r.get("statusCode").asInt()).isEqualTo(400);
        assertThat(r.get("body").asText()).contains("leaf cert TTL must be greater or equal than 1h0m0s");
    }

    @Test
    void aWrongMethodIs405() throws Exception {
        JsonNode r = invoke("apigw-v2-delete-replication.json");
        assertThat(r.get("statusCode").asInt()).isEqualTo(405);
        assertThat(r.at("/headers/Allow").asText()).contains("GET");
    }
}
