package dev.meshfed.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.error.InvalidInput;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class QueryStringTest {

    static Stream<Arguments> wellFormed() {
        return Stream.of(
                Arguments.of("name=a&name=b", "name", List.of("a", "b")),
                Arguments.of("name=b&other=x&name=a", "name", List.of("b", "a")),
                Arguments.of("tag=a,b", "tag", List.of("a,b")),
                Arguments.of("pem", "pem", List.of("")),
                Arguments.of("pem=", "pem", List.of("")),
                Arguments.of("a=1&&b=2&", "b", List.of("2")),
                Arguments.of("q=a+b", "q", List.of("a b")),
                Arguments.of("q=a%2Bb", "q", List.of("a+b")),
                Arguments.of("q=%E2%82%AC", "q", List.of("\u20ac")),
                Arguments.of("q=%e2%82%ac", "q", List.of("\u20ac")),
                Arguments.of("q=a=b", "q", List.of("a=b")),
                Arguments.of("na%6De=v", "name", List.of("v")),
                Arguments.of("=v", "", List.of("v")),
                Arguments.of("source=default%2Fweb&destination=db", "source", List.of("default/web")),
                Arguments.of("x=1", "missing", List.of()));
    }

    @ParameterizedTest(name = "{0} -> {1}={2}")
    @MethodSource("wellFormed")
    void parsesLikeGoParseQueryKeepingRepeatedParametersInOrder(String raw, String name, List<String> values) {
        QueryString q = QueryString.parse(raw);
        assertThat(q.all(name)).containsExactlyElementsOf(values);
        assertThat(q.first(name)).isEqualTo(values.stream().findFirst());
        assertThat(q.has(name)).isEqualTo(!values.isEmpty());
    }

    @ParameterizedTest
    @NullAndEmptySource
    void absentQueryStringIsEmpty(String raw) {
        assertThat(QueryString.parse(raw)).isSameAs(QueryString.EMPTY);
        assertThat(QueryString.parse(raw).isEmpty()).isTrue();
    }

    @Test
    void parametersAndNamesKeepTheOrderSent() {
        QueryString q = QueryString.parse("b=1&a=2&b=3");
        assertThat(q.parameters()).containsExactly(
                new QueryString.Parameter("b", "1"), new QueryString.Parameter("a", "2"), new QueryString.Parameter("b", "3"));
        assertThat(q.names()).containsExactly("b", "a");
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("q=%zz", "invalid query string: invalid URL escape \"%zz\""),
                Arguments.of("q=%4", "invalid query string: invalid URL escape \"%4\""),
                Arguments.of("q=abc%", "invalid query string: invalid URL escape \"%\""),
                Arguments.of("%G0=1", "invalid query string: invalid URL escape \"%G0\""),
                Arguments.of("q=%ff", "invalid query string: not valid UTF-8 once decoded"),
                Arguments.of("q=%C0%AF", "invalid query string: not valid UTF-8 once decoded"),
                Arguments.of("q=%ED%A0%80", "invalid query string: not valid UTF-8 once decoded"),
                Arguments.of("q=%E2%82", "invalid query string: not valid UTF-8 once decoded"),
                Arguments.of("a=1;b=2", "invalid query string: invalid semicolon separator in query"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedQueryStringIsInvalidInputWithAPreciseText(String raw, String message) {
        assertThatThrownBy(() -> QueryString.parse(raw)).isInstanceOf(InvalidInput.class).hasMessage(message);
    }

    @Test
    void hugeQueryStringIsRefusedBeforeParsing() {
        String raw = "a=" + "x".repeat(QueryString.MAX_LENGTH);
        assertThatThrownBy(() -> QueryString.parse(raw))
                .isInstanceOf(InvalidInput.class)
                .hasMessage("query string too long: 4098 characters, at most 4096");
    }

    @Test
    void queryStringOfExactlyTheLimitIsAccepted() {
        String raw = "a=" + "x".repeat(QueryString.MAX_LENGTH - 2);
        assertThat(QueryString.parse(raw).first("a")).hasValueSatisfying(v -> assertThat(v).hasSize(4094));
    }

    @Test
    void sixtyFourParametersAreAcceptedAndSixtyFiveRefused() {
        String sixtyFour = String.join("&", Stream.generate(() -> "n=1").limit(64).toList());
        assertThat(QueryString.parse(sixtyFour).all("n")).hasSize(64);
        assertThatThrownBy(() -> QueryString.parse(sixtyFour + "&n=1"))
                .isInstanceOf(InvalidInput.class)
                .hasMessage("too many query parameters: at most 64");
    }

    @Test
    void emptySegmentsDoNotCountTowardsTheParameterLimit() {
        String raw = "&".repeat(1000) + "n=1";
        assertThat(QueryString.parse(raw).all("n")).containsExactly("1");
    }

    @Test
    void malformedEscapeIsQuotedBoundedInTheError() {
        assertThatThrownBy(() -> QueryString.parse("q=%\u0001x"))
                .hasMessage("invalid query string: invalid URL escape \"%\\x01x\"");
    }

    @Test
    void toStringNeverShowsValuesSoATokenCannotReachALog() {
        assertThat(QueryString.parse("token=s3cret&index=5").toString())
                .doesNotContain("s3cret").contains("token", "index");
    }
}
