package dev.meshfed.app.http;

import dev.meshfed.core.error.InvalidInput;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Matches a method and raw path against a set of {@link Route}s, and derives API Gateway's routes
 * from the same set. meshfed's one declaration is {@link MeshfedRoutes}; {@link #deployed()} is
 * what every deployment serves, {@link #local()} adds the {@code /v1/dev/} controls of
 * {@code meshfed dev}.
 *
 * <p>Matching, in order:
 * <ol>
 *   <li>The raw path is split on {@code /}. Literal segments compare exactly (case-sensitive, not
 *       decoded); a parameter matches any one non-empty segment. An empty segment ({@code //}, a
 *       trailing {@code /}) matches nothing; dot segments are not resolved. A raw path over
 *       {@value #MAX_PATH_LENGTH} characters matches nothing.</li>
 *   <li>Of the templates that match, the most specific wins: comparing left to right, a literal
 *       segment beats a parameter at the first position where they differ. So the exact paths
 *       {@code /v1/connect/intentions/exact}, {@code /match} and {@code /check} win over
 *       {@code /v1/connect/intentions/{id}}, and {@code /v1/acl/token/self} over
 *       {@code /v1/acl/token/{accessor}}, as in Consul's mux and in API Gateway's route selection.
 *       Two templates of the same shape are refused when the table is built.</li>
 *   <li>No template: {@link RouteMatch.NotFound} (404). A template that does not allow the method:
 *       {@link RouteMatch.MethodNotAllowed} (405 with {@code Allow}), or {@link RouteMatch.Options}
 *       for {@code OPTIONS}.</li>
 *   <li>Path parameters are percent-decoded ({@code +} stays a plus sign) and validated: valid
 *       UTF-8, no {@code /}, only printable characters (Go's {@code unicode.IsPrint}, the test
 *       Consul applies to every path), at most {@value #MAX_PARAMETER_LENGTH} characters. A bad
 *       parameter is a 400 ({@link InvalidInput}) naming it.</li>
 * </ol>
 */
public final class RouteTable {

    /** Raw paths longer than this match no route. */
    public static final int MAX_PATH_LENGTH = 2048;
    /** The longest decoded path parameter, in characters. */
    public static final int MAX_PARAMETER_LENGTH = 256;

    private static final RouteTable DEPLOYED = new RouteTable(MeshfedRoutes.declare(), false);
    private static final RouteTable LOCAL = new RouteTable(MeshfedRoutes.declare(), true);

    private final List<Route> routes;
    private final List<Compiled> compiled;
    private final FunctionName defaultFunction;

    /**
     * A table of {@code routes}; with {@code includeDevOnly} false, the {@link Route.Exposure#DEV_ONLY}
     * routes are left out.
     *
     * @throws IllegalArgumentException if two routes have the same template or the same shape
     */
    public RouteTable(List<Route> routes, boolean includeDevOnly) {
        List<Route> kept = new ArrayList<>();
        for (Route r : routes) {
            if (includeDevOnly || r.exposure() == Route.Exposure.DEPLOYED) {
                kept.add(r);
            }
        }
        this.routes = List.copyOf(kept);
        List<Compiled> c = new ArrayList<>();
        Set<String> shapes = new HashSet<>();
        for (Route r : this.routes) {
            Compiled compiledRoute = new Compiled(r, Route.segmentsOf(r.template()));
            if (!shapes.add(compiledRoute.shape())) {
                throw new IllegalArgumentException("two routes of the same shape: " + r.template());
            }
            c.add(compiledRoute);
        }
        this.compiled = List.copyOf(c);
        this.defaultFunction = MeshfedRoutes.DEFAULT_ROUTE_FUNCTION;
    }

    /** The routes every deployment serves. */
    public static RouteTable deployed() {
        return DEPLOYED;
    }

    /** The deployed routes plus the {@code /v1/dev/} controls, as {@code meshfed dev} serves them. */
    public static RouteTable local() {
        return LOCAL;
    }

    /** The routes in declaration order. */
    public List<Route> routes() {
        return routes;
    }

    /** The route with exactly this template. */
    public Optional<Route> route(String template) {
        return routes.stream().filter(r -> r.template().equals(template)).findFirst();
    }

    /** The function behind API Gateway's {@code $default} route, which answers 404 for unknown paths. */
    public FunctionName defaultRouteFunction() {
        return defaultFunction;
    }

    /** Matches {@code request}'s method and raw path. */
    public RouteMatch match(HttpRequest request) {
        return match(request.method(), request.rawPath());
    }

    /**
     * Matches {@code method} and {@code rawPath} (see the class comment).
     *
     * @throws InvalidInput when the route is found but a path parameter is malformed
     */
    public RouteMatch match(String method, String rawPath) {
        Optional<Compiled> found = find(rawPath);
        if (found.isEmpty()) {
            return new RouteMatch.NotFound(rawPath);
        }
        Compiled best = found.get();
        String[] segments = rawPath.substring(1).split("/", -1);
        Route route = best.route;
        FunctionName function = route.methods().get(method);
        if (function == null) {
            return method.equals("OPTIONS")
                    ? new RouteMatch.Options(route)
                    : new RouteMatch.MethodNotAllowed(route, method);
        }
        Map<String, String> parameters = new HashMap<>();
        for (int i = 0; i < segments.length; i++) {
            String name = best.parameters[i];
            if (name != null) {
                parameters.put(name, decodeParameter(name, segments[i]));
            }
        }
        return new RouteMatch.Found(route, function, parameters);
    }

    /**
     * The route whose template {@code rawPath} selects (steps 1 and 2 of the class comment), without
     * looking at the method or decoding parameters: what API Gateway's route selection sees.
     */
    public Optional<Route> routeAt(String rawPath) {
        return find(rawPath).map(c -> c.route);
    }

    private Optional<Compiled> find(String rawPath) {
        if (rawPath == null || rawPath.length() > MAX_PATH_LENGTH || !rawPath.startsWith("/")) {
            return Optional.empty();
        }
        String[] segments = rawPath.substring(1).split("/", -1);
        Compiled best = null;
        for (Compiled c : compiled) {
            if (c.matches(segments) && (best == null || c.moreSpecificThan(best))) {
                best = c;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * API Gateway's routes for this table, in declaration order, then {@code $default}: per path,
     * {@code ANY <template>} to the route's {@link Route#otherMethods()} function, plus
     * {@code <METHOD> <template>} for each method another function serves (API Gateway prefers a
     * route with the exact method over {@code ANY}).
     */
    public List<ApiGatewayRoute> apiGatewayRoutes() {
        Map<String, ApiGatewayRoute> out = new LinkedHashMap<>();
        for (Route r : routes) {
            if (r.exposure() != Route.Exposure.DEPLOYED) {
                continue;
            }
            put(out, new ApiGatewayRoute("ANY " + r.template(), r.otherMethods(), r.authorization()));
            r.methods().forEach((method, function) -> {
                if (function != r.otherMethods()) {
                    put(out, new ApiGatewayRoute(method + " " + r.template(), function, r.authorization()));
                }
            });
        }
        put(out, new ApiGatewayRoute(ApiGatewayRoute.DEFAULT_ROUTE_KEY, defaultFunction, Route.Authorization.NONE));
        return List.copyOf(out.values());
    }

    /** The route keys of {@link #apiGatewayRoutes()}, for checking SAM and Terraform against. */
    public List<String> apiGatewayRouteKeys() {
        return apiGatewayRoutes().stream().map(ApiGatewayRoute::routeKey).toList();
    }

    private static void put(Map<String, ApiGatewayRoute> out, ApiGatewayRoute route) {
        if (out.putIfAbsent(route.routeKey(), route) != null) {
            throw new IllegalStateException("route key twice: " + route.routeKey());
        }
    }

    private static String decodeParameter(String name, String raw) {
        String context = "path parameter " + name;
        String value = PercentDecoding.decode(raw, false, context);
        if (value.indexOf('/') >= 0) {
            throw new InvalidInput("invalid " + context + ": contains /");
        }
        if (value.codePointCount(0, value.length()) > MAX_PARAMETER_LENGTH) {
            throw new InvalidInput("invalid " + context + ": longer than " + MAX_PARAMETER_LENGTH + " characters");
        }
        if (!value.codePoints().allMatch(RouteTable::isPrint)) {
            throw new InvalidInput("invalid " + context + ": contains a character that is not printable");
        }
        return value;
    }

    /** Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    static boolean isPrint(int cp) {
        if (cp == ' ') {
            return true;
        }
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER,
                    Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK,
                    Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER,
                    Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION,
                    Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                    Character.OTHER_SYMBOL -> {
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * A route with its template split into segments, each classified once: every request is
     * matched against every route, so matching compares strings and never runs a regex.
     */
    private static final class Compiled {
        final Route route;
        final List<String> segments;
        /** Per segment: the parameter's name, or null for a literal. */
        final String[] parameters;

        Compiled(Route route, List<String> segments) {
            this.route = route;
            this.segments = segments;
            this.parameters = new String[segments.size()];
            for (int i = 0; i < parameters.length; i++) {
                String t = segments.get(i);
                parameters[i] = Route.isParameter(t) ? Route.parameterName(t) : null;
            }
        }

        boolean matches(String[] path) {
            if (path.length != parameters.length) {
                return false;
            }
            for (int i = 0; i < path.length; i++) {
                if (path[i].isEmpty()) {
                    return false;
                }
                if (parameters[i] == null && !segments.get(i).equals(path[i])) {
                    return false;
                }
            }
            return true;
        }

        /** Literal beats parameter at the first position where the two differ in kind. */
        boolean moreSpecificThan(Compiled other) {
            for (int i = 0; i < parameters.length; i++) {
                boolean mine = parameters[i] == null;
                boolean theirs = other.parameters[i] == null;
                if (mine != theirs) {
                    return mine;
                }
            }
            return false;
        }

        /** The template with every parameter written as {@code {}}: equal shapes would be ambiguous. */
        String shape() {
            List<String> s = new ArrayList<>();
            for (int i = 0; i < parameters.length; i++) {
                s.add(parameters[i] != null ? "{}" : segments.get(i));
            }
            return "/" + String.join("/", s);
        }
    }

    @Override
    public String toString() {
        return "RouteTable" + Collections.unmodifiableList(routes.stream().map(Route::template).toList());
    }
}
