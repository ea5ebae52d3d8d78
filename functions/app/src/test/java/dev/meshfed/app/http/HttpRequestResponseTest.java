package dev.meshfed.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.error.InvalidInput;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpRequestResponseTest {

    @Test
    void headersAreCaseInsensitive() {
        HttpRequest r = HttpRequest.builder("GET", "/v1/agent/self")
                .headers(Map.of("x-consul-token", "abc", "Content-Type", "application/json"))
                .build();
        assertThat(r.header("X-Consul-Token")).hasValue("abc");
        assertThat(r.header("content-type")).hasValue("application/json");
        assertThat(r.headers()).containsKey("X-CONSUL-TOKEN");
        assertThat(r.header("Authorization")).isEmpty();
    }

    @Test
    void twoSpellingsOfOneHeaderAreJoinedWithACommaAsApiGatewayJoinsRepeatedHeaders() {
        HttpRequest r = HttpRequest.builder("GET", "/").header("X-Consul-Token", "a").header("x-consul-token", "b").build();
        assertThat(r.header("x-consul-token")).hasValue("a,b");
    }

    @Test
    void requestIsImmutable() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        HttpRequest r = HttpRequest.builder("POST", "/v1/connect/ca/sign").body(body).build();
        body[0] = 'x';
        assertThat(r.bodyUtf8()).isEqualTo("{}");
        r.body()[0] = 'y';
        assertThat(r.bodyUtf8()).isEqualTo("{}");
        assertThatThrownBy(() -> r.headers().put("a", "b")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void absentPartsHaveEmptyDefaults() {
        HttpRequest r = HttpRequest.builder("GET", "/v1/agent/self").rawQueryString(null).body((byte[]) null).sourceIp(null).build();
        assertThat(r.rawQueryString()).isEmpty();
        assertThat(r.query().isEmpty()).isTrue();
        assertThat(r.hasBody()).isFalse();
        assertThat(r.bodyLength()).isZero();
        assertThat(r.sourceIp()).isEmpty();
    }

    @Test
    void queryIsParsedFromTheRawQueryString() {
        HttpRequest r = HttpRequest.builder("GET", "/v1/connect/intentions/match").rawQueryString("by=source&name=a&name=b").build();
        assertThat(r.query().all("name")).containsExactly("a", "b");
        assertThat(r.query()).isSameAs(r.query());
    }

    @Test
    void malformedQueryIsInvalidInputWhenRead() {
        HttpRequest r = HttpRequest.builder("GET", "/v1/connect/ca/roots").rawQueryString("pem=%zz").build();
        assertThatThrownBy(r::query).isInstanceOf(InvalidInput.class);
    }

    @Test
    void bodyThatIsNotUtf8IsInvalidInputWhenReadAsText() {
        HttpRequest r = HttpRequest.builder("POST", "/").body(new byte[] {(byte) 0xC3, (byte) 0x28}).build();
        assertThatThrownBy(r::bodyUtf8).isInstanceOf(InvalidInput.class).hasMessage("request body is not valid UTF-8");
    }

    @Test
    void toStringShowsNeitherQueryNorHeaders() {
        HttpRequest r = HttpRequest.builder("GET", "/v1/agent/self").rawQueryString("token=s3cret")
                .header("X-Consul-Token", "t0ken").build();
        assertThat(r.toString()).isEqualTo("GET /v1/agent/self");
    }

    @Test
    void textResponseIsPlainUtf8AndJsonResponseIsApplicationJson() {
        assertThat(HttpResponse.text(400, "bad").header("content-type")).hasValue("text/plain; charset=utf-8");
        assertThat(HttpResponse.json(200, "{}").header("Content-Type")).hasValue("application/json");
        assertThat(HttpResponse.empty(204).body()).isEmpty();
    }

    @Test
    void withHeaderReplacesCaseInsensitivelyKeepingTheFirstSpellingAndReturnsANewResponse() {
        HttpResponse a = HttpResponse.text(200, "x");
        HttpResponse b = a.withHeader("content-type", "text/html").withHeader("X-Consul-Index", "7");
        assertThat(a.headers()).containsOnlyKeys("Content-Type");
        assertThat(b.headers()).containsExactly(Map.entry("Content-Type", "text/html"), Map.entry("X-Consul-Index", "7"));
    }

    @Test
    void headerInjectionIsRefused() {
        HttpResponse r = HttpResponse.empty(200);
        assertThatThrownBy(() -> r.withHeader("X-A", "a\r\nSet-Cookie: x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.withHeader("X A", "a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.withHeader("", "a")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statusOutsideHttpRangeIsRefused() {
        assertThatThrownBy(() -> HttpResponse.empty(42)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpResponse.empty(600)).isInstanceOf(IllegalArgumentException.class);
    }
}
