package dev.meshfed.dev.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The demo's HTTP client: what any outside client of api.md does. Every call has a connect and a
 * request timeout; the token, when present, goes in {@code X-Consul-Token} and nowhere else. A
 * status other than 200 is a {@link Walk.StepFailed} naming the call, the status and the first
 * {@link #BODY_EXCERPT} characters of the body (the walk redacts the token from anything printed).
 */
final class ApiClient {

    /** Time to open a connection to a DC. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Time for a whole request, answer included (no call the demo makes blocks). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    /** How much of an error body is shown. */
    static final int BODY_EXCERPT = 200;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Optional<String> token;

    ApiClient(Optional<String> token) {
        this.token = token.filter(t -> !t.isEmpty());
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** {@code GET} a JSON object. */
    JsonNode getJson(Demo.Endpoint dc, String path) throws Walk.StepFailed, IOException, InterruptedException {
        return parse(dc, "GET " + path, call(dc, "GET " + path, request(dc, path).GET()));
    }

    /** {@code GET} a text body (PEM). */
    String getText(Demo.Endpoint dc, String path) throws Walk.StepFailed, IOException, InterruptedException {
        return call(dc, "GET " + path, request(dc, path).GET());
    }

    /** {@code POST} a JSON object, answer a JSON object. */
    JsonNode postJson(Demo.Endpoint dc, String path, JsonNode body)
            throws Walk.StepFailed, IOException, InterruptedException {
        HttpRequest.Builder b = request(dc, path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8));
        return parse(dc, "POST " + path, call(dc, "POST " + path, b));
    }

    /** {@code POST} a JSON object, answer the body as text (an empty 200, as the rotate route answers). */
    String postText(Demo.Endpoint dc, String path, JsonNode body) throws Walk.StepFailed, IOException, InterruptedException {
        HttpRequest.Builder b = request(dc, path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8));
        return call(dc, "POST " + path, b);
    }

    /** {@code PUT} a JSON object, answer the body as text (Consul's {@code true}). */
    String putText(Demo.Endpoint dc, String path, JsonNode body) throws Walk.StepFailed, IOException, InterruptedException {
        HttpRequest.Builder b = request(dc, path)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8));
        return call(dc, "PUT " + path, b);
    }

    /** {@code DELETE}, answer the body as text. */
    String deleteText(Demo.Endpoint dc, String path) throws Walk.StepFailed, IOException, InterruptedException {
        return call(dc, "DELETE " + path, request(dc, path).DELETE());
    }

    static ObjectMapper json() {
        return JSON;
    }

    private HttpRequest.Builder request(Demo.Endpoint dc, String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve(dc.baseUri(), path)).timeout(REQUEST_TIMEOUT);
        token.ifPresent(t -> b.header("X-Consul-Token", t));
        return b;
    }

    private String call(Demo.Endpoint dc, String what, HttpRequest.Builder b)
            throws Walk.StepFailed, IOException, InterruptedException {
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (java.net.http.HttpTimeoutException e) {
            throw new Walk.StepFailed(dc.datacenter() + ": " + what + " timed out");
        } catch (java.net.ConnectException e) {
            throw new Walk.StepFailed(dc.datacenter() + ": " + what + " could not connect to " + dc.baseUri());
        }
        if (r.statusCode() != 200) {
            throw new Walk.StepFailed(dc.datacenter() + ": " + what + " answered " + r.statusCode() + ": "
                    + excerpt(r.body()));
        }
        return r.body();
    }

    private static JsonNode parse(Demo.Endpoint dc, String what, String body) throws Walk.StepFailed {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw new Walk.StepFailed(dc.datacenter() + ": " + what + " did not answer a JSON object: " + excerpt(body));
            }
            return n;
        } catch (IOException e) {
            throw new Walk.StepFailed(dc.datacenter() + ": " + what + " answered invalid JSON: " + excerpt(body));
        }
    }

    /** The first {@link #BODY_EXCERPT} characters of a body, on one line. */
    static String excerpt(String body) {
        String one = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return one.length() <= BODY_EXCERPT ? one : one.substring(0, BODY_EXCERPT) + "...";
    }

    /** The base URI with the path (and query) appended, whether or not the base ends with a slash. */
    static URI resolve(URI base, String pathAndQuery) {
        String b = base.toString();
        if (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        return URI.create(b + pathAndQuery);
    }
}
