package dev.meshfed.dev;

import dev.meshfed.app.http.ApiGatewayRoute;
import dev.meshfed.app.http.RouteTable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * API Gateway's route selection over the route keys {@link RouteTable#apiGatewayRoutes()} declares:
 * which key ({@code GET /v1/connect/ca/configuration}, {@code ANY /v1/connect/ca/roots},
 * {@code $default}) a method and raw path select, so the local gateway's events carry the
 * {@code routeKey} a deployment's would.
 *
 * <p>Selection, as API Gateway does it: a template matches when it has as many segments as the path,
 * each literal equal (case-sensitive, not decoded) and each {@code {parameter}} non-empty; of the
 * matching templates the most specific wins (a literal beats a parameter at the first position where
 * they differ); on that template the key with the exact method wins over {@code ANY}. Nothing
 * matches: {@code $default}. Unlike {@link RouteTable#match}, path parameters are not decoded or
 * validated: API Gateway routes a malformed parameter and the function refuses it. Routes that are
 * not deployed (the {@code /v1/dev/} controls) have no key, so they select {@code $default}.
 */
final class RouteKeys {

    private final List<Template> templates;

    private RouteKeys(List<Template> templates) {
        this.templates = List.copyOf(templates);
    }

    /** The keys of {@code table}'s API Gateway routes. */
    static RouteKeys of(RouteTable table) {
        Map<String, Map<String, String>> byTemplate = new LinkedHashMap<>();
        for (ApiGatewayRoute route : table.apiGatewayRoutes()) {
            String key = route.routeKey();
            if (key.equals(ApiGatewayRoute.DEFAULT_ROUTE_KEY)) {
                continue;
            }
            int space = key.indexOf(' ');
            if (space <= 0) {
                throw new IllegalArgumentException("route key without a method: " + key);
            }
            byTemplate.computeIfAbsent(key.substring(space + 1), t -> new HashMap<>())
                    .put(key.substring(0, space), key);
        }
        List<Template> templates = new ArrayList<>();
        byTemplate.forEach((template, keys) ->
                templates.add(new Template(List.of(template.substring(1).split("/", -1)), Map.copyOf(keys))));
        return new RouteKeys(templates);
    }

    /** The route key {@code method} on {@code rawPath} selects. */
    String routeKey(String method, String rawPath) {
        if (rawPath == null || rawPath.length() > RouteTable.MAX_PATH_LENGTH || !rawPath.startsWith("/")) {
            return ApiGatewayRoute.DEFAULT_ROUTE_KEY;
        }
        String[] segments = rawPath.substring(1).split("/", -1);
        Template best = null;
        for (Template t : templates) {
            if (t.matches(segments) && (best == null || t.moreSpecificThan(best))) {
                best = t;
            }
        }
        if (best == null) {
            return ApiGatewayRoute.DEFAULT_ROUTE_KEY;
        }
        String exact = best.keys.get(method);
        if (exact != null) {
            return exact;
        }
        return best.keys.getOrDefault("ANY", ApiGatewayRoute.DEFAULT_ROUTE_KEY);
    }

    /** One path template with its keys by method ({@code ANY} included). */
    private record Template(List<String> segments, Map<String, String> keys) {

        boolean matches(String[] path) {
            if (path.length != segments.size()) {
                return false;
            }
            for (int i = 0; i < path.length; i++) {
                if (path[i].isEmpty() || (!parameter(segments.get(i)) && !segments.get(i).equals(path[i]))) {
                    return false;
                }
            }
            return true;
        }

        boolean moreSpecificThan(Template other) {
            for (int i = 0; i < segments.size(); i++) {
                boolean mine = !parameter(segments.get(i));
                boolean theirs = !parameter(other.segments.get(i));
                if (mine != theirs) {
                    return mine;
                }
            }
            return false;
        }

        private static boolean parameter(String segment) {
            return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
        }
    }
}
