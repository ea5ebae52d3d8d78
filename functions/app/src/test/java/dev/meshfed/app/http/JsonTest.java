package dev.meshfed.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.meshfed.core.error.InvalidInput;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonTest {

    record Sign(@JsonProperty("CSR") String csr) {
    }

    record Rule(@JsonProperty("Action") String action, @JsonProperty("Precedence") int precedence) {
    }

    record Intention(@JsonProperty("SourceName") String sourceName,
                     @JsonProperty("Precedence") Integer precedence,
                     @JsonProperty("Enabled") Boolean enabled,
                     @JsonProperty("Weight") Double weight,
                     @JsonProperty("Permissions") List<Rule> permissions,
                     @JsonProperty("Meta") Map<String, String> meta) {
    }

    record Validated(@JsonProperty("Name") String name) {
        Validated {
            if (name != null && name.isEmpty()) {
                throw new InvalidInput("Name must not be empty");
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsAnObjectIgnoringUnknownFieldsAndMatchingNamesCaseInsensitivelyAsGoDoes() {
        assertThat(Json.read(bytes("{\"CSR\":\"x\",\"Unknown\":{\"a\":[1,2]}}"), Sign.class)).isEqualTo(new Sign("x"));
        assertThat(Json.read(bytes("{\"csr\":\"y\"}"), Sign.class)).isEqualTo(new Sign("y"));
        assertThat(Json.read(bytes("  {\"CSR\":\"z\"}\n\t "), Sign.class)).isEqualTo(new Sign("z"));
    }

    @Test
    void readsNestedValuesAndNulls() {
        Intention i = Json.read(bytes("{\"SourceName\":\"web\",\"Precedence\":9,\"Enabled\":true,\"Weight\":0.5,"
                + "\"Permissions\":[{\"Action\":\"deny\",\"Precedence\":1}],\"Meta\":{\"k\":\"v\"}}"), Intention.class);
        assertThat(i.permissions()).containsExactly(new Rule("deny", 1));
        assertThat(i.meta()).containsEntry("k", "v");
        assertThat(Json.read(bytes("{\"SourceName\":null}"), Intention.class).sourceName()).isNull();
    }

    @Test
    void readsAMapWhoseValuesTakeAnyJsonTypeForWeaklyDecodedBodies() {
        Map<?, ?> body = Json.read(bytes("{\"Provider\":\"consul\",\"Config\":{\"LeafCertTTL\":\"72h\",\"PrivateKeyBits\":\"256\","
                + "\"RotationPeriod\":1.5,\"IntermediateCertTTL\":8760,\"Flag\":true,\"List\":[1,\"a\"]}}"), Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) body.get("Config");
        assertThat(config).containsEntry("PrivateKeyBits", "256").containsEntry("IntermediateCertTTL", 8760)
                .containsEntry("RotationPeriod", 1.5).containsEntry("Flag", true);
        assertThatThrownBy(() -> Json.read(bytes("{\"Config\":{\"a\":1,\"a\":2}}"), Map.class))
                .isInstanceOf(InvalidInput.class).hasMessage("invalid JSON body: duplicate field \"a\"");
    }

    @Test
    void readsARequestBody() {
        HttpRequest r = HttpRequest.builder("POST", "/v1/connect/ca/sign").body("{\"CSR\":\"pem\"}").build();
        assertThat(Json.read(r, Sign.class)).isEqualTo(new Sign("pem"));
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of("{\"SourceName\":1}", "invalid JSON body: field \"SourceName\": expected a string"),
                Arguments.of("{\"SourceName\":true}", "invalid JSON body: field \"SourceName\": expected a string"),
                Arguments.of("{\"SourceName\":1.5}", "invalid JSON body: field \"SourceName\": expected a string"),
                Arguments.of("{\"SourceName\":{}}", "invalid JSON body: field \"SourceName\": expected a string"),
                Arguments.of("{\"SourceName\":[\"a\"]}", "invalid JSON body: field \"SourceName\": expected a string"),
                Arguments.of("{\"Precedence\":\"9\"}", "invalid JSON body: field \"Precedence\": expected an integer"),
                Arguments.of("{\"Precedence\":9.5}", "invalid JSON body: field \"Precedence\": expected an integer"),
                Arguments.of("{\"Precedence\":true}", "invalid JSON body: field \"Precedence\": expected an integer"),
                Arguments.of("{\"Enabled\":\"true\"}", "invalid JSON body: field \"Enabled\": expected a boolean"),
                Arguments.of("{\"Enabled\":1}", "invalid JSON body: field \"Enabled\": expected a boolean"),
                Arguments.of("{\"Weight\":\"0.5\"}", "invalid JSON body: field \"Weight\": expected a number"),
                Arguments.of("{\"Permissions\":{}}", "invalid JSON body: field \"Permissions\": expected an array"),
                Arguments.of("{\"Permissions\":\"x\"}", "invalid JSON body: field \"Permissions\": expected an array"),
                Arguments.of("{\"Permissions\":[{\"Action\":7}]}", "invalid JSON body: field \"Permissions[0].Action\": expected a string"),
                Arguments.of("{\"Permissions\":[{},{\"Precedence\":\"x\"}]}", "invalid JSON body: field \"Permissions[1].Precedence\": expected an integer"),
                Arguments.of("{\"Meta\":[]}", "invalid JSON body: field \"Meta\": expected an object"),
                Arguments.of("{\"Meta\":{\"k\":1}}", "invalid JSON body: field \"Meta.k\": expected a string"),
                Arguments.of("{\"Precedence\":99999999999}", "invalid JSON body: field \"Precedence\": number out of range"),
                Arguments.of("[]", "invalid JSON body: expected an object"),
                Arguments.of("\"text\"", "invalid JSON body: expected an object"),
                Arguments.of("42", "invalid JSON body: expected an object"),
                Arguments.of("null", "invalid JSON body: expected an object, not null"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongTypes")
    void wrongTypeIs400NamingTheFieldAndTheExpectedJsonType(String body, String message) {
        assertThatThrownBy(() -> Json.read(bytes(body), Intention.class))
                .isInstanceOf(InvalidInput.class)
                .hasMessage(message);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("", "invalid JSON body: empty"),
                Arguments.of("   \n", "invalid JSON body: empty"),
                Arguments.of("{", "invalid JSON body: syntax error at line 1, column 2"),
                Arguments.of("{\"CSR\":}", "invalid JSON body: syntax error at line 1, column 8"),
                Arguments.of("{'CSR':'x'}", "invalid JSON body: syntax error at line 1, column 2"),
                Arguments.of("{\"CSR\":\"x\",}", "invalid JSON body: syntax error at line 1, column 12"),
                Arguments.of("{\"CSR\":\"x\"}{}", "invalid JSON body: unexpected data after the JSON value at line 1, column 12"),
                Arguments.of("{\"CSR\":\"x\"} garbage", "invalid JSON body: unexpected data after the JSON value at line 1, column 12"),
                Arguments.of("{\"CSR\":\"x\"}\n]", "invalid JSON body: unexpected data after the JSON value at line 1, column 12"),
                Arguments.of("{\"CSR\":\"x\",\"CSR\":\"y\"}", "invalid JSON body: duplicate field \"CSR\""),
                Arguments.of("{\"A\":{\"k\":1,\"k\":2}}", "invalid JSON body: duplicate field \"k\""),
                Arguments.of("{\"CSR\":\"x\" /* c */}", "invalid JSON body: syntax error at line 1, column 12"),
                Arguments.of("{\"CSR\":NaN}", "invalid JSON body: syntax error at line 1, column 11"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedJsonIs400WithPositionNeverJacksonsOwnText(String body, String message) {
        assertThatThrownBy(() -> Json.read(bytes(body), Sign.class))
                .isInstanceOf(InvalidInput.class)
                .hasMessage(message);
    }

    @Test
    void invalidUtf8Is400() {
        byte[] body = {'{', '"', 'C', 'S', 'R', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> Json.read(body, Sign.class)).isInstanceOf(InvalidInput.class)
                .hasMessage("invalid JSON body: not valid UTF-8");
    }

    @Test
    void nestingDeeperThan32LevelsIs400AndExactly32IsAccepted() {
        String ok = "{\"Meta\":null,\"X\":" + "[".repeat(31) + "]".repeat(31) + "}";
        assertThat(Json.read(bytes(ok), Intention.class)).isNotNull();
        String deep = "{\"X\":" + "[".repeat(32) + "]".repeat(32) + "}";
        assertThatThrownBy(() -> Json.read(bytes(deep), Intention.class))
                .isInstanceOf(InvalidInput.class).hasMessage("invalid JSON body: nested deeper than 32 levels");
        String hostile = "{\"X\":" + "[".repeat(60_000);
        assertThatThrownBy(() -> Json.read(bytes(hostile), Intention.class))
                .isInstanceOf(InvalidInput.class).hasMessage("invalid JSON body: nested deeper than 32 levels");
    }

    @Test
    void bodyOver64KiBIs413BeforeParsing() {
        String big = "{\"CSR\":\"" + "a".repeat(65536) + "\"}";
        assertThatThrownBy(() -> Json.read(bytes(big), Sign.class))
                .isInstanceOfSatisfying(HttpRefusal.class, e -> assertThat(e.status()).isEqualTo(413));
        HttpRequest r = HttpRequest.builder("POST", "/v1/connect/ca/sign").body(big).build();
        assertThatThrownBy(() -> Json.read(r, Sign.class)).isInstanceOf(HttpRefusal.class);
    }

    @Test
    void validationErrorOfTheTargetTypeComesThroughUnchanged() {
        assertThatThrownBy(() -> Json.read(bytes("{\"Name\":\"\"}"), Validated.class))
                .isInstanceOf(InvalidInput.class).hasMessage("Name must not be empty");
    }

    @Test
    void errorTextsNeverNameJavaClassesOrJacksonInternals() {
        Stream.concat(wrongTypes(), malformed()).forEach(a -> {
            String body = (String) a.get()[0];
            assertThatThrownBy(() -> Json.read(bytes(body), Intention.class))
                    .isInstanceOf(InvalidInput.class)
                    .message()
                    .doesNotContain("java.").doesNotContain("dev.meshfed").doesNotContain("Jackson")
                    .doesNotContain("Cannot").doesNotContain("Source:").doesNotContain("\n");
        });
    }

    @Test
    void writesWithTheDeclaredFieldNames() {
        assertThat(Json.write(new Sign("pem"))).isEqualTo("{\"CSR\":\"pem\"}");
        assertThat(Json.write(Map.of("Roots", List.of()))).isEqualTo("{\"Roots\":[]}");
        assertThat(Json.write(new Rule(null, 3))).isEqualTo("{\"Action\":null,\"Precedence\":3}");
    }

    @Test
    void writeFailureIsAFaultNotBadInput() {
        Object unwritable = new Object() {
            @SuppressWarnings("unused")
            public String getBoom() {
                throw new IllegalStateException("boom");
            }
        };
        assertThatThrownBy(() -> Json.write(unwritable)).isInstanceOf(IllegalStateException.class);
    }
}
