package dev.meshfed.apigateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.meshfed.app.ca.CaFunctionsHandler;
import dev.meshfed.app.http.BodyLimits;
import dev.meshfed.app.http.ErrorMapper;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.error.InvalidInput;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * Translates between API Gateway's HTTP API payload 2.0 and meshfed's {@link HttpRequest} /
 * {@link HttpResponse}. Cookies are ignored (Consul's API uses none); a base64 body
 * ({@code isBase64Encoded}) is decoded through {@link BodyLimits}, so an oversized body is refused
 * from its encoded length before anything is decoded. A hostile event (no request context, no
 * method, no path, a body that is not base64 or is over the limit) becomes a 400 or 413 response
 * through {@link ErrorMapper}: {@link #handle} never throws.
 */
public final class ApiGatewayAdapter {

    /** The 400 text for an event without {@code requestContext.http.method}. */
    public static final String NO_METHOD = "request has no method";
    /** The 400 text for an event without {@code rawPath}. */
    public static final String NO_PATH = "request has no path";

    private final ErrorMapper errors;

    public ApiGatewayAdapter(ErrorMapper errors) {
        this.errors = Objects.requireNonNull(errors, "errors");
    }

    /** Converts {@code event}, runs {@code handler}, converts the response; never throws. */
    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, CaFunctionsHandler handler) {
        HttpResponse response;
        try {
            response = handler.handle(toRequest(event));
        } catch (RuntimeException | StackOverflowError e) {
            response = errors.toResponse(e);
        }
        return toResponse(response);
    }

    /**
     * The request {@code event} carries.
     *
     * @throws InvalidInput {@value #NO_METHOD}, {@value #NO_PATH}, or an invalid base64 body
     * @throws dev.meshfed.app.http.HttpRefusal 413 for a body over {@link BodyLimits#MAX_REQUEST_BODY_BYTES}
     */
    public static HttpRequest toRequest(APIGatewayV2HTTPEvent event) {
        if (event == null) {
            throw new InvalidInput(NO_METHOD);
        }
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        APIGatewayV2HTTPEvent.RequestContext.Http http = context == null ? null : context.getHttp();
        String method = http == null ? null : http.getMethod();
        if (method == null || method.isEmpty()) {
            throw new InvalidInput(NO_METHOD);
        }
        String rawPath = event.getRawPath();
        if (rawPath == null || rawPath.isEmpty()) {
            throw new InvalidInput(NO_PATH);
        }
        byte[] body = body(event.getBody(), event.getIsBase64Encoded());
        return HttpRequest.builder(method, rawPath)
                .rawQueryString(event.getRawQueryString())
                .headers(event.getHeaders())
                .body(body)
                .sourceIp(http.getSourceIp())
                .build();
    }

    private static byte[] body(String body, boolean base64) {
        if (body == null || body.isEmpty()) {
            return new byte[0];
        }
        if (base64) {
            return BodyLimits.decodeBase64(body);
        }
        // a UTF-8 byte is at least one char: refuse a long string before encoding it
        BodyLimits.check(body.length());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        BodyLimits.check(bytes.length);
        return bytes;
    }

    /** API Gateway's response for {@code response}: status, headers as set, a text body. */
    public static APIGatewayV2HTTPResponse toResponse(HttpResponse response) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(new LinkedHashMap<>(response.headers()))
                .withBody(response.body())
                .withIsBase64Encoded(false)
                .build();
    }
}
