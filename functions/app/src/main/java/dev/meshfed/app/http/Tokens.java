package dev.meshfed.app.http;

import dev.meshfed.app.auth.Token;
import dev.meshfed.core.error.InvalidInput;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the token a request carries, in the three places Consul reads it, in Consul's order
 * ({@code parseTokenInternal} in Consul's {@code agent/http.go}):
 * <ol>
 *   <li>the {@code token} query parameter;</li>
 *   <li>the {@code X-Consul-Token} header;</li>
 *   <li>{@code Authorization: Bearer <token>}: the scheme compared case-insensitively, the first
 *       space-separated word after it taken, any other scheme ignored (so SigV4's
 *       {@code AWS4-HMAC-SHA256 ...} never reads as a token).</li>
 * </ol>
 * Empty values count as absent, as in Consul; no token at all is {@link Token#ANONYMOUS}.
 *
 * <p>Where Consul takes the first source silently, meshfed refuses ambiguity and garbage with a
 * 400 ({@link InvalidInput}) that names the source (meshfed; docs/http-api.md):
 * <ul>
 *   <li>two different tokens, in different places or repeated in one (a repeated header arrives
 *       joined by commas from API Gateway): {@code conflicting tokens: ...}; the same token twice is
 *       fine;</li>
 *   <li>a token over {@value #MAX_LENGTH} characters;</li>
 *   <li>a character outside RFC 6750's {@code b64token} set (letters, digits and
 *       {@code - . _ ~ + / =}): control characters, spaces, commas, non-ASCII. Consul's own secrets
 *       are UUIDs, so no real token is refused.</li>
 * </ul>
 * Consul would instead look the odd value up and answer 403 {@code ACL not found} with ACLs on, or
 * ignore it with ACLs off; a 400 tells the client what is wrong and keeps such text away from the
 * token store and the logs.
 */
public final class Tokens {

    /** The longest token accepted. */
    public static final int MAX_LENGTH = 256;

    /** The query parameter Consul reads a token from. */
    public static final String QUERY_PARAMETER = "token";
    /** Consul's token header. */
    public static final String HEADER = "X-Consul-Token";
    /** The standard header carrying {@code Bearer <token>}. */
    public static final String AUTHORIZATION = "Authorization";

    private Tokens() {
    }

    /**
     * The request's token, or {@link Token#ANONYMOUS} when it carries none.
     *
     * @throws InvalidInput for conflicting, overlong or malformed tokens, or a malformed query string
     */
    public static Token extract(HttpRequest request) {
        List<String> found = new ArrayList<>(2);
        for (String v : request.query().all(QUERY_PARAMETER)) {
            if (!v.isEmpty()) {
                found.add(check(v, "the token query parameter"));
            }
        }
        Optional<String> header = request.header(HEADER);
        if (header.isPresent()) {
            // API Gateway joins a repeated header with commas; a comma is never part of a token.
            for (String v : header.get().split(",", -1)) {
                String trimmed = trimOws(v);
                if (!trimmed.isEmpty()) {
                    found.add(check(trimmed, HEADER));
                }
            }
        }
        Optional<String> bearer = request.header(AUTHORIZATION).flatMap(Tokens::bearer);
        bearer.ifPresent(v -> found.add(check(v, "the Authorization header")));

        Set<String> distinct = new LinkedHashSet<>(found);
        if (distinct.size() > 1) {
            throw new InvalidInput("conflicting tokens: the request carries " + distinct.size()
                    + " different tokens (token query parameter, X-Consul-Token, Authorization: Bearer)");
        }
        return distinct.isEmpty() ? Token.ANONYMOUS : Token.of(distinct.iterator().next());
    }

    /** The token of {@code Authorization: Bearer <token>}, parsed as Consul parses it. */
    private static Optional<String> bearer(String authorization) {
        String[] parts = authorization.split(" ", -1);
        if (parts.length < 2 || !parts[0].equalsIgnoreCase("bearer")) {
            return Optional.empty();
        }
        String value = authorization.substring(parts[0].length() + 1).strip();
        int space = value.indexOf(' ');
        String first = (space < 0 ? value : value.substring(0, space)).strip();
        return first.isEmpty() ? Optional.empty() : Optional.of(first);
    }

    private static String check(String token, String source) {
        if (token.length() > MAX_LENGTH) {
            throw new InvalidInput("invalid token in " + source + ": longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean b64token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~+/=".indexOf(c) >= 0;
            if (!b64token) {
                throw new InvalidInput("invalid token in " + source
                        + ": only letters, digits and - . _ ~ + / = are allowed");
            }
        }
        return token;
    }

    /** Strips HTTP's optional whitespace (spaces and tabs), as Go's header parsing does. */
    private static String trimOws(String v) {
        int start = 0;
        int end = v.length();
        while (start < end && (v.charAt(start) == ' ' || v.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (v.charAt(end - 1) == ' ' || v.charAt(end - 1) == '\t')) {
            end--;
        }
        return v.substring(start, end);
    }
}
