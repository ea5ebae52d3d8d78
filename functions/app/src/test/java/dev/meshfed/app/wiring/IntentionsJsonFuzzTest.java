package dev.meshfed.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.meshfed.app.config.DcConfig;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import java.util.Arrays;

/**
 * Fuzzes the request bodies of the intention endpoints and authorize through a DC wired as
 * deployed (ACLs off, so that a body gets past authorization to every check behind it):
 * {@code Json.read} into {@code IntentionsJson}'s body types, their conversion and the intention
 * rules, and the write itself for a body that passes. The documented outcome of a bad body is a
 * 4xx with a one-line text ({@code InvalidInput} and friends through {@code ErrorMapper}); a 500
 * means some other exception escaped, which is a finding. A good body answers 200.
 *
 * <p>The first input byte picks the endpoint, the rest is the body. Seeds: one valid body per
 * endpoint, with permissions, in {@code IntentionsJsonFuzzTestInputs/}.
 */
class IntentionsJsonFuzzTest {
    private static final String[][] ENDPOINTS = {
        {"POST", "/v1/connect/intentions"},
        {"PUT", "/v1/connect/intentions/exact?source=web&destination=db"},
        {"POST", "/v1/agent/connect/authorize"},
        {"PUT", null}, // update of the intention made in setup
    };
    private static final WiredFederation FEDERATION = new WiredFederation(DcConfig.AclMode.OFF, "dc1").withPrimaryCa();
    private static final String EXISTING = existing();

    @FuzzTest(maxDuration = "15s")
    void bodyAnswers200Or4xxNever500(byte[] input) {
        if (input.length == 0) {
            return;
        }
        String[] endpoint = ENDPOINTS[Math.floorMod(input[0], ENDPOINTS.length)];
        String path = endpoint[1] != null ? endpoint[1] : "/v1/connect/intentions/" + EXISTING;
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        int q = path.indexOf('?');
        HttpRequest request = HttpRequest.builder(endpoint[0], q < 0 ? path : path.substring(0, q))
                .rawQueryString(q < 0 ? "" : path.substring(q + 1)).body(body).build();
        HttpResponse r = FEDERATION.dc("dc1").localHandler().handle(request);
        assertThat(r.status()).as("%s %s -> %s", endpoint[0], path, r.body()).isIn(200, 400, 404, 409, 413);
        if (r.status() != 200) {
            assertThat(r.body().strip()).as("one line").doesNotContain("\n").isNotEmpty();
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("jackson");
        }
    }

    private static String existing() {
        HttpResponse r = FEDERATION.call("dc1", "POST", "/v1/connect/intentions", null,
                "{\"SourceName\":\"api\",\"DestinationName\":\"db\",\"Action\":\"allow\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String body = r.body();
        int start = body.indexOf("\"ID\":\"") + 6;
        return body.substring(start, body.indexOf('"', start));
    }
}
