package dev.meshfed.app.ca;

import dev.meshfed.app.http.BodyLimits;
import dev.meshfed.app.http.ErrorMapper;
import dev.meshfed.app.http.FunctionName;
import dev.meshfed.app.http.HttpFunction;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.RouteMatch;
import dev.meshfed.app.http.RouteTable;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP entry of one deployable (or of the local gateway): matches the request against the
 * route table, answers 404, 405 (with {@code Allow}) and {@code OPTIONS} itself, runs the function
 * the route names (a body over 64 KiB refused first with 413, as in {@link BodyLimits}), and turns every exception into a response through {@link ErrorMapper}, so bad
 * input is never a 500. A route of a function this deployable does not hold answers Consul's 404
 * for an unknown endpoint, as API Gateway would never have sent it here.
 */
public final class CaFunctionsHandler {

    private final RouteTable routes;
    private final Map<FunctionName, HttpFunction> functions;
    private final ErrorMapper errors;

    public CaFunctionsHandler(RouteTable routes, Map<FunctionName, HttpFunction> functions, ErrorMapper errors) {
        this.routes = Objects.requireNonNull(routes, "routes");
        this.functions = functions.isEmpty() ? Map.of() : new EnumMap<>(functions);
        this.errors = Objects.requireNonNull(errors, "errors");
    }

    /** The response to {@code request}; never throws. */
    public HttpResponse handle(HttpRequest request) {
        try {
            // before routing, as API Gateway's adapter does: an oversized body is a 413 on every
            // route and method, in the primary as in a secondary, whether or not the function reads it
            BodyLimits.check(request);
            RouteMatch match = routes.match(request);
            Optional<HttpResponse> refusal = match.refusal();
            if (refusal.isPresent()) {
                return refusal.get();
            }
            RouteMatch.Found found = (RouteMatch.Found) match;
            HttpFunction function = functions.get(found.function());
            if (function == null) {
                return new RouteMatch.NotFound(request.rawPath()).response();
            }
            return function.handle(request, found);
        } catch (RuntimeException | StackOverflowError e) {
            return errors.toResponse(e);
        }
    }
}
