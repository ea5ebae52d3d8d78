package dev.meshfed.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.app.auth.Token;
import dev.meshfed.core.error.InvalidInput;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TokensTest {

    private static final String T = "8f2e0a3c-4a5b-4c6d-9e7f-0a1b2c3d4e5f";

    private static HttpRequest request(String query, Map<String, String> headers) {
        return HttpRequest.builder("GET", "/v1/agent/self").rawQueryString(query).headers(headers).build();
    }

    static Stream<Arguments> sources() {
        return Stream.of(
                Arguments.of("", Map.of(), ""),
                Arguments.of("token=" + T, Map.of(), T),
                Arguments.of("", Map.of("X-Consul-Token", T), T),
                Arguments.of("", Map.of("x-consul-token", " " + T + "\t"), T),
                Arguments.of("", Map.of("Authorization", "Bearer " + T), T),
                Arguments.of("", Map.of("authorization", "bEaReR " + T), T),
                Arguments.of("", Map.of("Authorization", "Bearer   " + T + "  "), T),
                Arguments.of("", Map.of("Authorization", "Bearer " + T + " trailing words"), T),
                Arguments.of("", Map.of("Authorization", "Basic dXNlcjpwYXNz"), ""),
                Arguments.of("", Map.of("Authorization", "AWS4-HMAC-SHA256 Credential=AKIA/x, SignedHeaders=host, Signature=ab"), ""),
                Arguments.of("", Map.of("Authorization", "Bearer"), ""),
                Arguments.of("", Map.of("Authorization", "Bearer "), ""),
                Arguments.of("", Map.of("Authorization", T), ""),
                Arguments.of("token=", Map.of(), ""),
                Arguments.of("", Map.of("X-Consul-Token", ""), ""),
                Arguments.of("token=" + T, Map.of("X-Consul-Token", T, "Authorization", "Bearer " + T), T),
                Arguments.of("token=" + T + "&token=" + T, Map.of(), T),
                Arguments.of("token=", Map.of("X-Consul-Token", T), T),
                Arguments.of("", Map.of("X-Consul-Token", T + "," + T), T),
                Arguments.of("token=abc%2Bdef%2F%3D", Map.of(), "abc+def/="));
    }

    @ParameterizedTest(name = "query={0} headers={1}")
    @MethodSource("sources")
    void tokenIsFoundInTheQueryTheConsulHeaderOrABearerAuthorization(String query, Map<String, String> headers, String secret) {
        Token token = Tokens.extract(request(query, headers));
        assertThat(token.secret()).isEqualTo(secret);
        assertThat(token.anonymous()).isEqualTo(secret.isEmpty());
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("token=a", Map.of("X-Consul-Token", "b"), "conflicting tokens"),
                Arguments.of("", Map.of("X-Consul-Token", "a", "Authorization", "Bearer b"), "conflicting tokens"),
                Arguments.of("token=a", Map.of("Authorization", "Bearer b"), "conflicting tokens"),
                Arguments.of("token=a&token=b", Map.of(), "conflicting tokens"),
                Arguments.of("", Map.of("X-Consul-Token", "a,b"), "conflicting tokens"),
                Arguments.of("token=" + "a".repeat(257), Map.of(), "invalid token in the token query parameter: longer than 256 characters"),
                Arguments.of("", Map.of("X-Consul-Token", "a".repeat(257)), "invalid token in X-Consul-Token: longer than 256 characters"),
                Arguments.of("", Map.of("Authorization", "Bearer " + "a".repeat(257)), "invalid token in the Authorization header: longer than 256"),
                Arguments.of("token=a%00b", Map.of(), "invalid token in the token query parameter: only letters, digits"),
                Arguments.of("token=a%0Ab", Map.of(), "invalid token in the token query parameter: only letters"),
                Arguments.of("token=a+b", Map.of(), "invalid token in the token query parameter: only letters"),
                Arguments.of("token=%C3%A9", Map.of(), "invalid token in the token query parameter: only letters"),
                Arguments.of("", Map.of("X-Consul-Token", "a\u0007b"), "invalid token in X-Consul-Token: only letters"),
                Arguments.of("", Map.of("X-Consul-Token", "a b"), "invalid token in X-Consul-Token: only letters"),
                Arguments.of("", Map.of("Authorization", "Bearer a\u001bb"), "invalid token in the Authorization header: only letters"),
                Arguments.of("", Map.of("Authorization", "Bearer a,Bearer b"), "invalid token in the Authorization header: only letters"),
                Arguments.of("token=%zz", Map.of(), "invalid query string: invalid URL escape"));
    }

    @ParameterizedTest(name = "query={0} headers={1}")
    @MethodSource("refused")
    void conflictingOverlongOrMalformedTokensAre400NamingTheProblem(String query, Map<String, String> headers, String message) {
        assertThatThrownBy(() -> Tokens.extract(request(query, headers)))
                .isInstanceOf(InvalidInput.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void tokenOfExactly256CharactersIsAccepted() {
        assertThat(Tokens.extract(request("", Map.of("X-Consul-Token", "a".repeat(256)))).secret()).hasSize(256);
    }

    @Test
    void errorTextsNeverEchoTheToken() {
        String secret = "s3cret-" + "x".repeat(300);
        assertThatThrownBy(() -> Tokens.extract(request("", Map.of("X-Consul-Token", secret))))
                .message().doesNotContain("s3cret");
        assertThatThrownBy(() -> Tokens.extract(request("token=s3cret", Map.of("X-Consul-Token", "other"))))
                .message().doesNotContain("s3cret").doesNotContain("other");
    }

    @Test
    void tokenNeverPrintsItsSecretAndComparesByValue() {
        Token t = Token.of(T);
        assertThat(t.toString()).doesNotContain(T).isEqualTo("Token[redacted]");
        assertThat(Token.ANONYMOUS.toString()).isEqualTo("Token[anonymous]");
        assertThat(t).isEqualTo(Token.of(T)).isNotEqualTo(Token.of("other")).isNotEqualTo(Token.ANONYMOUS);
        assertThat(Token.of("")).isSameAs(Token.ANONYMOUS);
    }
}
