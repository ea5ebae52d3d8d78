package dev.meshfed.core.intentions;

import static dev.meshfed.core.intentions.Fixtures.T0;
import static dev.meshfed.core.intentions.Fixtures.ixn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.error.InvalidInput;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class IntentionRulesTest {

    @ParameterizedTest(name = "{0}/{1} => {2}/{3} has precedence {4}")
    @CsvSource({
            "default, web, default, db, 9",
            "default, *,   default, db, 8",
            "*,       *,   default, db, 7",
            "default, web, default, *,  6",
            "default, *,   default, *,  5",
            "*,       *,   default, *,  4",
            "default, web, *,       *,  3",
            "default, *,   *,       *,  2",
            "*,       *,   *,       *,  1"})
    void allNinePrecedenceLevels(String sns, String sn, String dns, String dn, int expected) {
        assertThat(IntentionRules.precedence(sns, sn, dns, dn)).isEqualTo(expected);
        Intention i = IntentionRules.prepare(new Intention("x", sns, sn, dns, dn, null, null, null, "allow", null, null,
                Map.of(), 42, T0, T0));
        assertThat(i.precedence()).as("the client's value is ignored").isEqualTo(expected);
    }

    @Test
    void matchOrderIsPrecedenceThenMoreDatacenterFieldsThenLexicographic() {
        List<Intention> expected = List.of(
                ixn("1", "web", "db", "allow", "dc1", "dc2"),
                ixn("2", "web", "db", "allow", "", "dc2"),
                ixn("3", "web", "db", "allow", "dc1", ""),
                ixn("4", "web", "db", "allow"),
                ixn("5", "a/web", "db", "allow"),
                ixn("6", "api", "db", "allow"),
                ixn("7", "web", "db2", "allow"),
                ixn("8", "*", "db", "allow"),
                ixn("9", "*/*", "db", "allow"),
                ixn("10", "web", "*", "allow"),
                ixn("11", "*/*", "*/*", "allow"));
        // DC-scoped first at equal precedence; then namespace before name ("a/web" before "default/api")
        List<Intention> shuffled = new ArrayList<>(expected);
        java.util.Collections.reverse(shuffled);
        shuffled.sort(IntentionRules.MATCH_ORDER);
        assertThat(shuffled).extracting(Intention::id)
                .containsExactly("1", "2", "3", "5", "6", "4", "7", "8", "9", "10", "11");
    }

    @Test
    void sameFieldCountOrdersBySourceThenDestinationDatacenter() {
        List<Intention> l = new ArrayList<>(List.of(ixn("b", "web", "db", "allow", "dc2", ""),
                ixn("c", "web", "db", "allow", "", "dc1"), ixn("a", "web", "db", "allow", "dc1", "")));
        l.sort(IntentionRules.MATCH_ORDER);
        // source DC "" < "dc1" < "dc2"
        assertThat(l).extracting(Intention::id).containsExactly("c", "a", "b");
    }

    static Stream<Arguments> invalid() {
        String longText = "x".repeat(513);
        Map<String, String> tooMany = new HashMap<>();
        for (int k = 0; k < 65; k++) {
            tooMany.put("k" + k, "v");
        }
        return Stream.of(
                Arguments.of(b().sourceName(""), "SourceName must be set"),
                Arguments.of(b().destinationName(null), "DestinationName must be set"),
                Arguments.of(b().sourceName("we*b"), "SourceName: wildcard character '*' cannot be used with partial values"),
                Arguments.of(b().sourceNs("de*"), "SourceNS: wildcard character '*' cannot be used with partial values"),
                Arguments.of(b().sourceNs("*"), "SourceName: exact value cannot follow wildcard namespace"),
                Arguments.of(b().destinationNs("*"), "DestinationName: exact value cannot follow wildcard namespace"),
                Arguments.of(b().sourceName("web\nFAKE LOG"), "SourceName: invalid name \"web?FAKE LOG\""),
                Arguments.of(b().destinationName("-db"), "DestinationName: invalid name"),
                Arguments.of(b().destinationName("a".repeat(64)), "DestinationName: invalid name"),
                Arguments.of(b().sourceName("../etc"), "SourceName: invalid name"),
                Arguments.of(b().sourceDc("DC1"), "SourceDatacenter: invalid datacenter name \"DC1\""),
                Arguments.of(b().destinationDc("dc_1"), "DestinationDatacenter: invalid datacenter name"),
                Arguments.of(b().action(""), "Action must be set to 'allow' or 'deny'"),
                Arguments.of(b().action("ALLOW"), "Action must be set to 'allow' or 'deny'"),
                Arguments.of(b().permissions("[{\"Action\":\"deny\"}]"), "Action must be omitted if Permissions are specified"),
                Arguments.of(b().action(null).permissions("[{\"Action\":\"deny\"}]").destinationName("*"),
                        "Permissions cannot be specified on intentions with wildcarded destinations"),
                Arguments.of(b().sourceType("external-uri"), "SourceType must be set to 'consul'"),
                Arguments.of(b().description(longText), "Description exceeds maximum length 512"),
                Arguments.of(b().meta(tooMany), "Meta exceeds maximum element count 64"),
                Arguments.of(b().meta(Map.of("k".repeat(129), "v")), "Meta key \"kkkk"),
                Arguments.of(b().meta(Map.of("k", longText)), "Meta value for key \"k\" exceeds maximum length 512"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void validationRefusesWithConsulsText(B draft, String text) {
        assertThatThrownBy(() -> IntentionRules.prepare(draft.build())).isInstanceOf(InvalidInput.class)
                .hasMessageStartingWith(text);
    }

    @Test
    void defaultsAreAppliedAndLimitsAreInclusive() {
        Intention i = IntentionRules.prepare(b().sourceNs(null).destinationNs("").sourceType(null)
                .description("d".repeat(512)).meta(Map.of("k".repeat(128), "v".repeat(512))).build());
        assertThat(i.sourceNs()).isEqualTo("default");
        assertThat(i.destinationNs()).isEqualTo("default");
        assertThat(i.sourceType()).isEqualTo("consul");
        assertThat(i.sourceDatacenter()).isEmpty();
        Intention l7 = IntentionRules.prepare(b().action(null).permissions("[{\"Action\":\"deny\"}]").build());
        assertThat(l7.permissions()).isNotNull();
        Intention emptyPermissions = IntentionRules.prepare(b().permissions("[]").build());
        assertThat(emptyPermissions.permissions()).isNull();
        assertThat(IntentionRules.prepare(b().sourceNs("*").sourceName("*").build()).precedence()).isEqualTo(7);
    }

    @Test
    void canonicalKeyAndDescription() {
        Intention i = ixn("abc", "web", "db", "allow", "", "dc2");
        assertThat(IntentionRules.canonicalKey(i)).isEqualTo("default/web/default/db//dc2");
        assertThat(IntentionRules.describe(i))
                .isEqualTo("default/web => default/db (ID: abc, Precedence: 9, Action: ALLOW)");
        assertThat(IntentionRules.describe(ixn("x", "web", "db", "L7")))
                .isEqualTo("default/web => default/db (ID: x, Precedence: 9, Permissions: 2)");
        assertThat(IntentionRules.permissionCount("[]")).isZero();
        assertThat(IntentionRules.permissionCount("[{\"a\":\"],[\",\"b\":[1,2]}]")).isEqualTo(1);
    }

    /** A draft builder for the validation table. */
    static B b() {
        return new B();
    }

    static final class B {
        String sourceNs = "default", sourceName = "web", destinationNs = "default", destinationName = "db";
        String sourceDc = "", destinationDc = "", sourceType = "consul", action = "allow", permissions, description;
        Map<String, String> meta = Map.of();

        B sourceNs(String v) { sourceNs = v; return this; }
        B sourceName(String v) { sourceName = v; return this; }
        B destinationNs(String v) { destinationNs = v; return this; }
        B destinationName(String v) { destinationName = v; return this; }
        B sourceDc(String v) { sourceDc = v; return this; }
        B destinationDc(String v) { destinationDc = v; return this; }
        B sourceType(String v) { sourceType = v; return this; }
        B action(String v) { action = v; return this; }
        B permissions(String v) { permissions = v; return this; }
        B description(String v) { description = v; return this; }
        B meta(Map<String, String> v) { meta = v; return this; }

        Intention build() {
            return new Intention("id", sourceNs, sourceName, destinationNs, destinationName, sourceDc, destinationDc,
                    sourceType, action, permissions, description, meta, 0, T0, T0);
        }

        @Override
        public String toString() {
            return "draft";
        }
    }
}
