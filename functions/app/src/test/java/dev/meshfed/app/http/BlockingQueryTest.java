package dev.meshfed.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.error.InvalidInput;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class BlockingQueryTest {

    private static final Duration CAP = BlockingQuery.DEFAULT_MAX_BLOCKING_WAIT;

    private static BlockingQuery parse(String raw) {
        return BlockingQuery.parse(QueryString.parse(raw), CAP);
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("", 0L, false, Duration.ofSeconds(10)),
                Arguments.of("index=", 0L, false, Duration.ofSeconds(10)),
                Arguments.of("index=0", 0L, false, Duration.ofSeconds(10)),
                Arguments.of("index=7", 7L, true, Duration.ofSeconds(10)),
                Arguments.of("index=007", 7L, true, Duration.ofSeconds(10)),
                Arguments.of("index=18446744073709551615", -1L, true, Duration.ofSeconds(10)),
                Arguments.of("index=5&wait=2s", 5L, true, Duration.ofSeconds(2)),
                Arguments.of("index=5&wait=1.5s", 5L, true, Duration.ofMillis(1500)),
                Arguments.of("index=5&wait=250ms", 5L, true, Duration.ofMillis(250)),
                Arguments.of("index=5&wait=10s", 5L, true, Duration.ofSeconds(10)),
                Arguments.of("index=5&wait=11s", 5L, true, Duration.ofSeconds(10)),
                Arguments.of("index=5&wait=5m", 5L, true, Duration.ofSeconds(10)),
                Arguments.of("index=5&wait=2562047h", 5L, true, Duration.ofSeconds(10)),
                Arguments.of("index=5&wait=0", 5L, true, Duration.ofSeconds(10)),
                Arguments.of("index=5&wait=-3s", 5L, true, Duration.ofSeconds(10)),
                Arguments.of("index=5&wait=", 5L, true, Duration.ofSeconds(10)),
                Arguments.of("index=5&index=x&wait=1s&wait=x", 5L, true, Duration.ofSeconds(1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void indexAndWaitAreParsedAsConsulDoesAndTheWaitIsCapped(String raw, long index, boolean blocking, Duration wait) {
        BlockingQuery q = parse(raw);
        assertThat(q.minIndex()).isEqualTo(index);
        assertThat(q.blocking()).isEqualTo(blocking);
        assertThat(q.maxWait()).isEqualTo(wait);
    }

    @ParameterizedTest
    @ValueSource(strings = {"index=-1", "index=+1", "index=1.0", "index=1e3", "index=%201", "index=0x10", "index=abc",
        "index=18446744073709551616", "index=99999999999999999999999", "index=%D9%A1"})
    void badIndexIs400WithConsulsText(String raw) {
        assertThatThrownBy(() -> parse(raw)).isInstanceOf(InvalidInput.class).hasMessage("Invalid index");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wait=5", "wait=1d", "wait=s", "wait=abc", "wait=1h+", "wait=9223372036854775808ns", "wait=%201s"})
    void badWaitIs400WithConsulsText(String raw) {
        assertThatThrownBy(() -> parse("index=1&" + raw)).isInstanceOf(InvalidInput.class).hasMessage("Invalid wait time");
    }

    @Test
    void badWaitIsRefusedEvenWithoutIndexAsConsulParsesItFirst() {
        assertThatThrownBy(() -> parse("wait=bad")).isInstanceOf(InvalidInput.class).hasMessage("Invalid wait time");
    }

    @Test
    void requestedWaitIsKeptBeforeTheCap() {
        assertThat(parse("index=1&wait=5m").requestedWait()).hasValue(Duration.ofMinutes(5));
        assertThat(parse("index=1").requestedWait()).isEqualTo(Optional.empty());
    }

    @Test
    void configuredCapOfTwentyFiveSecondsIsHonoured() {
        BlockingQuery q = BlockingQuery.parse(QueryString.parse("index=1&wait=1m"), Duration.ofSeconds(25));
        assertThat(q.maxWait()).isEqualTo(Duration.ofSeconds(25));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT0.5S", "PT25.001S", "PT1M", "PT-1S"})
    void capOutsideOneToTwentyFiveSecondsIsAConfigurationError(String cap) {
        assertThatThrownBy(() -> BlockingQuery.parse(QueryString.EMPTY, Duration.parse(cap)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jitterSubtractsUpToOneSixteenthSoTheCapIsNeverExceeded() {
        BlockingQuery q = parse("index=1&wait=16s");
        RandomGenerator random = new SplittableRandom(1);
        Duration min = q.maxWait();
        Duration max = Duration.ZERO;
        for (int i = 0; i < 10_000; i++) {
            Duration d = q.waitWithJitter(random);
            assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(10)).isGreaterThan(Duration.ofMillis(9375));
            min = d.compareTo(min) < 0 ? d : min;
            max = d.compareTo(max) > 0 ? d : max;
        }
        assertThat(max.minus(min)).isGreaterThan(Duration.ofMillis(500)); // the stagger spreads
    }

    @Test
    void jitterOfATinyWaitIsNoJitter() {
        BlockingQuery q = parse("index=1&wait=10ns");
        assertThat(q.waitWithJitter(new SplittableRandom(1))).isEqualTo(Duration.ofNanos(10));
    }

    @Test
    void readAnswersAtOnceWhenNotBlockingOrTheIndexMovedPastTheClients() {
        assertThat(parse("").answersAt(3)).isTrue();
        assertThat(parse("index=3").answersAt(3)).isFalse();
        assertThat(parse("index=3").answersAt(2)).isFalse();
        assertThat(parse("index=3").answersAt(4)).isTrue();
        assertThat(parse("index=9223372036854775807").answersAt(-1)).isTrue(); // compared unsigned
    }
}
