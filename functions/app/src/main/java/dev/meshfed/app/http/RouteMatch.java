package dev.meshfed.app.http;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What {@link RouteTable#match} found for a method and path. */
public sealed interface RouteMatch {

    /** A route allows the method: the function to run and the decoded, validated path parameters. */
    record Found(Route route, FunctionName function, Map<String, String> pathParameters) implements RouteMatch {
        public Found {
            Objects.requireNonNull(route, "route");
            Objects.requireNonNull(function, "function");
            pathParameters = Map.copyOf(pathParameters);
        }

        /**
         * The decoded value of path parameter {@code name}.
         *
         * @throws IllegalArgumentException if the route has no such parameter (a programming error)
         */
        public String pathParameter(String name) {
            String value = pathParameters.get(name);
            if (value == null) {
                throw new IllegalArgumentException(route.template() + " has no parameter " + name);
            }
            return value;
        }
    }

    /**
     * The path is known but does not allow the method: 405 with Consul's text
     * {@code method DELETE not allowed} and the {@code Allow} header.
     */
    record MethodNotAllowed(Route route, String method) implements RouteMatch {
        public HttpResponse response() {
            return HttpResponse.text(405, "method " + safeMethod(method) + " not allowed")
                    .withHeader("Allow", route.allowHeader());
        }
    }

    /** {@code OPTIONS} on a known path: 200, empty body, the {@code Allow} header (as Consul answers). */
    record Options(Route route) implements RouteMatch {
        public HttpResponse response() {
            return HttpResponse.empty(200).withHeader("Allow", route.allowHeader());
        }
    }

    /** No route has this path: 404 with the plain text Consul's agent answers for an unknown path. */
    record NotFound(String rawPath) implements RouteMatch {
        /** Consul's text for an unknown path under {@code /v1/}. */
        public static final String UNKNOWN_ENDPOINT = "Invalid URL path: not a recognized HTTP API endpoint";
        /** Consul's text for a path outside {@code /v1/}. */
        public static final String NOT_API_PATH =
                "Invalid URL path: if attempting to use the HTTP API, ensure the path starts with '/v1/'";

        public HttpResponse response() {
            // Consul writes these with Fprintln, so the line ends with a newline.
            return HttpResponse.text(404, (rawPath.contains("/v1/") ? UNKNOWN_ENDPOINT : NOT_API_PATH) + "\n");
        }
    }

    /** The response for a match that runs no function; empty for {@link Found}. */
    default Optional<HttpResponse> refusal() {
        if (this instanceof MethodNotAllowed m) {
            return Optional.of(m.response());
        }
        if (this instanceof Options o) {
            return Optional.of(o.response());
        }
        if (this instanceof NotFound n) {
            return Optional.of(n.response());
        }
        return Optional.empty();
    }

    /** The method echoed in a 405 body: an HTTP token of at most 32 characters, anything else as {@code ?}. */
    private static String safeMethod(String method) {
        String bounded = method.length() > 32 ? method.substring(0, 32) : method;
        StringBuilder out = new StringBuilder(bounded.length());
        for (int i = 0; i < bounded.length(); i++) {
            char c = bounded.charAt(i);
            boolean token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            out.append(token ? c : '?');
        }
        return out.toString();
    }
}
