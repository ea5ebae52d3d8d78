package dev.meshfed.lambda;

import static dev.meshfed.lambda.LambdaEvents.event;
import static dev.meshfed.lambda.LambdaEvents.eventServer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.app.wiring.DcFunctions;
import dev.meshfed.core.intentions.Intention;
import dev.meshfed.core.intentions.IntentionItem;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Deployable {@code replicate-intentions-tick}: the EventBridge scheduled event runs a reconcile. */
@QuarkusTest
@TestProfile(Deployables.ReplicateIntentionsTick.class)
class ReplicateIntentionsTickLambdaTest {

    @Inject
    Wiring wiring;

    @Test
    void a_scheduled_event_reconciles_the_view_with_the_replica() {
        EmbeddedWiring embedded = (EmbeddedWiring) ClientProxy.unwrap(wiring);
        DcFunctions f = embedded.functions();
        Instant now = f.clock().instant();
        // written with no stream to carry it: only reconcile can bring it into the view
        embedded.federation().dc("dc1").intentionStore().putIntention(IntentionItem.live(new Intention("tick-1", "default",
                "web", "default", "db", null, null, "consul", "allow", null, null, Map.of(), 9, now, now)), 0, 3);
        given().contentType("application/json").body(event("eventbridge-scheduled-tick.json"))
                .when().post(eventServer())
                .then().statusCode(204);
        assertThat(f.privateStore().viewEntry("tick-1")).isPresent();
        assertThat(f.replicateIntentions().status().lastReconcileAt()).isNotNull();
        assertThat(f.replicateIntentions().status().repairs()).isPositive();
    }

    @Test
    void a_failed_reconcile_is_reported_to_lambda() {
        EmbeddedWiring embedded = (EmbeddedWiring) ClientProxy.unwrap(wiring);
        embedded.functions();
        embedded.intentionsTableDown(true);
        try {
            int status = given().contentType("application/json").body(event("eventbridge-scheduled-tick.json"))
                    .when().post(eventServer())
                    .then().extract().statusCode();
            assertThat(status).isGreaterThanOrEqualTo(400);
        } finally {
            embedded.intentionsTableDown(false);
        }
    }
}
