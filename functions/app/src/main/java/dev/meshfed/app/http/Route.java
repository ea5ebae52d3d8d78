package dev.meshfed.app.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One path of the HTTP API with the methods it allows and the function serving each.
 *
 * <p>{@link #template()} is written as API Gateway writes route paths: literal segments and
 * single-segment parameters such as {@code {service}}. {@link #methods()} maps each allowed method,
 * in the order of the {@code Allow} header, to its function; usually one function serves them all,
 * but a path may be split ({@code GET /v1/connect/ca/configuration} is a read in
 * {@code fetch-roots}, {@code PUT} a write in {@code ca-admin}). {@link #otherMethods()} is the
 * function that API Gateway's {@code ANY} route for the path reaches: it serves its own methods and
 * answers every other method with 405 (and {@code OPTIONS} with the {@code Allow} list).
 *
 * @param template      the path template, for example {@code /v1/agent/connect/ca/leaf/{service}}
 * @param methods       allowed methods, in {@code Allow} order, to the function serving each
 * @param otherMethods  the function behind {@code ANY <template>}
 * @param exposure      deployed, or only in {@code meshfed dev}
 * @param authorization what API Gateway checks before the function runs
 * @param primaryOwned  the methods that are writes owned by the primary (architecture.md flow 6): a
 *                      secondary forwards them to the primary's API, the primary applies them once
 *                      per idempotency key ({@code dev.meshfed.app.forwarding.PrimaryWrites}); a
 *                      subset of {@code methods}
 */
public record Route(String template, Map<String, FunctionName> methods, FunctionName otherMethods,
                    Exposure exposure, Authorization authorization, Set<String> primaryOwned) {

    /** Where a route exists. */
    public enum Exposure {
        /** In every deployment and in {@code meshfed dev}. */
        DEPLOYED,
        /** Only in {@code meshfed dev} (the {@code /v1/dev/} controls); absent from SAM and Terraform. */
        DEV_ONLY
    }

    /** The authorization API Gateway applies to the route. */
    public enum Authorization {
        /** None at the gateway; the function checks the Consul token. */
        NONE,
        /** AWS IAM (SigV4): only the operator's AWS identity gets through (bootstrap, membership). */
        AWS_IAM
    }

    /** A method token as HTTP defines it, upper-case by convention. */
    private static final Pattern METHOD = Pattern.compile("[A-Z]+");
    private static final Pattern LITERAL = Pattern.compile("[a-z0-9._-]+");
    private static final Pattern PARAMETER = Pattern.compile("\\{([a-z][A-Za-z0-9]*)}");

    public Route {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(otherMethods, "otherMethods");
        Objects.requireNonNull(exposure, "exposure");
        Objects.requireNonNull(authorization, "authorization");
        if (methods == null || methods.isEmpty()) {
            throw new IllegalArgumentException(template + ": no methods");
        }
        methods = Collections.unmodifiableMap(new LinkedHashMap<>(methods));
        for (String m : methods.keySet()) {
            if (!METHOD.matcher(m).matches() || m.equals("OPTIONS")) {
                throw new IllegalArgumentException(template + ": bad method " + m);
            }
        }
        if (methods.values().stream().distinct().count() > 1 && !methods.containsValue(otherMethods)) {
            throw new IllegalArgumentException(template + ": the ANY function must serve one of the methods");
        }
        if (methods.values().stream().distinct().count() == 1 && !methods.containsValue(otherMethods)) {
            throw new IllegalArgumentException(template + ": the ANY function must be the path's function");
        }
        segmentsOf(template); // validates
        primaryOwned = primaryOwned == null ? Set.of() : Set.copyOf(primaryOwned);
        for (String m : primaryOwned) {
            if (!methods.containsKey(m)) {
                throw new IllegalArgumentException(template + ": primary-owned method " + m + " is not allowed");
            }
        }
        if (!primaryOwned.isEmpty() && authorization == Authorization.AWS_IAM) {
            // IAM routes (bootstrap, membership) are the operator's, in the primary only: never forwarded.
            throw new IllegalArgumentException(template + ": an AWS IAM route is never forwarded");
        }
    }

    /** A route with no primary-owned methods. */
    public Route(String template, Map<String, FunctionName> methods, FunctionName otherMethods,
                 Exposure exposure, Authorization authorization) {
        this(template, methods, otherMethods, exposure, authorization, Set.of());
    }

    /** A route whose every method is served by {@code function}, with no gateway authorization. */
    public static Route of(String template, FunctionName function, String... methods) {
        Map<String, FunctionName> map = new LinkedHashMap<>();
        for (String m : methods) {
            map.put(m, function);
        }
        Exposure exposure = function == FunctionName.DEV_CONTROLS ? Exposure.DEV_ONLY : Exposure.DEPLOYED;
        return new Route(template, map, function, exposure, Authorization.NONE);
    }

    /** This route with AWS IAM authorization at the gateway. */
    public Route withAwsIam() {
        return new Route(template, methods, otherMethods, exposure, Authorization.AWS_IAM, primaryOwned);
    }

    /**
     * This route with {@code methods} marked as writes owned by the primary: in a secondary they are
     * forwarded to the primary, in the primary they are applied once per idempotency key.
     *
     * @throws IllegalArgumentException if a method is not one the route allows, or the route is an
     *     AWS IAM route (those run in the primary only and are never forwarded)
     */
    public Route withPrimaryOwned(String... methods) {
        Set<String> owned = new java.util.HashSet<>(primaryOwned);
        owned.addAll(List.of(methods));
        return new Route(template, this.methods, otherMethods, exposure, authorization, owned);
    }

    /** Whether {@code method} on this route is a write owned by the primary (case-sensitive, as methods are). */
    public boolean primaryOwned(String method) {
        return primaryOwned.contains(method);
    }

    /**
     * This route with {@code method} served by {@code function} (added after the existing methods).
     * A path served by two functions must then name its {@code ANY} function with
     * {@link #withOtherMethods}; until then the first function keeps it.
     */
    public Route plus(String method, FunctionName function) {
        Map<String, FunctionName> map = new LinkedHashMap<>(methods);
        map.put(method, function);
        return new Route(template, map, otherMethods, exposure, authorization, primaryOwned);
    }

    /** This route with {@code function} behind API Gateway's {@code ANY} route for the path. */
    public Route withOtherMethods(FunctionName function) {
        return new Route(template, methods, function, exposure, authorization, primaryOwned);
    }

    /** The allowed methods, in {@code Allow} order. */
    public Set<String> allowedMethods() {
        return methods.keySet();
    }

    /** The functions serving this path, in order of first appearance. */
    public List<FunctionName> functions() {
        return methods.values().stream().distinct().toList();
    }

    /**
     * The {@code Allow} header as Consul writes it: {@code OPTIONS} first, then the methods, joined
     * by commas without spaces ({@code OPTIONS,GET,PUT}).
     */
    public String allowHeader() {
        return "OPTIONS," + String.join(",", methods.keySet());
    }

    /** The names of the path parameters, left to right. */
    public List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        for (String s : segmentsOf(template)) {
            var m = PARAMETER.matcher(s);
            if (m.matches()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Whether the template has no parameters. */
    public boolean exact() {
        return parameterNames().isEmpty();
    }

    static boolean isParameter(String segment) {
        return PARAMETER.matcher(segment).matches();
    }

    static String parameterName(String segment) {
        var m = PARAMETER.matcher(segment);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a parameter: " + segment);
        }
        return m.group(1);
    }

    /** Splits and validates a template: {@code /} then non-empty literal or parameter segments. */
    static List<String> segmentsOf(String template) {
        if (!template.startsWith("/") || template.endsWith("/")) {
            throw new IllegalArgumentException(template + ": a template starts with / and does not end with /");
        }
        List<String> segments = List.of(template.substring(1).split("/", -1));
        List<String> names = new ArrayList<>();
        for (String s : segments) {
            if (PARAMETER.matcher(s).matches()) {
                String name = parameterName(s);
                if (names.contains(name)) {
                    throw new IllegalArgumentException(template + ": parameter " + name + " twice");
                }
                names.add(name);
            } else if (!LITERAL.matcher(s).matches()) {
                throw new IllegalArgumentException(template + ": bad segment " + s);
            }
        }
        return segments;
    }
}
