package dev.meshfed.core.config;

import dev.meshfed.core.error.InvalidInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Expected values were produced by Go's own {@code time.ParseDuration} and {@code Duration.String()}
 * on the same inputs, so these tables pin meshfed to Go, odd cases included.
 */
class GoDurationTest {

    static Stream<Arguments> parsesLikeGo() {
        return Stream.of(
                arguments("0", 0L),
                arguments("+0", 0L),
                arguments("-0", 0L),
                arguments("72h", 259_200_000_000_000L),
                arguments("8760h", 31_536_000_000_000_000L),
                arguments("87600h", 315_360_000_000_000_000L),
                arguments("90m", 5_400_000_000_000L),
                arguments("1.5h", 5_400_000_000_000L),
                arguments("1h30m", 5_400_000_000_000L),
                arguments("1m30s", 90_000_000_000L),
                arguments("500ms", 500_000_000L),
                arguments("1.5us", 1_500L),
                arguments("1.5\u00b5s", 1_500L), // micro sign
                arguments("1.5\u03bcs", 1_500L), // Greek mu
                arguments("100ns", 100L),
                arguments(".5s", 500_000_000L),
                arguments("5.s", 5_000_000_000L),
                arguments("-1.5h", -5_400_000_000_000L),
                arguments("+2h", 7_200_000_000_000L),
                arguments("1h1h", 7_200_000_000_000L),
                arguments("00h", 0L),
                arguments("1.0000000001h", 3_600_000_000_360L),
                arguments("0.000000001s", 1L),
                arguments("0.0000000001s", 0L),
                arguments("0.5ns", 0L),
                arguments("1.9999999999ns", 1L),
                arguments("123456789.123456789s", 123_456_789_123_456_789L),
                arguments("1.00000000000000000000000000000000000000001s", 1_000_000_000L),
                arguments("9223372036854775807ns", Long.MAX_VALUE),
                arguments("-9223372036854775808ns", Long.MIN_VALUE),
                arguments("2562047h47m16.854775807s", Long.MAX_VALUE),
                arguments("-2562047h47m16.854775808s", Long.MIN_VALUE),
                // Go's unsigned accumulator wraps here (2^63 + 2^63 = 0); meshfed follows Go exactly.
                arguments("9223372036854775808ns9223372036854775808ns", 0L));
    }

