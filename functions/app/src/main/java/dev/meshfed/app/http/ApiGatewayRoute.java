package dev.meshfed.app.http;

import java.util.Objects;

/**
 * One route of the API Gateway HTTP API as SAM and Terraform must declare it.
 *
 * @param routeKey      {@code ANY /v1/connect/ca/roots}, {@code GET /v1/connect/ca/configuration} or
 *                      {@code $default}
 * @param function      the function whose HTTP deployable the route integrates with
 * @param authorization {@code AWS_IAM} for the bootstrap and membership routes, otherwise none
 */
public record ApiGatewayRoute(String routeKey, FunctionName function, Route.Authorization authorization) {
    /** API Gateway's catch-all route key. */
    public static final String DEFAULT_ROUTE_KEY = "$default";

    public ApiGatewayRoute {
        Objects.requireNonNull(routeKey, "routeKey");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(authorization, "authorization");
    }
}
