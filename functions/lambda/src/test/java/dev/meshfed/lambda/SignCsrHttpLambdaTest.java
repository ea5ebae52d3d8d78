package dev.meshfed.lambda;

import static dev.meshfed.lambda.LambdaEvents.event;
import static dev.meshfed.lambda.LambdaEvents.eventServer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.app.http.BodyLimits;
import dev.meshfed.testkit.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * Deployable {@code sign-csr-http} through the mock event server, over the embedded store whose
 * dc1 got its intermediate from a {@code rotate-leaves} tick. The CSRs in the events are the pki
 * module's committed fixtures.
 */
@QuarkusTest
@TestProfile(Deployables.SignCsrHttp.class)
class SignCsrHttpLambdaTest {

    private static JsonNode post(String eventFile) throws Exception {
        String response = given().contentType("application/json").body(event(eventFile))
                .when().post(eventServer())
                .then().statusCode(200)
                .extract().asString();
        return new ObjectMapper().readTree(response);
    }

    @Test
    void a_valid_csr_is_signed() throws Exception {
        JsonNode response = post("apigw-v2-post-sign-valid.json");
        assertThat(response.get("statusCode").asInt()).as(response.toString()).isEqualTo(200);
        JsonNode leaf = new ObjectMapper().readTree(response.get("body").asText());
        assertThat(leaf.get("Service").asText()).isEqualTo("web");
        assertThat(leaf.get("ServiceURI").asText())
                .isEqualTo("spiffe://" + Fixtures.CLUSTER_ID + ".consul/ns/default/dc/dc1/svc/web");
        assertThat(leaf.get("CertPEM").asText()).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void a_base64_encoded_body_is_decoded_and_signed() throws Exception {
        JsonNode response = post("apigw-v2-post-sign-base64.json");
        assertThat(response.get("statusCode").asInt()).as(response.toString()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(response.get("body").asText()).get("Service").asText()).isEqualTo("web");
    }

    @Test
    void a_hostile_csr_is_400_with_its_exact_text() {
        given().contentType("application/json").body(event("apigw-v2-post-sign-other-trust-domain.json"))
                .when().post(eventServer())
                .then().statusCode(200)
                .body("statusCode", equalTo(400))
                .body("body", equalTo("SPIFFE ID in CSR from a different trust domain: "
                        + "0a0b0c0d-1111-4222-8333-444455556666.consul, we are " + Fixtures.CLUSTER_ID + ".consul"));
    }

    @Test
    void an_oversized_body_is_413() {
        given().contentType("application/json").body(event("apigw-v2-post-sign-oversized.json"))
                .when().post(eventServer())
                .then().statusCode(200)
                .body("statusCode", equalTo(413))
                .body("body", equalTo(BodyLimits.TOO_LARGE));
    }

    @Test
    void a_body_that_is_not_base64_is_400() {
        given().contentType("application/json").body(event("apigw-v2-post-sign-invalid-base64.json"))
                .when().post(eventServer())
                .then().statusCode(200)
                .body("statusCode", equalTo(400))
                .body("body", equalTo("request body is not valid base64"));
    }

    @Test
    void a_wrong_method_is_405_with_allow() {
        given().contentType("application/json")
                .body(event("apigw-v2-post-sign-valid.json").replace("\"method\": \"POST\"", "\"method\": \"GET\""))
                .when().post(eventServer())
                .then().statusCode(200)
                .body("statusCode", equalTo(405))
                .body("headers.Allow", equalTo("OPTIONS,POST"));
    }
}
