package dev.meshfed.core.acl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static dev.meshfed.core.acl.Access.DENY;
import static dev.meshfed.core.acl.Access.READ;
import static dev.meshfed.core.acl.Access.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Expected answers follow Consul's {@code acl/policy_merger.go} (merge) and
 * {@code acl/policy_authorizer.go} (lookup, enforce, intentions default, mesh fallback).
 */
class GrantsTest {

    private static final String DC = "dc1";

    // ---- building blocks ---------------------------------------------------------------------

    private static ServiceRule rule(Access policy) {
        return new ServiceRule(policy, Optional.empty());
    }

    private static ServiceRule rule(Access policy, Access intentions) {
        return new ServiceRule(policy, Optional.of(intentions));
    }

    private static PolicyRules services(Map<String, ServiceRule> exact, Map<String, ServiceRule> prefixes) {
        return new PolicyRules(exact, prefixes, Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static PolicyRules service(String name, ServiceRule rule) {
        return services(Map.of(name, rule), Map.of());
    }

    private static PolicyRules prefix(String prefix, ServiceRule rule) {
        return services(Map.of(), Map.of(prefix, rule));
    }

    private static PolicyRules scalars(Access operator, Access acl, Access mesh) {
        return new PolicyRules(Map.of(), Map.of(), Optional.ofNullable(operator), Optional.ofNullable(acl),
                Optional.ofNullable(mesh));
    }

    private static Grants grants(PolicyRules... policies) {
        return Grants.of(List.of(policies), List.of(), DC);
    }

    // ---- exact and prefix rules --------------------------------------------------------------

    @Test
    void exactRuleBeatsAnyPrefixRule() {
        Grants g = grants(services(Map.of("web", rule(DENY)), Map.of("", rule(WRITE), "we", rule(WRITE), "web", rule(WRITE))));

        assertThat(g.serviceRead("web")).isFalse();
        assertThat(g.serviceWrite("web")).isFalse();
        assertThat(g.serviceWrite("web2")).isTrue();
    }

    @Test
    void exactRuleMatchesOnlyTheWholeName() {
        Grants g = grants(service("web", rule(WRITE)));

        assertThat(g.serviceWrite("web")).isTrue();
        assertThat(g.serviceRead("web-sidecar-proxy")).isFalse();
        assertThat(g.serviceRead("we")).isFalse();
    }

    static Stream<Arguments> longestPrefixWins() {
        Map<String, ServiceRule> prefixes = new LinkedHashMap<>();
        prefixes.put("", rule(READ));
        prefixes.put("web", rule(WRITE));
        prefixes.put("web-internal", rule(DENY));
        prefixes.put("db", rule(DENY));
        PolicyRules p = services(Map.of(), prefixes);
        return Stream.of(
                // name, read, write
                arguments(p, "api", true, false),          // only "" matches
                arguments(p, "", true, false),             // the empty name: the empty prefix
                arguments(p, "web", true, true),           // a prefix rule matches its own name too
                arguments(p, "webapp", true, true),
                arguments(p, "web-internal", false, false),
                arguments(p, "web-internal-2", false, false),
                arguments(p, "web-intern", true, true),    // shorter than "web-internal": "web" applies
                arguments(p, "db", false, false),
                arguments(p, "d", true, false));
    }

    @ParameterizedTest(name = "{1}: read {2}, write {3}")
    @MethodSource
    void longestPrefixWins(PolicyRules p, String name, boolean read, boolean write) {
        Grants g = grants(p);
        assertThat(g.serviceRead(name)).as("read").isEqualTo(read);
        assertThat(g.serviceWrite(name)).as("write").isEqualTo(write);
    }

    @Test
    void emptyPrefixMatchesEverything() {
        Grants g = grants(prefix("", rule(READ)));

        assertThat(g.serviceRead("anything")).isTrue();
        assertThat(g.serviceRead("")).isTrue();
        assertThat(g.serviceWrite("anything")).isFalse();
    }

    // ---- enforcement and default deny --------------------------------------------------------

    static Stream<Arguments> readIsGrantedByReadOrWriteAndWriteOnlyByWrite() {
        return Stream.of(
                arguments(READ, true, false),
                arguments(WRITE, true, true),
                arguments(DENY, false, false));
    }

    @ParameterizedTest(name = "{0}: read {1}, write {2}")
    @MethodSource
    void readIsGrantedByReadOrWriteAndWriteOnlyByWrite(Access level, boolean read, boolean write) {
        Grants services = grants(service("web", rule(level)));
        assertThat(services.serviceRead("web")).isEqualTo(read);
        assertThat(services.serviceWrite("web")).isEqualTo(write);

        Grants scalars = grants(scalars(level, level, level));
        assertThat(List.of(scalars.operatorRead(), scalars.aclRead(), scalars.meshRead())).containsOnly(read);
        assertThat(List.of(scalars.operatorWrite(), scalars.aclWrite(), scalars.meshWrite())).containsOnly(write);
    }

    static Stream<Arguments> everyCheck() {
        return Stream.of(
                arguments("service:read", (Predicate<Grants>) g -> g.serviceRead("web")),
                arguments("service:write", (Predicate<Grants>) g -> g.serviceWrite("web")),
                arguments("intentions:read", (Predicate<Grants>) g -> g.intentionRead("web")),
                arguments("intentions:write", (Predicate<Grants>) g -> g.intentionWrite("web")),
                arguments("operator:read", (Predicate<Grants>) Grants::operatorRead),
                arguments("operator:write", (Predicate<Grants>) Grants::operatorWrite),
                arguments("acl:read", (Predicate<Grants>) Grants::aclRead),
                arguments("acl:write", (Predicate<Grants>) Grants::aclWrite),
                arguments("mesh:read", (Predicate<Grants>) Grants::meshRead),
                arguments("mesh:write", (Predicate<Grants>) Grants::meshWrite));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCheck")
    void defaultDenyWithoutAnyRule(String permission, Predicate<Grants> check) {
        assertThat(check.test(Grants.none())).isFalse();
        assertThat(check.test(grants())).isFalse();
        assertThat(check.test(grants(PolicyRules.EMPTY, PolicyRules.EMPTY))).isFalse();
        assertThat(check.test(Grants.of(List.of(), List.of(), DC))).isFalse();
    }

    @Test
    void defaultDenyForServicesNoRuleMatches() {
        Grants g = grants(service("web", rule(WRITE)), prefix("api-", rule(READ)));

        assertThat(g.serviceRead("db")).isFalse();
        assertThat(g.intentionRead("db")).isFalse();
        assertThat(g.serviceRead("api")).isFalse();
        assertThat(g.operatorRead()).isFalse();
        assertThat(g.management()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCheck")
    void managementIsGrantedEverything(String permission, Predicate<Grants> check) {
        assertThat(Grants.globalManagement().management()).isTrue();
        assertThat(check.test(Grants.globalManagement())).isTrue();
    }

    @Test
    void managementIsGrantedEveryServiceName() {
        Grants g = Grants.globalManagement();

        assertThat(g.serviceWrite("")).isTrue();
        assertThat(g.intentionWrite("*")).isTrue();
        assertThat(Grants.none().management()).isFalse();
    }

    // ---- merging several policies ------------------------------------------------------------

    static Stream<Arguments> mergeAtEqualSpecificity() {
        return Stream.of(
                // first policy, second policy, merged
                arguments(READ, WRITE, WRITE),
                arguments(WRITE, READ, WRITE),
                arguments(WRITE, DENY, DENY),
                arguments(DENY, WRITE, DENY),
                arguments(READ, DENY, DENY),
                arguments(DENY, READ, DENY),
                arguments(READ, READ, READ));
    }

    @ParameterizedTest(name = "{0} + {1} = {2}")
    @MethodSource("mergeAtEqualSpecificity")
    void denyWinsThenWriteOverReadForTheSameExactName(Access first, Access second, Access merged) {
        Grants g = grants(service("web", rule(first)), service("web", rule(second)));

        assertThat(g.serviceRead("web")).isEqualTo(merged.grantsRead());
        assertThat(g.serviceWrite("web")).isEqualTo(merged.grantsWrite());
    }

    @ParameterizedTest(name = "{0} + {1} = {2}")
    @MethodSource("mergeAtEqualSpecificity")
    void denyWinsThenWriteOverReadForTheSamePrefix(Access first, Access second, Access merged) {
        Grants g = grants(prefix("we", rule(first)), prefix("we", rule(second)));

        assertThat(g.serviceRead("web")).isEqualTo(merged.grantsRead());
        assertThat(g.serviceWrite("web")).isEqualTo(merged.grantsWrite());
    }

    @ParameterizedTest(name = "{0} + {1} = {2}")
    @MethodSource("mergeAtEqualSpecificity")
    void operatorAclAndMeshMergeTheSameWay(Access first, Access second, Access merged) {
        Grants g = grants(scalars(first, first, first), scalars(second, second, second));

        assertThat(List.of(g.operatorRead(), g.aclRead(), g.meshRead())).containsOnly(merged.grantsRead());
        assertThat(List.of(g.operatorWrite(), g.aclWrite(), g.meshWrite())).containsOnly(merged.grantsWrite());
    }

    @Test
    void denyInOnePolicyDoesNotReachAMoreSpecificRuleOfAnother() {
        // Merging is per name or prefix; specificity is decided afterwards, on the merged rules.
        Grants g = grants(prefix("", rule(DENY)), service("web", rule(WRITE)), prefix("api", rule(READ)));

        assertThat(g.serviceWrite("web")).isTrue();
        assertThat(g.serviceRead("api-v2")).isTrue();
        assertThat(g.serviceRead("db")).isFalse();
    }

    @Test
    void anAbsentScalarDoesNotWeakenAGivenOne() {
        Grants g = grants(scalars(WRITE, null, null), PolicyRules.EMPTY, scalars(null, READ, null));

        assertThat(g.operatorWrite()).isTrue();
        assertThat(g.aclRead()).isTrue();
        assertThat(g.aclWrite()).isFalse();
    }

    // ---- the intentions sub-rule -------------------------------------------------------------

    static Stream<Arguments> intentionsDefaultFromPolicy() {
        return Stream.of(
                // policy, intentions read, intentions write: absent intentions is read unless policy is deny
                arguments(READ, true, false),
                arguments(WRITE, true, false),
                arguments(DENY, false, false));
    }

    @ParameterizedTest(name = "policy {0} without intentions: read {1}, write {2}")
    @MethodSource
    void intentionsDefaultFromPolicy(Access policy, boolean read, boolean write) {
        Grants exact = grants(service("web", rule(policy)));
        Grants prefix = grants(prefix("", rule(policy)));

        for (Grants g : List.of(exact, prefix)) {
            assertThat(g.intentionRead("web")).as("read").isEqualTo(read);
            assertThat(g.intentionWrite("web")).as("write").isEqualTo(write);
        }
    }

    static Stream<Arguments> explicitIntentionsDecideAlone() {
        return Stream.of(
                arguments(READ, WRITE, true, true),
                arguments(DENY, WRITE, true, true),
                arguments(WRITE, DENY, false, false),
                arguments(WRITE, READ, true, false),
                arguments(DENY, READ, true, false),
                arguments(READ, DENY, false, false));
    }

    @ParameterizedTest(name = "policy {0}, intentions {1}: read {2}, write {3}")
    @MethodSource
    void explicitIntentionsDecideAlone(Access policy, Access intentions, boolean read, boolean write) {
        Grants g = grants(service("web", rule(policy, intentions)));

        assertThat(g.intentionRead("web")).as("read").isEqualTo(read);
        assertThat(g.intentionWrite("web")).as("write").isEqualTo(write);
        assertThat(g.serviceWrite("web")).as("service write unaffected").isEqualTo(policy.grantsWrite());
    }

    @Test
    void intentionsFollowTheSameExactOrLongestPrefixRuleAsTheService() {
        Grants g = grants(services(Map.of("web", rule(READ, DENY)), Map.of("", rule(READ, WRITE), "db", rule(DENY))));

        assertThat(g.intentionRead("web")).isFalse();
        assertThat(g.intentionWrite("api")).isTrue();
        assertThat(g.intentionRead("db-primary")).isFalse();
    }

    @Test
    void intentionsMergeApartFromPolicyAndTakeTheirDefaultAfterTheMerge() {
        // Consul merges Policy and Intentions separately (policyRulesMergeContext.merge): a given
        // intentions value beats an absent one, and the default is derived from the merged policy.
        Grants writeThenDeny = grants(service("web", rule(WRITE)), service("web", rule(DENY)));
        assertThat(writeThenDeny.intentionRead("web")).as("merged deny, no intentions: deny").isFalse();

        Grants denyWithExplicitWrite = grants(service("web", rule(DENY)), service("web", rule(READ, WRITE)));
        assertThat(denyWithExplicitWrite.serviceRead("web")).isFalse();
        assertThat(denyWithExplicitWrite.intentionWrite("web")).as("intentions merged on their own").isTrue();

        Grants explicitDenyWins = grants(service("web", rule(WRITE, WRITE)), service("web", rule(WRITE, DENY)));
        assertThat(explicitDenyWins.intentionRead("web")).isFalse();
        assertThat(explicitDenyWins.serviceWrite("web")).isTrue();
    }

    // ---- mesh falls back to operator ---------------------------------------------------------

    static Stream<Arguments> meshFallsBackToOperator() {
        return Stream.of(
                // operator, mesh, mesh read, mesh write
                arguments(null, null, false, false),
                arguments(READ, null, true, false),
                arguments(WRITE, null, true, true),
                arguments(DENY, null, false, false),
                arguments(WRITE, READ, true, false),
                arguments(WRITE, DENY, false, false),
                arguments(DENY, WRITE, true, true),
                arguments(null, WRITE, true, true));
    }

    @ParameterizedTest(name = "operator {0}, mesh {1}: read {2}, write {3}")
    @MethodSource
    void meshFallsBackToOperator(Access operator, Access mesh, boolean read, boolean write) {
        Grants g = grants(scalars(operator, null, mesh));

        assertThat(g.meshRead()).as("mesh:read").isEqualTo(read);
        assertThat(g.meshWrite()).as("mesh:write").isEqualTo(write);
    }

    @Test
    void meshRuleFromOnePolicyOverridesOperatorFromAnother() {
        Grants g = grants(scalars(WRITE, null, null), scalars(null, null, READ));

        assertThat(g.operatorWrite()).isTrue();
        assertThat(g.meshRead()).isTrue();
        assertThat(g.meshWrite()).isFalse();
    }

    // ---- service identities ------------------------------------------------------------------

    @Test
    void serviceIdentityGrantsConsulsSynthesisedPolicy() {
        Grants g = Grants.of(List.of(), List.of(new AclToken.ServiceIdentity("web", List.of())), DC);

        assertThat(g.serviceWrite("web")).isTrue();
        assertThat(g.serviceWrite("web-sidecar-proxy")).isTrue();
        assertThat(g.serviceRead("db")).isTrue();
        assertThat(g.serviceWrite("db")).isFalse();
        assertThat(g.serviceWrite("web2")).isFalse();
        // No intentions in the synthesised rules: read everywhere (the default), write nowhere.
        assertThat(g.intentionRead("web")).isTrue();
        assertThat(g.intentionRead("db")).isTrue();
        assertThat(g.intentionWrite("web")).isFalse();
        assertThat(g.operatorRead()).isFalse();
        assertThat(g.aclRead()).isFalse();
        assertThat(g.meshRead()).isFalse();
        assertThat(g.management()).isFalse();
    }

    static Stream<Arguments> serviceIdentityAppliesInItsDatacenters() {
        return Stream.of(
                arguments(List.of(), true),
                arguments(List.of("dc1"), true),
                arguments(List.of("dc2", "dc1"), true),
                arguments(List.of("dc2"), false),
                arguments(List.of("DC1"), false));
    }

    @ParameterizedTest(name = "Datacenters {0} in dc1: {1}")
    @MethodSource
    void serviceIdentityAppliesInItsDatacenters(List<String> datacenters, boolean applies) {
        Grants g = Grants.of(List.of(), List.of(new AclToken.ServiceIdentity("web", datacenters)), DC);

        assertThat(g.serviceWrite("web")).isEqualTo(applies);
        assertThat(g.serviceRead("db")).isEqualTo(applies);
    }

    @Test
    void serviceIdentityMergesWithPoliciesLikeAnyOtherPolicy() {
        PolicyRules denyWeb = service("web", rule(DENY));
        PolicyRules dbPrefixWrite = prefix("", rule(WRITE, WRITE));
        Grants g = Grants.of(List.of(denyWeb, dbPrefixWrite), List.of(new AclToken.ServiceIdentity("web", List.of())), DC);

        assertThat(g.serviceWrite("web")).as("deny in a policy beats the identity's write").isFalse();
        assertThat(g.serviceWrite("web-sidecar-proxy")).isTrue();
        assertThat(g.serviceWrite("db")).as("write beats the identity's read on the empty prefix").isTrue();
        assertThat(g.intentionWrite("db")).isTrue();
    }

    @Test
    void twoServiceIdentitiesGrantBothServices() {
        Grants g = Grants.of(List.of(), List.of(
                new AclToken.ServiceIdentity("web", List.of()),
                new AclToken.ServiceIdentity("api", List.of("dc2"))), DC);

        assertThat(g.serviceWrite("web")).isTrue();
        assertThat(g.serviceWrite("api")).isFalse();
        assertThat(g.serviceRead("api")).isTrue();
    }
}
