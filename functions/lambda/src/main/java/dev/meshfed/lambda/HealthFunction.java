package dev.meshfed.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.quarkus.funqy.Funq;
import java.util.Map;

/**
 * Smoke deployable ({@code health-http}): proves the Funqy Amazon Lambda binding takes an API
 * Gateway HTTP API 2.0 event and that the function, not Funqy, decides the status code and the
 * headers. The real functions arrive with the CA functions issue and follow the same shape.
 */
public class HealthFunction {

    /** Its export name ({@code QUARKUS_FUNQY_EXPORT}). */
    public static final String NAME = "health-http";

    // the same name as a literal: DeploymentTest reads every @Funq name from the sources
    @Funq("health-http")
    public APIGatewayV2HTTPResponse health(APIGatewayV2HTTPEvent event) {
        String method = event.getRequestContext() == null || event.getRequestContext().getHttp() == null
                ? ""
                : event.getRequestContext().getHttp().getMethod();
        if (!"GET".equals(method)) {
            return APIGatewayV2HTTPResponse.builder()
                    .withStatusCode(405)
                    .withHeaders(Map.of("Allow", "GET", "Content-Type", "text/plain; charset=utf-8"))
                    .withBody("method " + method + " not allowed\n")
                    .build();
        }
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(200)
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody("{\"Status\":\"ok\",\"Path\":\"" + jsonSafe(event.getRawPath()) + "\"}")
                .build();
    }

    // The path is echoed back; keep it from breaking out of the JSON string.
    private static String jsonSafe(String s) {
        if (s == null) {
            return "";
        }
        return s.replaceAll("[^A-Za-z0-9/_.~-]", "_");
    }
}
