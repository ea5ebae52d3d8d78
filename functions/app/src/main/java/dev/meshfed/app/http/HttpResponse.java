package dev.meshfed.app.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP response: status, headers and a text body. Immutable; the {@code with...} methods return
 * a new response. Header names are unique case-insensitively and keep the spelling and order in
 * which they were first set (the Lambda shim copies them into API Gateway's response as they are).
 */
public final class HttpResponse {

    /** {@code Content-Type} of every plain-text body meshfed writes, as Go's net/http sets it. */
    public static final String TEXT_PLAIN = "text/plain; charset=utf-8";
    /** {@code Content-Type} of JSON bodies, as Consul sets it. */
    public static final String APPLICATION_JSON = "application/json";

    private final int status;
    private final Map<String, String> headers;
    private final String body;

    private HttpResponse(int status, Map<String, String> headers, String body) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status out of range: " + status);
        }
        this.status = status;
        this.headers = Collections.unmodifiableMap(headers);
        this.body = Objects.requireNonNull(body, "body");
    }

    /** A response with {@code status}, no headers and an empty body. */
    public static HttpResponse empty(int status) {
        return new HttpResponse(status, new LinkedHashMap<>(), "");
    }

    /** A plain-text response ({@value #TEXT_PLAIN}). */
    public static HttpResponse text(int status, String body) {
        return empty(status).withHeader("Content-Type", TEXT_PLAIN).withBody(body);
    }

    /** A JSON response ({@value #APPLICATION_JSON}); {@code json} is already encoded. */
    public static HttpResponse json(int status, String json) {
        return empty(status).withHeader("Content-Type", APPLICATION_JSON).withBody(json);
    }

    public int status() {
        return status;
    }

    /** Every header in the order first set; unmodifiable. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The header's value, looked up case-insensitively. */
    public Optional<String> header(String name) {
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    public String body() {
        return body;
    }

    /**
     * This response with header {@code name} set to {@code value}, replacing any value under the
     * same name in any case.
     *
     * @throws IllegalArgumentException if the name is not an HTTP token or the value holds a control
     *     character other than a tab (no header injection, whatever a caller passes)
     */
    public HttpResponse withHeader(String name, String value) {
        checkName(name);
        checkValue(name, value);
        Map<String, String> copy = new LinkedHashMap<>();
        boolean replaced = false;
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                copy.put(e.getKey(), value);
                replaced = true;
            } else {
                copy.put(e.getKey(), e.getValue());
            }
        }
        if (!replaced) {
            copy.put(name, value);
        }
        return new HttpResponse(status, copy, body);
    }

    /** This response with {@code body}. */
    public HttpResponse withBody(String body) {
        return new HttpResponse(status, new LinkedHashMap<>(headers), body);
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("header name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!token) {
                throw new IllegalArgumentException("header name is not an HTTP token");
            }
        }
    }

    private static void checkValue(String name, String value) {
        Objects.requireNonNull(value, "value");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new IllegalArgumentException("header " + name + " has a control character in its value");
            }
        }
    }

    @Override
    public String toString() {
        return "HttpResponse[" + status + ", " + headers.keySet() + ", " + body.length() + " chars]";
    }
}
