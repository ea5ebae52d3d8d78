package dev.meshfed.app.http;

import dev.meshfed.core.error.InvalidInput;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP request as a function sees it, whichever gateway delivered it: API Gateway (converted
 * from the payload 2.0 event by the Lambda shim) or the local gateway of {@code meshfed dev}.
 * Immutable.
 *
 * <ul>
 *   <li>{@link #method()} as sent (HTTP methods are case-sensitive; {@code get} is not {@code GET}).</li>
 *   <li>{@link #rawPath()} still percent-encoded, as API Gateway's {@code rawPath}; the route table
 *       decodes path parameters.</li>
 *   <li>{@link #rawQueryString()} without the {@code ?}, still encoded; {@link #query()} parses it.</li>
 *   <li>Header names are case-insensitive. A header sent twice arrives once with its values joined
 *       by commas (API Gateway does that; the builder does the same when given two spellings of
 *       one name).</li>
 *   <li>The body as bytes: the caller has already decoded a base64-encoded body.</li>
 * </ul>
 */
public final class HttpRequest {

    private final String method;
    private final String rawPath;
    private final String rawQueryString;
    private final Map<String, String> headers;
    private final byte[] body;
    private final String sourceIp;
    private volatile QueryString query; // parsed on first use; immutable, so a race only parses twice

    private HttpRequest(Builder b) {
        this.method = b.method;
        this.rawPath = b.rawPath;
        this.rawQueryString = b.rawQueryString;
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(b.headers);
        this.headers = Collections.unmodifiableMap(copy);
        this.body = b.body;
        this.sourceIp = b.sourceIp;
    }

    /** A request for {@code method} and {@code rawPath} with no query, headers or body. */
    public static Builder builder(String method, String rawPath) {
        return new Builder(method, rawPath);
    }

    public String method() {
        return method;
    }

    public String rawPath() {
        return rawPath;
    }

    /** The raw query string without {@code ?}; {@code ""} when there is none. */
    public String rawQueryString() {
        return rawQueryString;
    }

    /**
     * The parsed query string.
     *
     * @throws InvalidInput when the query string is malformed or over its limits (see {@link QueryString#parse})
     */
    public QueryString query() {
        QueryString q = query;
        if (q == null) {
            q = QueryString.parse(rawQueryString);
            query = q;
        }
        return q;
    }

    /** The header's value, looked up case-insensitively. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    /** Every header, keyed case-insensitively; unmodifiable. */
    public Map<String, String> headers() {
        return headers;
    }

    /** A copy of the body bytes; empty when there is no body. */
    public byte[] body() {
        return body.clone();
    }

    public int bodyLength() {
        return body.length;
    }

    public boolean hasBody() {
        return body.length > 0;
    }

    /**
     * The body as text.
     *
     * @throws InvalidInput {@code request body is not valid UTF-8}
     */
    public String bodyUtf8() {
        return Utf8.decode(body).orElseThrow(() -> new InvalidInput("request body is not valid UTF-8"));
    }

    /** The client's address as the gateway saw it; {@code ""} when unknown. */
    public String sourceIp() {
        return sourceIp;
    }

    @Override
    public String toString() {
        // Path only: the query and headers may carry a token.
        return method + " " + rawPath;
    }

    /** Builds an {@link HttpRequest}; not thread-safe. */
    public static final class Builder {
        private final String method;
        private final String rawPath;
        private String rawQueryString = "";
        private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private byte[] body = new byte[0];
        private String sourceIp = "";

        private Builder(String method, String rawPath) {
            this.method = Objects.requireNonNull(method, "method");
            this.rawPath = Objects.requireNonNull(rawPath, "rawPath");
        }

        /** Sets the raw query string; {@code null} means none. */
        public Builder rawQueryString(String rawQueryString) {
            this.rawQueryString = rawQueryString == null ? "" : rawQueryString;
            return this;
        }

        /** Adds a header; a second value under the same name (in any case) is joined with a comma. */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            headers.merge(name, value, (a, b) -> a + "," + b);
            return this;
        }

        /** Adds every header of {@code map}; {@code null} means none. */
        public Builder headers(Map<String, String> map) {
            if (map != null) {
                map.forEach((k, v) -> {
                    if (k != null && v != null) {
                        header(k, v);
                    }
                });
            }
            return this;
        }

        /** Sets the body bytes (copied); {@code null} means none. */
        public Builder body(byte[] bytes) {
            this.body = bytes == null ? new byte[0] : Arrays.copyOf(bytes, bytes.length);
            return this;
        }

        /** Sets the body as UTF-8 text; {@code null} means none. */
        public Builder body(String text) {
            this.body = text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        public Builder sourceIp(String sourceIp) {
            this.sourceIp = sourceIp == null ? "" : sourceIp;
            return this;
        }

        public HttpRequest build() {
            return new HttpRequest(this);
        }
    }
}
