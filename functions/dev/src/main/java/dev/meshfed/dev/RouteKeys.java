package dev.meshfed.dev;

import dev.meshfed.app.http.ApiGatewayRoute;
import dev.meshfed.app.http.FunctionName;
import dev.meshfed.app.http.Route;
import dev.meshfed.app.http.RouteTable;

import java.util.Objects;
import java.util.Optional;

/**
 * API Gateway's route selection over the keys {@link RouteTable#apiGatewayRoutes()} declares: which
 * key ({@code GET /v1/connect/ca/configuration}, {@code ANY /v1/connect/ca/roots},
 * {@code $default}) a method and raw path select, so the local gateway's events carry the
 * {@code routeKey} a deployment's would. The template is the table's own selection
 * ({@link RouteTable#routeAt}: path parameters not decoded, as API Gateway routes a malformed one
 * and the function refuses it); on it, a method served by another function than the path's
 * {@code ANY} function has its own key, as in {@link RouteTable#apiGatewayRoutes()}. Routes that
 * are not deployed (the {@code /v1/dev/} controls) have no key, so they select {@code $default}.
 */
final class RouteKeys {

    private final RouteTable table;

    private RouteKeys(RouteTable table) {
        this.table = table;
    }

    /** The keys of {@code table}'s API Gateway routes. */
    static RouteKeys of(RouteTable table) {
        return new RouteKeys(Objects.requireNonNull(table, "table"));
    }

    /** The route key {@code method} on {@code rawPath} selects. */
    String routeKey(String method, String rawPath) {
        Optional<Route> route = table.routeAt(rawPath).filter(r -> r.exposure() == Route.Exposure.DEPLOYED);
        if (route.isEmpty()) {
            return ApiGatewayRoute.DEFAULT_ROUTE_KEY;
        }
        Route r = route.get();
        FunctionName function = r.methods().get(method);
        boolean ownKey = function != null && function != r.otherMethods();
        return (ownKey ? method : "ANY") + " " + r.template();
    }
}
