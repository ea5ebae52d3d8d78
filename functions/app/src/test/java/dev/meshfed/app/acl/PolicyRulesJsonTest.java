package dev.meshfed.app.acl;

import dev.meshfed.core.acl.Access;
import dev.meshfed.core.acl.PolicyRules;
import dev.meshfed.core.acl.ServiceRule;
import dev.meshfed.core.error.InvalidInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.meshfed.core.acl.Access.DENY;
import static dev.meshfed.core.acl.Access.READ;
import static dev.meshfed.core.acl.Access.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PolicyRulesJsonTest {

    private static ServiceRule rule(Access policy) {
        return new ServiceRule(policy, Optional.empty());
    }

    private static ServiceRule rule(Access policy, Access intentions) {
        return new ServiceRule(policy, Optional.of(intentions));
    }

    // ---- accepted forms ----------------------------------------------------------------------

    @Test
    void decodesTheObjectForm() {
        PolicyRules rules = PolicyRulesJson.decode("""
                {"service":{"web":{"policy":"write","intentions":"read"},"db":{"policy":"deny"}},
                 "service_prefix":{"":{"policy":"read"}},
                 "operator":"read","acl":"write","mesh":"write"}""");

        assertThat(rules.services()).containsExactly(
                Map.entry("web", rule(WRITE, READ)), Map.entry("db", rule(DENY)));
        assertThat(rules.servicePrefixes()).containsExactly(Map.entry("", rule(READ)));
        assertThat(rules.operator()).contains(READ);
        assertThat(rules.acl()).contains(WRITE);
        assertThat(rules.mesh()).contains(WRITE);
    }

    static Stream<Arguments> decodesHclJsonArrayForms() {
        return Stream.of(
                arguments("{\"service\":[{\"web\":{\"policy\":\"write\"}}]}"),
                arguments("{\"service\":{\"web\":[{\"policy\":\"write\"}]}}"),
                arguments("{\"service\":[{\"web\":[{\"policy\":\"write\"}]}]}"),
                arguments("{\"service\":[{\"web\":{\"policy\":\"write\"}},{\"api\":{\"policy\":\"read\"}}]}"),
                arguments("{\"service\":[{\"web\":{\"policy\":\"write\"},\"api\":{\"policy\":\"read\"}}]}"));
    }

    @ParameterizedTest
    @MethodSource
    void decodesHclJsonArrayForms(String json) {
        PolicyRules rules = PolicyRulesJson.decode(json);

        assertThat(rules.services()).containsEntry("web", rule(WRITE));
        assertThat(rules.services().keySet()).isSubsetOf("web", "api");
    }

    @Test
    void decodesArrayFormsForServicePrefixes() {
        PolicyRules rules = PolicyRulesJson.decode("{\"service_prefix\":[{\"a\":[{\"policy\":\"read\",\"intentions\":\"write\"}]}]}");

        assertThat(rules.servicePrefixes()).containsExactly(Map.entry("a", rule(READ, WRITE)));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "\n\t "})
    void emptyOrBlankRulesAreEmpty(String rules) {
        assertThat(PolicyRulesJson.decode(rules)).isEqualTo(PolicyRules.EMPTY);
    }

    @Test
    void emptyObjectIsEmpty() {
        assertThat(PolicyRulesJson.decode("{}")).isEqualTo(PolicyRules.EMPTY);
        assertThat(PolicyRulesJson.decode(" {\"service\":{}} ")).isEqualTo(PolicyRules.EMPTY);
    }

    @Test
    void emptyIntentionsAndScalarsAreAbsentAsInConsul() {
        PolicyRules rules = PolicyRulesJson.decode(
                "{\"service\":{\"web\":{\"policy\":\"read\",\"intentions\":\"\"}},\"operator\":\"\",\"acl\":\"\",\"mesh\":\"\"}");

        assertThat(rules.services()).containsExactly(Map.entry("web", rule(READ)));
        assertThat(rules.operator()).isEmpty();
        assertThat(rules.acl()).isEmpty();
        assertThat(rules.mesh()).isEmpty();
    }

    @Test
    void keysMatchInAnyCaseAsHclDoesButServiceNamesAreExact() {
        PolicyRules rules = PolicyRulesJson.decode(
                "{\"Service\":{\"Web\":{\"Policy\":\"write\",\"INTENTIONS\":\"deny\"}},\"Operator\":\"read\"}");

        assertThat(rules.services()).containsExactly(Map.entry("Web", rule(WRITE, DENY)));
        assertThat(rules.operator()).contains(READ);
    }

    @Test
    void consulResourcesMeshfedDoesNotHaveAreIgnored() {
        StringBuilder json = new StringBuilder("{\"service\":{\"web\":{\"policy\":\"read\"}}");
        for (String resource : PolicyRulesJson.IGNORED_CONSUL_RESOURCES) {
            json.append(",\"").append(resource).append("\":")
                    .append(resource.endsWith("_prefix") || !resource.equals("keyring") && !resource.equals("peering")
                            ? "{\"\":{\"policy\":\"list\"}}" : "\"write\"");
        }
        json.append('}');

        PolicyRules rules = PolicyRulesJson.decode(json.toString());

        assertThat(rules.services()).containsExactly(Map.entry("web", rule(READ)));
        assertThat(rules.servicePrefixes()).isEmpty();
        assertThat(rules.operator()).isEmpty();
    }

    @Test
    void unknownKeysAreIgnored() {
        PolicyRules rules = PolicyRulesJson.decode(
                "{\"future_resource\":[1,{\"x\":null}],\"service\":{\"web\":{\"policy\":\"write\",\"sentinel\":{\"code\":\"x\"}}}}");

        assertThat(rules.services()).containsExactly(Map.entry("web", rule(WRITE)));
    }

    // ---- refusals ----------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "service \"web\" { policy = \"write\" }",
            "# comment\nservice_prefix \"\" { policy = \"read\" }",
            "operator = \"read\"",
            "/* c */ acl = \"write\""})
    void hclRulesAreRefusedWithAMessageThatSaysSo(String hcl) {
        assertThatThrownBy(() -> PolicyRulesJson.decode(hcl))
                .isInstanceOf(InvalidInput.class)
                .hasMessage(PolicyRulesJson.HCL_NOT_SUPPORTED)
                .hasMessageContaining("HCL rules are not supported")
                .hasMessageContaining("JSON rule form");
    }

    static Stream<Arguments> invalidRules() {
        return Stream.of(
                arguments("{\"service\":{\"web\":{\"policy\":\"list\"}}}",
                        "invalid Rules: service \"web\": policy: \"list\" is not deny, read or write"),
                arguments("{\"service\":{\"web\":{\"policy\":\"admin\"}}}",
                        "invalid Rules: service \"web\": policy: \"admin\" is not deny, read or write"),
                arguments("{\"service\":{\"web\":{\"policy\":\"Write\"}}}",
                        "invalid Rules: service \"web\": policy: \"Write\" is not deny, read or write"),
                arguments("{\"service_prefix\":{\"w\":{\"policy\":\"read\",\"intentions\":\"list\"}}}",
                        "invalid Rules: service_prefix \"w\": intentions: \"list\" is not deny, read or write"),
                arguments("{\"service\":{\"web\":{\"policy\":1}}}",
                        "invalid Rules: service \"web\": policy: expected a string"),
                arguments("{\"service\":{\"web\":{\"policy\":true}}}",
                        "invalid Rules: service \"web\": policy: expected a string"),
                arguments("{\"service\":{\"web\":{\"policy\":null}}}",
                        "invalid Rules: service \"web\": policy: expected a string"),
                arguments("{\"service\":{\"web\":{\"policy\":[\"write\"]}}}",
                        "invalid Rules: service \"web\": policy: expected a string"),
                arguments("{\"service\":{\"web\":{\"intentions\":\"write\"}}}",
                        "invalid Rules: service \"web\": policy missing"),
                arguments("{\"service\":{\"web\":{}}}",
                        "invalid Rules: service \"web\": policy missing"),
                arguments("{\"service\":{\"web\":{\"policy\":\"\"}}}",
                        "invalid Rules: service \"web\": policy empty"),
                arguments("{\"service\":{\"web\":\"write\"}}",
                        "invalid Rules: service \"web\": expected an object"),
                arguments("{\"service\":{\"web\":[\"write\"]}}",
                        "invalid Rules: service \"web\": expected an object"),
                arguments("{\"service\":\"web\"}",
                        "invalid Rules: service: expected an object of rules by name, or an array of them"),
                arguments("{\"service_prefix\":[\"web\"]}",
                        "invalid Rules: service_prefix: expected an object of rules by name, or an array of them"),
                arguments("{\"operator\":\"list\"}",
                        "invalid Rules: operator: \"list\" is not deny, read or write"),
                arguments("{\"acl\":\"admin\"}",
                        "invalid Rules: acl: \"admin\" is not deny, read or write"),
                arguments("{\"mesh\":1}",
                        "invalid Rules: mesh: expected a string"),
                arguments("{\"operator\":{\"policy\":\"read\"}}",
                        "invalid Rules: operator: expected a string"),
                arguments("{\"operator\":\"read\",\"Operator\":\"read\"}",
                        "invalid Rules: operator given twice"),
                arguments("[{\"service\":{}}]",
                        "invalid Rules: expected a JSON object"),
                arguments("{\"service\":{\"web\":{\"policy\":\"write\"}}",
                        "invalid Rules: not valid JSON (syntax error at line 1, column 38)"),
                arguments("{\"service\":{}} {}",
                        "invalid Rules: unexpected data after the JSON value at line 1, column 15"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource
    void invalidRules(String json, String message) {
        assertThatThrownBy(() -> PolicyRulesJson.decode(json)).isInstanceOf(InvalidInput.class).hasMessage(message);
    }

    static Stream<Arguments> sameNameTwiceIsRefused() {
        return Stream.of(
                arguments("{\"service\":{\"web\":{\"policy\":\"write\"},\"web\":{\"policy\":\"deny\"}}}",
                        "invalid Rules: duplicate field \"web\""),
                arguments("{\"service\":[{\"web\":{\"policy\":\"write\"}},{\"web\":{\"policy\":\"deny\"}}]}",
                        "invalid Rules: service \"web\" given twice"),
                arguments("{\"service\":{\"web\":[{\"policy\":\"write\"},{\"policy\":\"read\"}]}}",
                        "invalid Rules: service \"web\" given twice"),
                arguments("{\"service_prefix\":{\"\":{\"policy\":\"read\"}},\"Service_Prefix\":{\"\":{\"policy\":\"read\"}}}",
                        "invalid Rules: service_prefix \"\" given twice"),
                arguments("{\"service\":{\"web\":{\"policy\":\"write\",\"Policy\":\"read\"}}}",
                        "invalid Rules: service \"web\": policy given twice"),
                arguments("{\"service\":{\"web\":{\"policy\":\"write\",\"policy\":\"read\"}}}",
                        "invalid Rules: duplicate field \"policy\""));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource
    void sameNameTwiceIsRefused(String json, String message) {
        assertThatThrownBy(() -> PolicyRulesJson.decode(json)).isInstanceOf(InvalidInput.class).hasMessage(message);
    }

    @Test
    void theSameNameAsServiceAndAsPrefixIsTwoRules() {
        PolicyRules rules = PolicyRulesJson.decode(
                "{\"service\":{\"web\":{\"policy\":\"deny\"}},\"service_prefix\":{\"web\":{\"policy\":\"write\"}}}");

        assertThat(rules.services()).containsExactly(Map.entry("web", rule(DENY)));
        assertThat(rules.servicePrefixes()).containsExactly(Map.entry("web", rule(WRITE)));
    }

    @Test
    void errorsQuoteAtMost64CharactersOfTheCallersText() {
        String name = "n".repeat(10_000);
        String value = "v".repeat(10_000) + "\n";

        Throwable byName = catchThrowable(() -> PolicyRulesJson.decode("{\"service\":{\"" + name + "\":{}}}"));
        Throwable byValue = catchThrowable(() -> PolicyRulesJson.decode("{\"operator\":\"" + value.replace("\n", "\\n") + "\"}"));
        Throwable withControl = catchThrowable(() -> PolicyRulesJson.decode("{\"acl\":\"a\\nb\"}"));

        assertThat(byName).isInstanceOf(InvalidInput.class)
                .hasMessage("invalid Rules: service \"" + "n".repeat(64) + "\"...: policy missing");
        assertThat(byValue).isInstanceOf(InvalidInput.class)
                .hasMessage("invalid Rules: operator: \"" + "v".repeat(64) + "\"... is not deny, read or write");
        assertThat(withControl).hasMessage("invalid Rules: acl: \"a?b\" is not deny, read or write");
    }

    // ---- hostile input -----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {17, 100, 10_000, 32_000})
    void deepNestingIsRefusedNotAStackOverflow(int depth) {
        String json = "{\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        String deepObjects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);

        for (String hostile : new String[] {json, deepObjects}) {
            Throwable thrown = catchThrowable(() -> PolicyRulesJson.decode(hostile));
            if (hostile.length() > PolicyRulesJson.MAX_RULES_CHARS) {
                assertThat(thrown).isInstanceOf(InvalidInput.class).hasMessageContaining("longer than");
            } else {
                assertThat(thrown).isInstanceOf(InvalidInput.class)
                        .hasMessage("invalid Rules: nested deeper than " + PolicyRulesJson.MAX_DEPTH + " levels");
            }
        }
    }

    @Test
    void nestingUpToTheLimitInAnIgnoredKeyIsAccepted() {
        int depth = PolicyRulesJson.MAX_DEPTH - 1; // the top-level object is one level
        String json = "{\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}";

        assertThat(PolicyRulesJson.decode(json)).isEqualTo(PolicyRules.EMPTY);
    }

    @Test
    void rulesOver64KiBAreRefused() {
        String json = "{\"service\":{\"web\":{\"policy\":\"write\"}},\"pad\":\"" + "x".repeat(64 * 1024) + "\"}";

        assertThatThrownBy(() -> PolicyRulesJson.decode(json))
                .isInstanceOf(InvalidInput.class)
                .hasMessage("invalid Rules: longer than 65536 characters");
    }

    @Test
    void aThousandServiceRulesAreAcceptedAndOneMoreIsRefused() {
        assertThat(PolicyRulesJson.decode(services(PolicyRulesJson.MAX_SERVICE_RULES - 1, 1)).services())
                .hasSize(PolicyRulesJson.MAX_SERVICE_RULES - 1);

        assertThatThrownBy(() -> PolicyRulesJson.decode(services(PolicyRulesJson.MAX_SERVICE_RULES, 1)))
                .isInstanceOf(InvalidInput.class)
                .hasMessage("invalid Rules: more than 1000 service and service_prefix rules");
    }

    @Test
    void thousandsOfServicesAreRefused() {
        String json = services(2_000, 500);
        assertThat(json.length()).isLessThan(PolicyRulesJson.MAX_RULES_CHARS);

        assertThatThrownBy(() -> PolicyRulesJson.decode(json))
                .isInstanceOf(InvalidInput.class)
                .hasMessageContaining("more than 1000");
    }

    /** {@code exact} service rules and {@code prefixes} prefix rules, in compact JSON. */
    private static String services(int exact, int prefixes) {
        StringBuilder json = new StringBuilder("{\"service\":{");
        for (int i = 0; i < exact; i++) {
            json.append(i == 0 ? "" : ",").append("\"s").append(i).append("\":{\"policy\":\"read\"}");
        }
        json.append("},\"service_prefix\":{");
        for (int i = 0; i < prefixes; i++) {
            json.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":{\"policy\":\"read\"}");
        }
        return json.append("}}").toString();
    }

    static Stream<String> garbage() {
        return Stream.of("{", "{\"", "{\"service\":", "{\"service\":{\"web\":{\"policy\":\"wr", "{]", "{\"a\":1e999999999}",
                "{\"a\":" + "9".repeat(5_000) + "}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\u00\"}", "\u0000{}", "{}\u0000",
                "{\"service\":{\"web\":{\"policy\":\"write\"}}}}", "[" + "[".repeat(20), "{\"a\":\"" + "\\".repeat(3) + "\"}",
                "{'service':{}}", "{service:{}}", "{\"service\":{\"web\":{\"policy\":\"write\",}}}", "{\"a\":NaN}");
    }

    @ParameterizedTest
    @MethodSource
    void garbage(String text) {
        Throwable thrown = catchThrowable(() -> PolicyRulesJson.decode(text));

        assertThat(thrown == null || thrown instanceof InvalidInput)
                .as("only InvalidInput or a result, got %s", thrown)
                .isTrue();
    }
}
