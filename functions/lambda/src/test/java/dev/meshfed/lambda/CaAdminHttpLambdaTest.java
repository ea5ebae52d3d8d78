package dev.meshfed.lambda;

import static dev.meshfed.lambda.LambdaEvents.event;
import static dev.meshfed.lambda.LambdaEvents.eventServer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.core.config.CaConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Deployable {@code ca-admin-http} through the mock event server, over the embedded store of
 * {@link EmbeddedWiring} (dc1, the primary, with its intermediate).
 */
@QuarkusTest
@TestProfile(Deployables.CaAdminHttp.class)
class CaAdminHttpLambdaTest {

    @Inject
    Wiring wiring;

    private static JsonNode post(String eventFile) throws Exception {
        String response = given().contentType("application/json").body(event(eventFile))
                .when().post(eventServer())
                .then().statusCode(200)
                .extract().asString();
        return new ObjectMapper().readTree(response);
    }

    @Test
    void a_config_only_change_is_200_and_stored() throws Exception {
        JsonNode response = post("apigw-v2-put-ca-configuration.json");
        assertThat(response.get("statusCode").asInt()).as(response.toString()).isEqualTo(200);
        CaConfig stored = wiring.functions().ca().caConfig("dc1", true).orElseThrow().value();
        assertThat(stored.leafCertTtl()).isEqualTo(Duration.ofHours(96));
        assertThat(stored.csrMaxPerSecond()).isEqualTo(25.0);
    }

    @Test
    void the_federation_datacenters_are_200_json() throws Exception {
        JsonNode response = post("apigw-v2-get-federation-datacenters.json");
        assertThat(response.get("statusCode").asInt()).as(response.toString()).isEqualTo(200);
        assertThat(response.get("headers").get("Content-Type").asText()).startsWith("application/json");
        assertThat(new ObjectMapper().readTree(response.get("body").asText()).isArray()).isTrue();
    }
}
