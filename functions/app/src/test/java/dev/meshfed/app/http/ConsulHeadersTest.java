package dev.meshfed.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConsulHeadersTest {

    @Test
    void readCarriesIndexKnownLeaderLastContactAndJsonContentType() {
        HttpResponse r = ConsulHeaders.jsonRead("{\"Roots\":[]}", 42, Duration.ofMillis(1234));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"Roots\":[]}");
        assertThat(r.header("Content-Type")).hasValue("application/json");
        assertThat(r.header("X-Consul-Index")).hasValue("42");
        assertThat(r.header("X-Consul-KnownLeader")).hasValue("true");
        assertThat(r.header("X-Consul-LastContact")).hasValue("1234");
    }

    static Stream<Arguments> indexes() {
        return Stream.of(
                Arguments.of(0L, "1"),
                Arguments.of(1L, "1"),
                Arguments.of(7L, "7"),
                Arguments.of(Long.MAX_VALUE, "9223372036854775807"),
                Arguments.of(-1L, "18446744073709551615"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("indexes")
    void indexIsUnsignedAndZeroIsSentAsOneAsConsulDoes(long index, String header) {
        assertThat(ConsulHeaders.index(index)).isEqualTo(header);
    }

    static Stream<Arguments> lastContacts() {
        return Stream.of(
                Arguments.of(Duration.ZERO, "0"),
                Arguments.of(Duration.ofNanos(999_999), "0"),
                Arguments.of(Duration.ofMillis(-5), "0"),
                Arguments.of(Duration.ofMillis(1500), "1500"),
                Arguments.of(Duration.ofSeconds(Long.MAX_VALUE), "9223372036854775807"),
                Arguments.of(null, "0"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("lastContacts")
    void lastContactIsWholeMillisecondsNeverNegative(Duration lag, String header) {
        assertThat(ConsulHeaders.lastContactMillis(lag)).isEqualTo(header);
    }

    @Test
    void queryMetaKeepsTheResponsesOwnHeaders() {
        HttpResponse r = ConsulHeaders.withQueryMeta(
                HttpResponse.text(200, "pem").withHeader("Content-Type", "application/pem-certificate-chain"), 3, Duration.ZERO);
        assertThat(r.header("Content-Type")).hasValue("application/pem-certificate-chain");
        assertThat(r.headers()).containsKeys("X-Consul-Index", "X-Consul-KnownLeader", "X-Consul-LastContact");
    }
}
