package dev.meshfed.lambda;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Posts real API Gateway HTTP API 2.0 event JSON to the Lambda runtime's mock event server,
 * the same path an invocation takes in AWS: runtime API, Funqy binding, function, response.
 */
@QuarkusTest
class HealthFunctionLambdaTest {

    private static String event(String name) throws IOException {
        try (InputStream in = HealthFunctionLambdaTest.class.getResourceAsStream("/events/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String eventServer() {
        int port = ConfigProvider.getConfig()
                .getOptionalValue("quarkus.lambda.mock-event-server.test-port", Integer.class)
                .orElse(8081);
        return "http://localhost:" + port + "/_lambda_";
    }

    @Test
    void getEventIsAnsweredWithStatusHeadersAndBodyChosenByTheFunction() throws IOException {
        given().contentType("application/json").body(event("apigw-v2-get-health.json"))
                .when().post(eventServer())
                .then().statusCode(200)
                .body("statusCode", equalTo(200))
                .body("headers.Content-Type", equalTo("application/json"))
                .body("body", equalTo("{\"Status\":\"ok\",\"Path\":\"/v1/meshfed/health\"}"));
    }

    @Test
    void wrongMethodGets405WithAllowHeaderFromTheFunctionItself() throws IOException {
        given().contentType("application/json").body(event("apigw-v2-delete-health.json"))
                .when().post(eventServer())
                .then().statusCode(200)
                .body("statusCode", equalTo(405))
                .body("headers.Allow", equalTo("GET"));
    }
}
