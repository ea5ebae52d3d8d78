package dev.meshfed.apigateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.meshfed.app.ca.CaFunctionsHandler;
import dev.meshfed.app.http.BodyLimits;
import dev.meshfed.app.http.ErrorMapper;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.RouteTable;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The payload 2.0 conversion, without Quarkus: what reaches a function, and hostile events. */
class ApiGatewayAdapterTest {

    private final ApiGatewayAdapter adapter = new ApiGatewayAdapter(new ErrorMapper());
    /** A handler with no functions: every route answers 404, enough to see conversion and refusals. */
    private final CaFunctionsHandler noFunctions = new CaFunctionsHandler(RouteTable.deployed(), Map.of(), new ErrorMapper());

    private static APIGatewayV2HTTPEvent event(String method, String path) {
        return APIGatewayV2HTTPEvent.builder()
                .withRawPath(path)
                .withRawQueryString("pem=true&tag=a&tag=b")
                .withHeaders(Map.of("X-Consul-Token", "secret", "Content-Type", "application/json"))
                .withCookies(List.of("session=ignored"))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method).withPath(path).withSourceIp("203.0.113.10").build())
                        .build())
                .build();
    }

    @Test
    void a_request_carries_method_raw_path_query_headers_body_and_source_ip() {
        APIGatewayV2HTTPEvent e = event("POST", "/v1/connect/ca/sign");
        e.setBody("{\"CSR\":\"x\"}");
        HttpRequest r = ApiGatewayAdapter.toRequest(e);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.rawPath()).isEqualTo("/v1/connect/ca/sign");
        assertThat(r.rawQueryString()).isEqualTo("pem=true&tag=a&tag=b");
        assertThat(r.header("x-consul-token")).contains("secret");
        assertThat(r.header("cookie")).isEmpty();
        assertThat(r.bodyUtf8()).isEqualTo("{\"CSR\":\"x\"}");
        assertThat(r.sourceIp()).isEqualTo("203.0.113.10");
    }

    @Test
    void a_base64_body_is_decoded() {
        APIGatewayV2HTTPEvent e = event("POST", "/v1/connect/ca/sign");
        e.setBody(Base64.getEncoder().encodeToString("{\"CSR\":\"y\"}".getBytes(StandardCharsets.UTF_8)));
        e.setIsBase64Encoded(true);
        assertThat(ApiGatewayAdapter.toRequest(e).bodyUtf8()).isEqualTo("{\"CSR\":\"y\"}");
    }

    @Test
    void the_response_keeps_status_headers_and_body_and_is_not_base64() {
        HttpResponse r = HttpResponse.text(405, "method DELETE not allowed").withHeader("Allow", "OPTIONS,GET");
        APIGatewayV2HTTPResponse out = ApiGatewayAdapter.toResponse(r);
        assertThat(out.getStatusCode()).isEqualTo(405);
        assertThat(out.getHeaders()).containsEntry("Allow", "OPTIONS,GET")
                .containsEntry("Content-Type", HttpResponse.TEXT_PLAIN);
        assertThat(out.getBody()).isEqualTo("method DELETE not allowed");
        assertThat(out.getIsBase64Encoded()).isFalse();
    }

    @Test
    void hostile_events_are_answered_never_thrown() {
        assertThat(adapter.handle(null, noFunctions).getStatusCode()).isEqualTo(400);

        APIGatewayV2HTTPEvent noContext = event("GET", "/v1/connect/ca/roots");
        noContext.setRequestContext(null);
        assertThat(adapter.handle(noContext, noFunctions).getBody()).isEqualTo(ApiGatewayAdapter.NO_METHOD);

        APIGatewayV2HTTPEvent noPath = event("GET", "/v1/connect/ca/roots");
        noPath.setRawPath(null);
        APIGatewayV2HTTPResponse r = adapter.handle(noPath, noFunctions);
        assertThat(r.getStatusCode()).isEqualTo(400);
        assertThat(r.getBody()).isEqualTo(ApiGatewayAdapter.NO_PATH);

        APIGatewayV2HTTPEvent noHeaders = event("GET", "/v1/connect/ca/roots");
        noHeaders.setHeaders(null);
        assertThat(adapter.handle(noHeaders, noFunctions).getStatusCode()).isEqualTo(404);

        APIGatewayV2HTTPEvent badBase64 = event("POST", "/v1/connect/ca/sign");
        badBase64.setBody("%%%%");
        badBase64.setIsBase64Encoded(true);
        r = adapter.handle(badBase64, noFunctions);
        assertThat(r.getStatusCode()).isEqualTo(400);
        assertThat(r.getBody()).isEqualTo("request body is not valid base64");

        APIGatewayV2HTTPEvent hugeBase64 = event("POST", "/v1/connect/ca/sign");
        hugeBase64.setBody("A".repeat(4 * 1024 * 1024));
        hugeBase64.setIsBase64Encoded(true);
        r = adapter.handle(hugeBase64, noFunctions);
        assertThat(r.getStatusCode()).isEqualTo(413);
        assertThat(r.getBody()).isEqualTo(BodyLimits.TOO_LARGE);

        APIGatewayV2HTTPEvent hugeText = event("POST", "/v1/connect/ca/sign");
        hugeText.setBody("\u00e9".repeat(40_000)); // 40,000 chars, 80,000 UTF-8 bytes
        assertThat(adapter.handle(hugeText, noFunctions).getStatusCode()).isEqualTo(413);
    }
}
