package dev.meshfed.lambda;

import static dev.meshfed.lambda.LambdaEvents.event;
import static dev.meshfed.lambda.LambdaEvents.eventServer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Posts one checked-in API Gateway v2 event to the mock event server and reads the function's response. */
final class RouteEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RouteEvents() {
    }

    /** The API Gateway response the deployable returned for {@code eventFile}; never a 5xx. */
    static JsonNode invoke(String eventFile) throws Exception {
        String raw = given().contentType("application/json").body(event(eventFile))
                .when().post(eventServer())
                .then().statusCode(200)
                .extract().asString();
        JsonNode response = JSON.readTree(raw);
        assertThat(response.get("statusCode").asInt()).as("%s: %s", eventFile, raw).isLessThan(500);
        return response;
    }

    static JsonNode body(JsonNode response) throws Exception {
        return JSON.readTree(response.get("body").asText());
    }
}
