package dev.meshfed.lambda;

import static dev.meshfed.lambda.RouteEvents.body;
import static dev.meshfed.lambda.RouteEvents.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** Every route of {@code sign-csr-http} not covered elsewhere, as real API Gateway v2 events. */
@QuarkusTest
@TestProfile(Deployables.SignCsrHttp.class)
class SignCsrEveryRouteLambdaTest {

    @Test
    void aManagedLeafComesWithItsKeyAndIsReusedOnTheNextCall() throws Exception {
        JsonNode first = invoke("apigw-v2-get-leaf-web.json");
        assertThat(first.get("statusCode").asInt()).as(first.toString()).isEqualTo(200);
        JsonNode leaf = body(first);
        assertThat(leaf.get("PrivateKeyPEM").asText()).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(leaf.get("Service").asText()).isEqualTo("web");
        JsonNode second = body(invoke("apigw-v2-get-leaf-web.json"));
        assertThat(second.get("SerialNumber").asText()).isEqualTo(leaf.get("SerialNumber").asText());
    }

    @Test
    void aBadServiceNameIs400() throws Exception {
        assertThat(invoke("apigw-v2-get-leaf-bad-name.json").get("statusCode").asInt()).isEqualTo(400);
    }

    @Test
    void malformedJsonIs400() throws Exception {
        assertThat(invoke("apigw-v2-post-sign-garbage-json.json").get("statusCode").asInt()).isEqualTo(400);
    }

    @Test
    void aWrongMethodIs405WithAllow() throws Exception {
        JsonNode r = invoke("apigw-v2-put-sign-wrong-method.json");
        assertThat(r.get("statusCode").asInt()).isEqualTo(405);
        assertThat(r.at("/headers/Allow").asText()).contains("POST");
    }
}
