package dev.meshfed.lambda;

import dev.meshfed.app.wiring.DcFunctions;
import static dev.meshfed.lambda.LambdaEvents.event;
import static dev.meshfed.lambda.LambdaEvents.eventServer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.core.bundle.SignerState;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** Deployable {@code rotate-leaves-tick}: the EventBridge scheduled event through the mock event server. */
@QuarkusTest
@TestProfile(Deployables.RotateLeavesTick.class)
class RotateLeavesTickLambdaTest {

    @Inject
    Wiring wiring;

    @Test
    void a_scheduled_event_runs_a_tick() {
        given().contentType("application/json").body(event("eventbridge-scheduled-tick.json"))
                .when().post(eventServer())
                .then().statusCode(204); // the mock server's answer for a function that returned normally with no value
        DcFunctions f = wiring.functions();
        assertThat(f.ca().signer("dc1", true)).hasValueSatisfying(v -> assertThat(v.value().state())
                .isEqualTo(SignerState.ACTIVE));
    }

    @Test
    void a_failed_tick_is_reported_to_lambda() {
        EmbeddedWiring embedded = (EmbeddedWiring) ClientProxy.unwrap(wiring);
        embedded.functions();
        embedded.caTableDown(true);
        try {
            int status = given().contentType("application/json").body(event("eventbridge-scheduled-tick.json"))
                    .when().post(eventServer())
                    .then().extract().statusCode();
            assertThat(status).isGreaterThanOrEqualTo(400);
        } finally {
            embedded.caTableDown(false);
        }
    }
}
