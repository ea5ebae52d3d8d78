package dev.meshfed.lambda;

import dev.meshfed.apigateway.ApiGatewayAdapter;
import static dev.meshfed.lambda.LambdaEvents.event;
import static dev.meshfed.lambda.LambdaEvents.eventServer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.app.ca.FetchRoots;
import dev.meshfed.app.http.RouteMatch;
import dev.meshfed.testkit.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** Deployable {@code fetch-roots-http} through the mock event server, over the embedded store. */
@QuarkusTest
@TestProfile(Deployables.FetchRootsHttp.class)
class FetchRootsHttpLambdaTest {

    private static String post(String eventFile) {
        return given().contentType("application/json").body(event(eventFile))
                .when().post(eventServer())
                .then().statusCode(200)
                .extract().asString();
    }

    @Test
    void roots_get_is_200_json_with_the_bundle_and_the_change_index() throws Exception {
        JsonNode response = new ObjectMapper().readTree(post("apigw-v2-get-roots.json"));
        assertThat(response.get("statusCode").asInt()).isEqualTo(200);
        assertThat(response.get("isBase64Encoded").asBoolean()).isFalse();
        assertThat(response.at("/headers/Content-Type").asText()).isEqualTo("application/json");
        assertThat(response.at("/headers/X-Consul-Index").asLong()).isPositive();
        JsonNode roots = new ObjectMapper().readTree(response.get("body").asText());
        assertThat(roots.get("TrustDomain").asText()).isEqualTo(Fixtures.CLUSTER_ID + ".consul");
        assertThat(roots.get("Roots").size()).isEqualTo(1);
        assertThat(roots.at("/Roots/0/Active").asBoolean()).isTrue();
    }

    @Test
    void roots_pem_is_the_pem_chain() {
        given().contentType("application/json").body(event("apigw-v2-get-roots-pem.json"))
                .when().post(eventServer())
                .then().statusCode(200)
                .body("statusCode", equalTo(200))
                .body("headers.Content-Type", equalTo(FetchRoots.PEM_CHAIN))
                .body("body", startsWith("-----BEGIN CERTIFICATE-----"));
    }

    @Test
    void a_wrong_method_is_405_with_allow() {
        given().contentType("application/json").body(event("apigw-v2-delete-roots.json"))
                .when().post(eventServer())
                .then().statusCode(200)
                .body("statusCode", equalTo(405))
                .body("headers.Allow", equalTo("OPTIONS,GET"))
                .body("body", equalTo("method DELETE not allowed"));
    }

    @Test
    void an_unknown_path_is_consuls_plain_text_404() {
        given().contentType("application/json").body(event("apigw-v2-get-unknown-path.json"))
                .when().post(eventServer())
                .then().statusCode(200)
                .body("statusCode", equalTo(404))
                .body("headers.Content-Type", equalTo("text/plain; charset=utf-8"))
                .body("body", equalTo(RouteMatch.NotFound.UNKNOWN_ENDPOINT + "\n"));
    }

    @Test
    void an_event_without_request_context_is_400_not_a_fault() {
        given().contentType("application/json").body(event("apigw-v2-no-request-context.json"))
                .when().post(eventServer())
                .then().statusCode(200)
                .body("statusCode", equalTo(400))
                .body("body", equalTo(ApiGatewayAdapter.NO_METHOD));
    }

    @Test
    void an_event_without_headers_is_served() {
        given().contentType("application/json").body(event("apigw-v2-get-roots-no-headers.json"))
                .when().post(eventServer())
                .then().statusCode(200)
                .body("statusCode", equalTo(200));
    }
}
