package dev.meshfed.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.error.InvalidInput;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BodyLimitsTest {

    @Test
    void bodyOfExactly64KiBIsAccepted() {
        BodyLimits.check(HttpRequest.builder("POST", "/").body(new byte[65536]).build());
    }

    @Test
    void bodyOf64KiBPlusOneIs413WithConsulsText() {
        HttpRequest r = HttpRequest.builder("POST", "/v1/connect/ca/sign").body(new byte[65537]).build();
        assertThatThrownBy(() -> BodyLimits.check(r))
                .isInstanceOfSatisfying(HttpRefusal.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.response().body()).isEqualTo("Request body too large, max size: 65536 bytes");
                    assertThat(e.response().header("Content-Type")).hasValue("text/plain; charset=utf-8");
                });
    }

    @Test
    void base64BodyIsDecodedWithinTheLimit() {
        byte[] body = new byte[65536];
        body[0] = 7;
        assertThat(BodyLimits.decodeBase64(Base64.getEncoder().encodeToString(body))).isEqualTo(body);
        assertThat(BodyLimits.decodeBase64(null)).isEmpty();
        assertThat(BodyLimits.decodeBase64("")).isEmpty();
    }

    @Test
    void base64BodyOverTheLimitIs413() {
        String encoded = Base64.getEncoder().encodeToString(new byte[65537]);
        assertThatThrownBy(() -> BodyLimits.decodeBase64(encoded)).isInstanceOf(HttpRefusal.class);
    }

    @Test
    void hugeBase64BodyIsRefusedFromItsLengthBeforeDecoding() {
        String encoded = "!".repeat(6_000_000); // not even base64: refused by size first
        assertThatThrownBy(() -> BodyLimits.decodeBase64(encoded))
                .isInstanceOfSatisfying(HttpRefusal.class, e -> assertThat(e.status()).isEqualTo(413));
    }

    @Test
    void malformedBase64Is400() {
        assertThatThrownBy(() -> BodyLimits.decodeBase64("not base64!"))
                .isInstanceOf(InvalidInput.class).hasMessage("request body is not valid base64");
    }
}