    @ParameterizedTest(name = "\"{0}\" is {1}ns")
    @MethodSource
    void parsesLikeGo(String text, long nanos) {
        assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    static Stream<Arguments> refusesLikeGo() {
        return Stream.of(
                arguments("", "time: invalid duration \"\""),
                arguments("+", "time: invalid duration \"+\""),
                arguments("-", "time: invalid duration \"-\""),
                arguments("1", "time: missing unit in duration \"1\""),
                arguments("1d", "time: unknown unit \"d\" in duration \"1d\""),
                arguments(".s", "time: invalid duration \".s\""),
                arguments("-.s", "time: invalid duration \"-.s\""),
                arguments("9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\""),
                arguments("-9223372036854775809ns", "time: invalid duration \"-9223372036854775809ns\""),
                arguments("2562047h47m16.854775808s", "time: invalid duration \"2562047h47m16.854775808s\""),
                arguments("2562048h", "time: invalid duration \"2562048h\""),
                arguments("3000000h", "time: invalid duration \"3000000h\""),
                arguments("4611686018427387904ns4611686018427387904ns",
                        "time: invalid duration \"4611686018427387904ns4611686018427387904ns\""),
                arguments("1 h", "time: unknown unit \" h\" in duration \"1 h\""),
                arguments(" 1h", "time: invalid duration \" 1h\""),
                arguments("1h ", "time: unknown unit \"h \" in duration \"1h \""),
                arguments("1H", "time: unknown unit \"H\" in duration \"1H\""),
                arguments("1hr", "time: unknown unit \"hr\" in duration \"1hr\""),
                arguments("1\u00b5", "time: unknown unit \"\\xc2\\xb5\" in duration \"1\\xc2\\xb5\""),
                arguments("\u00e9", "time: invalid duration \"\\xc3\\xa9\""),
                arguments("1\u00e9", "time: unknown unit \"\\xc3\\xa9\" in duration \"1\\xc3\\xa9\""),
                arguments("1\"s", "time: unknown unit \"\\\"s\" in duration \"1\\\"s\""),
                arguments("1\ts", "time: unknown unit \"\\x09s\" in duration \"1\\x09s\""),
                arguments("1.2.3s", "time: missing unit in duration \"1.2.3s\""),
                arguments("1..2s", "time: missing unit in duration \"1..2s\""),
                arguments("0x1h", "time: unknown unit \"x\" in duration \"0x1h\""),
                arguments("1e3s", "time: unknown unit \"e\" in duration \"1e3s\""),
                arguments("1_0s", "time: unknown unit \"_\" in duration \"1_0s\""));
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @MethodSource
    void refusesLikeGo(String text, String message) {
        assertThatThrownBy(() -> GoDuration.parse(text))
                .isInstanceOf(InvalidInput.class)
                .hasMessage(message);
    }

    static Stream<Arguments> formatsLikeGo() {
        return Stream.of(
                arguments(0L, "0s"),
                arguments(1L, "1ns"),
                arguments(999L, "999ns"),
                arguments(1_000L, "1\u00b5s"),
                arguments(1_500L, "1.5\u00b5s"),
                arguments(999_999L, "999.999\u00b5s"),
                arguments(1_000_000L, "1ms"),
                arguments(1_500_000L, "1.5ms"),
                arguments(999_999_999L, "999.999999ms"),
                arguments(1_000_000_000L, "1s"),
                arguments(1_500_000_000L, "1.5s"),
                arguments(60_000_000_000L, "1m0s"),
                arguments(61_000_000_000L, "1m1s"),
                arguments(90_000_000_000L, "1m30s"),
                arguments(3_599_999_999_999L, "59m59.999999999s"),
                arguments(3_600_000_000_000L, "1h0m0s"),
                arguments(3_600_000_000_001L, "1h0m0.000000001s"),
                arguments(5_400_000_000_000L, "1h30m0s"),
                arguments(259_200_000_000_000L, "72h0m0s"),
                arguments(31_536_000_000_000_000L, "8760h0m0s"),
                arguments(63_072_000_000_000_000L, "17520h0m0s"),
                arguments(315_360_000_000_000_000L, "87600h0m0s"),
                arguments(-1L, "-1ns"),
                arguments(-1_500L, "-1.5\u00b5s"),
                arguments(-90_000_000_000L, "-1m30s"),
                arguments(Long.MAX_VALUE, "2562047h47m16.854775807s"),
                arguments(Long.MIN_VALUE, "-2562047h47m16.854775808s"));
    }

    @ParameterizedTest(name = "{0}ns prints as {1}")
    @MethodSource
    void formatsLikeGo(long nanos, String text) {
        assertThat(GoDuration.format(Duration.ofNanos(nanos))).isEqualTo(text);
    }

    @Test
    void formatThenParseGivesBackTheSameDurationAcrossTheRange() {
        LongStream.of(0, 1, 7, 999, 1_001, 123_456_789, 59_999_999_999L, 3_600_000_000_000L * 8760 + 17,
                        Long.MAX_VALUE, Long.MIN_VALUE, -42, -3_600_000_000_001L)
                .mapToObj(Duration::ofNanos)
                .forEach(d -> assertThat(GoDuration.parse(GoDuration.format(d))).isEqualTo(d));
    }

    @Test
    void formatRefusesDurationsBeyondGoRange() {
        assertThatThrownBy(() -> GoDuration.format(Duration.ofDays(365L * 1000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the range of a Go duration");
        assertThat(GoDuration.fits(GoDuration.MAX)).isTrue();
        assertThat(GoDuration.fits(GoDuration.MAX.plusNanos(1))).isFalse();
        assertThat(GoDuration.fits(GoDuration.MIN.minusNanos(1))).isFalse();
    }
}
