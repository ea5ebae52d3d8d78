package dev.meshfed.app.http;

import java.util.Map;
import java.util.Objects;

/**
 * A refusal that exists only at the HTTP layer and has no meaning in the core: an unknown path
 * (404 in Consul's words), a method the path does not allow (405 with {@code Allow}), a body over
 * the limit (413). It carries the exact response; {@link ErrorMapper} returns it unchanged.
 *
 * <p>Everything a function can refuse for a domain reason is a core error
 * ({@code dev.meshfed.core.error}); this type exists so that the sealed core vocabulary need not
 * know about HTTP.
 */
public final class HttpRefusal extends RuntimeException {

    private final transient HttpResponse response;

    /** A refusal answered with {@code response}, whose body is a one-line plain text. */
    public HttpRefusal(HttpResponse response) {
        super(Objects.requireNonNull(response, "response").body().strip(), null, false, false);
        this.response = response;
    }

    /** A plain-text refusal with {@code status}, {@code line} as body and extra {@code headers}. */
    public static HttpRefusal of(int status, String line, Map<String, String> headers) {
        HttpResponse r = HttpResponse.text(status, line);
        for (Map.Entry<String, String> e : headers.entrySet()) {
            r = r.withHeader(e.getKey(), e.getValue());
        }
        return new HttpRefusal(r);
    }

    public int status() {
        return response.status();
    }

    /** The response to send. */
    public HttpResponse response() {
        return response;
    }
}
