package dev.meshfed.core.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Expected values and texts come from Go's strconv run on the same inputs. */
class GoStrconvTest {

    static Stream<Arguments> parseIntAcceptsGoIntegerSyntax() {
        return Stream.of(
                arguments("256", 256L), arguments("+256", 256L), arguments("-256", -256L),
                arguments("0", 0L), arguments("00", 0L), arguments("010", 8L),
                arguments("0x100", 256L), arguments("0X100", 256L), arguments("0o17", 15L), arguments("0b101", 5L),
                arguments("1_000", 1000L), arguments("0x_10", 16L), arguments("0_10", 8L),
                arguments("9223372036854775807", Long.MAX_VALUE), arguments("-9223372036854775808", Long.MIN_VALUE));
    }

    @ParameterizedTest(name = "\"{0}\" is {1}")
    @MethodSource
    void parseIntAcceptsGoIntegerSyntax(String text, long value) throws Exception {
        assertThat(GoStrconv.parseInt64(text)).isEqualTo(value);
    }

    @ParameterizedTest(name = "\"{0}\": {1}")
    @CsvSource(delimiter = '|', value = {
            "_1000|invalid syntax", "1__0|invalid syntax", "1000_|invalid syntax", "abc|invalid syntax",
            "2.5|invalid syntax", "' 1'|invalid syntax", "'1 '|invalid syntax", "0x|invalid syntax",
            "0b2|invalid syntax", "08|invalid syntax", "\uff13|invalid syntax", "1e3|invalid syntax",
            "9223372036854775808|value out of range", "-9223372036854775809|value out of range",
            "99999999999999999999|value out of range"})
    void parseIntRefusesWithGoText(String text, String reason) {
        assertThatThrownBy(() -> GoStrconv.parseInt64(text))
                .hasMessage("strconv.ParseInt: parsing \"" + text + "\": " + reason);
    }

    static Stream<Arguments> parseFloatAcceptsGoFloatSyntax() {
        return Stream.of(
                arguments("50", 50.0), arguments("50.5", 50.5), arguments("+50.5", 50.5), arguments("-1", -1.0),
                arguments(".5", 0.5), arguments("5.", 5.0), arguments("5e1", 50.0), arguments("5E+1", 50.0),
                arguments("5e-1", 0.5), arguments("1_000.5", 1000.5), arguments("0x1p4", 16.0), arguments("0x1.8p1", 3.0),
                arguments("inf", Double.POSITIVE_INFINITY), arguments("+Inf", Double.POSITIVE_INFINITY),
                arguments("-infinity", Double.NEGATIVE_INFINITY), arguments("Infinity", Double.POSITIVE_INFINITY),
                // meshfed keeps the double; Go would round to float32 (0.10000000149011612).
                arguments("0.1", 0.1));
    }

    @ParameterizedTest(name = "\"{0}\" is {1}")
    @MethodSource
    void parseFloatAcceptsGoFloatSyntax(String text, double value) throws Exception {
        assertThat(GoStrconv.parseFloat32Range(text)).isEqualTo(value);
    }

    @ParameterizedTest(name = "\"{0}\" is NaN")
    @CsvSource({"nan", "NaN", "NAN"})
    void parseFloatReadsNanInAnyCase(String text) throws Exception {
        assertThat(GoStrconv.parseFloat32Range(text)).isNaN();
    }

    @ParameterizedTest(name = "\"{0}\": {1}")
    @CsvSource(delimiter = '|', value = {
            "1__0|invalid syntax", "_1|invalid syntax", "1_|invalid syntax", "0x1|invalid syntax", "0x|invalid syntax",
            "infin|invalid syntax", "+nan|invalid syntax", "abc|invalid syntax", ".|invalid syntax", "e5|invalid syntax",
            "1e|invalid syntax", "1e+|invalid syntax", "0x1p|invalid syntax", "' 1'|invalid syntax",
            "1.5.5|invalid syntax", "1d|invalid syntax", "1f|invalid syntax",
            "1e39|value out of range", "-1e39|value out of range"})
    void parseFloatRefusesWithGoText(String text, String reason) {
        assertThatThrownBy(() -> GoStrconv.parseFloat32Range(text))
                .hasMessage("strconv.ParseFloat: parsing \"" + text + "\": " + reason);
    }

    @ParameterizedTest(name = "\"{0}\" is {1}")
    @CsvSource({"1,true", "t,true", "T,true", "TRUE,true", "true,true", "True,true",
            "0,false", "f,false", "F,false", "FALSE,false", "false,false", "False,false"})
    void parseBoolAcceptsExactlyGoForms(String text, boolean value) throws Exception {
        assertThat(GoStrconv.parseBool(text)).isEqualTo(value);
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @CsvSource({"yes", "tRUE", "on"})
    void parseBoolRefusesOtherForms(String text) {
        assertThatThrownBy(() -> GoStrconv.parseBool(text))
                .hasMessage("strconv.ParseBool: parsing \"" + text + "\": invalid syntax");
    }

    @ParameterizedTest(name = "{0} prints as {1}")
    @CsvSource({"50,50", "50.5,50.5", "2.5,2.5", "0.1,0.1", "1e21,1000000000000000000000", "1e-7,0.0000001",
            "-3.25,-3.25", "100,100"})
    void formatFloatPrintsLikeGoFormatFloatF(double value, String text) {
        assertThat(GoStrconv.formatFloat(value)).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0} quotes as {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "a\"b|\"a\\\"b\"", "\u00e9|\"\u00e9\"", "`tab\t`|\"tab\\t\"", "`\u0001`|\"\\x01\"",
            "\u200b|\"\\u200b\"", "ok|\"ok\""})
    void quoteMatchesGoStrconvQuote(String text, String quoted) {
        assertThat(GoStrconv.quote(text)).isEqualTo(quoted);
    }
}
