package dev.meshfed.lambda;

import static dev.meshfed.lambda.RouteEvents.body;
import static dev.meshfed.lambda.RouteEvents.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** Every route of {@code fetch-roots-http} not covered elsewhere, as real API Gateway v2 events. */
@QuarkusTest
@TestProfile(Deployables.FetchRootsHttp.class)
class FetchRootsEveryRouteLambdaTest {

    @Test
    void agentRootsAnswersTheSameBundle() throws Exception {
        JsonNode r = invoke("apigw-v2-get-agent-roots.json");
        assertThat(r.get("statusCode").asInt()).isEqualTo(200);
        assertThat(body(r).get("Roots").size()).isEqualTo(1);
    }

    @Test
    void caConfigurationIsReadable() throws Exception {
        JsonNode r = invoke("apigw-v2-get-ca-configuration.json");
        assertThat(r.get("statusCode").asInt()).isEqualTo(200);
        assertThat(body(r).get("Provider").asText()).isEqualTo("consul");
        assertThat(body(r).at("/Config/LeafCertTTL").asText()).isNotEmpty();
    }

    @Test
    void agentSelfNamesTheDatacenters() throws Exception {
        JsonNode r = invoke("apigw-v2-get-agent-self.json");
        assertThat(r.get("statusCode").asInt()).isEqualTo(200);
        assertThat(body(r).at("/Config/Datacenter").asText()).isEqualTo("dc1");
        assertThat(body(r).at("/Config/PrimaryDatacenter").asText()).isEqualTo("dc1");
    }

    @Test
    void aBadBlockingIndexIs400() throws Exception {
        JsonNode r = invoke("apigw-v2-get-roots-bad-index.json");
        assertThat(r.get("statusCode").asInt()).isEqualTo(400);
    }
}
