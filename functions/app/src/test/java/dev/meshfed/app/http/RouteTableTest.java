package dev.meshfed.app.http;

import static dev.meshfed.app.http.FunctionName.CA_ADMIN;
import static dev.meshfed.app.http.FunctionName.DEV_CONTROLS;
import static dev.meshfed.app.http.FunctionName.FETCH_ROOTS;
import static dev.meshfed.app.http.FunctionName.INTENTIONS_API;
import static dev.meshfed.app.http.FunctionName.SIGN_CSR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.error.InvalidInput;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouteTableTest {

    private final RouteTable deployed = RouteTable.deployed();

    /** Every method and path of api.md, with the function architecture.md gives it. */
    static Stream<Arguments> everyRouteOfApiMd() {
        return Stream.of(
                Arguments.of("GET", "/v1/connect/ca/roots", FETCH_ROOTS, Map.of()),
                Arguments.of("GET", "/v1/agent/connect/ca/roots", FETCH_ROOTS, Map.of()),
                Arguments.of("GET", "/v1/connect/ca/configuration", FETCH_ROOTS, Map.of()),
                Arguments.of("PUT", "/v1/connect/ca/configuration", CA_ADMIN, Map.of()),
                Arguments.of("POST", "/v1/connect/ca/rotate", CA_ADMIN, Map.of()),
                Arguments.of("POST", "/v1/connect/ca/sign", SIGN_CSR, Map.of()),
                Arguments.of("GET", "/v1/agent/connect/ca/leaf/web", SIGN_CSR, Map.of("service", "web")),
                Arguments.of("POST", "/v1/agent/connect/authorize", INTENTIONS_API, Map.of()),
                Arguments.of("GET", "/v1/connect/intentions", INTENTIONS_API, Map.of()),
                Arguments.of("POST", "/v1/connect/intentions", INTENTIONS_API, Map.of()),
                Arguments.of("GET", "/v1/connect/intentions/8f2e0a3c-4a5b-4c6d-9e7f-0a1b2c3d4e5f", INTENTIONS_API,
                        Map.of("id", "8f2e0a3c-4a5b-4c6d-9e7f-0a1b2c3d4e5f")),
                Arguments.of("PUT", "/v1/connect/intentions/abc", INTENTIONS_API, Map.of("id", "abc")),
                Arguments.of("DELETE", "/v1/connect/intentions/abc", INTENTIONS_API, Map.of("id", "abc")),
                Arguments.of("GET", "/v1/connect/intentions/exact", INTENTIONS_API, Map.of()),
                Arguments.of("PUT", "/v1/connect/intentions/exact", INTENTIONS_API, Map.of()),
                Arguments.of("DELETE", "/v1/connect/intentions/exact", INTENTIONS_API, Map.of()),
                Arguments.of("GET", "/v1/connect/intentions/match", INTENTIONS_API, Map.of()),
                Arguments.of("GET", "/v1/connect/intentions/check", INTENTIONS_API, Map.of()),
                Arguments.of("PUT", "/v1/acl/bootstrap", CA_ADMIN, Map.of()),
                Arguments.of("PUT", "/v1/acl/policy", CA_ADMIN, Map.of()),
                Arguments.of("GET", "/v1/acl/policy/p1", CA_ADMIN, Map.of("id", "p1")),
                Arguments.of("PUT", "/v1/acl/policy/p1", CA_ADMIN, Map.of("id", "p1")),
                Arguments.of("DELETE", "/v1/acl/policy/p1", CA_ADMIN, Map.of("id", "p1")),
                Arguments.of("GET", "/v1/acl/policy/name/global-management", CA_ADMIN, Map.of("name", "global-management")),
                Arguments.of("GET", "/v1/acl/policies", CA_ADMIN, Map.of()),
                Arguments.of("PUT", "/v1/acl/token", CA_ADMIN, Map.of()),
                Arguments.of("GET", "/v1/acl/token/self", CA_ADMIN, Map.of()),
                Arguments.of("GET", "/v1/acl/token/a1", CA_ADMIN, Map.of("accessor", "a1")),
                Arguments.of("PUT", "/v1/acl/token/a1", CA_ADMIN, Map.of("accessor", "a1")),
                Arguments.of("DELETE", "/v1/acl/token/a1", CA_ADMIN, Map.of("accessor", "a1")),
                Arguments.of("GET", "/v1/acl/tokens", CA_ADMIN, Map.of()),
                Arguments.of("GET", "/v1/operator/federation/datacenters", CA_ADMIN, Map.of()),
                Arguments.of("PUT", "/v1/operator/federation/datacenters", CA_ADMIN, Map.of()),
                Arguments.of("GET", "/v1/operator/federation/enrolment", CA_ADMIN, Map.of()),
                Arguments.of("GET", "/v1/operator/replication", CA_ADMIN, Map.of()),
                Arguments.of("GET", "/v1/agent/self", FETCH_ROOTS, Map.of()));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("everyRouteOfApiMd")
    void everyRouteOfApiMdReachesItsFunctionWithItsPathParameters(String method, String path, FunctionName function,
                                                                   Map<String, String> parameters) {
        RouteMatch m = deployed.match(method, path);
        assertThat(m).isInstanceOf(RouteMatch.Found.class);
        RouteMatch.Found found = (RouteMatch.Found) m;
        assertThat(found.function()).isEqualTo(function);
        assertThat(found.pathParameters()).isEqualTo(parameters);
        assertThat(found.refusal()).isEmpty();
    }

    @Test
    void everyDeployedRouteIsCoveredByTheApiMdTable() {
        Set<String> covered = new HashSet<>();
        everyRouteOfApiMd().forEach(a -> {
            Object[] args = a.get();
            RouteMatch.Found f = (RouteMatch.Found) deployed.match((String) args[0], (String) args[1]);
            covered.add(args[0] + " " + f.route().template());
        });
        for (Route r : deployed.routes()) {
            for (String method : r.allowedMethods()) {
                assertThat(covered).as("a test row for %s %s", method, r.template()).contains(method + " " + r.template());
            }
        }
    }

    static Stream<Arguments> wrongMethods() {
        return Stream.of(
                Arguments.of("DELETE", "/v1/connect/ca/roots", "OPTIONS,GET"),
                Arguments.of("POST", "/v1/connect/ca/configuration", "OPTIONS,GET,PUT"),
                Arguments.of("GET", "/v1/connect/ca/sign", "OPTIONS,POST"),
                Arguments.of("PUT", "/v1/agent/connect/ca/leaf/web", "OPTIONS,GET"),
                Arguments.of("GET", "/v1/agent/connect/authorize", "OPTIONS,POST"),
                Arguments.of("PUT", "/v1/connect/intentions", "OPTIONS,GET,POST"),
                Arguments.of("POST", "/v1/connect/intentions/exact", "OPTIONS,GET,PUT,DELETE"),
                Arguments.of("POST", "/v1/connect/intentions/abc", "OPTIONS,GET,PUT,DELETE"),
                Arguments.of("DELETE", "/v1/connect/intentions/match", "OPTIONS,GET"),
                Arguments.of("GET", "/v1/acl/bootstrap", "OPTIONS,PUT"),
                Arguments.of("HEAD", "/v1/agent/self", "OPTIONS,GET"),
                Arguments.of("get", "/v1/agent/self", "OPTIONS,GET"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("wrongMethods")
    void wrongMethodIs405WithConsulsTextAndAllowHeader(String method, String path, String allow) {
        RouteMatch m = deployed.match(method, path);
        assertThat(m).isInstanceOf(RouteMatch.MethodNotAllowed.class);
        HttpResponse r = m.refusal().orElseThrow();
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).hasValue(allow);
        assertThat(r.header("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(r.body()).isEqualTo("method " + method + " not allowed");
    }

    @Test
    void methodEchoedInA405IsBoundedToTokenCharacters() {
        HttpResponse r = deployed.match("GE\nT<script>" + "X".repeat(100), "/v1/agent/self").refusal().orElseThrow();
        assertThat(r.body()).isEqualTo("method GE?T?script?" + "X".repeat(20) + " not allowed");
    }

    @Test
    void optionsOnAKnownPathIs200WithTheAllowHeaderAndNoBody() {
        HttpResponse r = deployed.match("OPTIONS", "/v1/connect/intentions/exact").refusal().orElseThrow();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Allow")).hasValue("OPTIONS,GET,PUT,DELETE");
        assertThat(r.body()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/v1/connect/ca/unknown", "/v1/connect/ca/roots/", "/v1/connect/ca//roots", "/v1/agent/connect/ca/leaf/",
        "/v1/agent/connect/ca/leaf/web/extra", "/v1/connect/ca/ROOTS", "/v1/connect/ca/r%6Fots", "/v1/kv/x",
        "/v1/connect/intentions/", "/v1/connect/ca/./roots", "/v1/dev/heal", "/v1/", "/x/v1/agent/self"})
    void unknownPathUnderV1Is404InConsulsPlainText(String path) {
        RouteMatch m = deployed.match("GET", path);
        assertThat(m).isInstanceOf(RouteMatch.NotFound.class);
        HttpResponse r = m.refusal().orElseThrow();
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(r.body()).isEqualTo("Invalid URL path: not a recognized HTTP API endpoint\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/ui", "/v2/agent/self", "v1/agent/self", "", "/v1"})
    void pathOutsideV1Is404WithConsulsHintToUseV1(String path) {
        HttpResponse r = deployed.match("GET", path).refusal().orElseThrow();
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("Invalid URL path: if attempting to use the HTTP API, ensure the path starts with '/v1/'\n");
    }

    @Test
    void hugePathIs404WithoutMatching() {
        String path = "/v1/agent/connect/ca/leaf/" + "a".repeat(RouteTable.MAX_PATH_LENGTH);
        assertThat(deployed.match("GET", path)).isInstanceOf(RouteMatch.NotFound.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"exact", "match", "check"})
    void exactIntentionPathsWinOverTheIdTemplate(String exact) {
        RouteMatch.Found f = (RouteMatch.Found) deployed.match("GET", "/v1/connect/intentions/" + exact);
        assertThat(f.route().template()).isEqualTo("/v1/connect/intentions/" + exact);
        assertThat(f.pathParameters()).isEmpty();
    }

    @Test
    void tokenSelfWinsOverTheAccessorTemplateButOnlyForItsMethods() {
        assertThat(((RouteMatch.Found) deployed.match("GET", "/v1/acl/token/self")).route().template())
                .isEqualTo("/v1/acl/token/self");
        // Like Consul's mux, the exact path is its own endpoint: DELETE on it is a 405, not a delete of accessor "self".
        assertThat(deployed.match("DELETE", "/v1/acl/token/self")).isInstanceOf(RouteMatch.MethodNotAllowed.class);
    }

    @Test
    void aSimilarButLongerPathFallsBackToTheTemplate() {
        RouteMatch.Found f = (RouteMatch.Found) deployed.match("GET", "/v1/connect/intentions/exactly");
        assertThat(f.route().template()).isEqualTo("/v1/connect/intentions/{id}");
        assertThat(f.pathParameter("id")).isEqualTo("exactly");
    }

    @Test
    void policyNameTemplateAndPolicyIdTemplateDoNotCollide() {
        assertThat(((RouteMatch.Found) deployed.match("GET", "/v1/acl/policy/name")).pathParameter("id")).isEqualTo("name");
        assertThat(((RouteMatch.Found) deployed.match("GET", "/v1/acl/policy/name/x")).pathParameter("name")).isEqualTo("x");
    }

    static Stream<Arguments> decodedParameters() {
        return Stream.of(
                Arguments.of("web", "web"),
                Arguments.of("web%2Dapi", "web-api"),
                Arguments.of("a+b", "a+b"),
                Arguments.of("a%20b", "a b"),
                Arguments.of("%E2%82%AC", "\u20ac"),
                Arguments.of("a".repeat(256), "a".repeat(256)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decodedParameters")
    void pathParametersArePercentDecodedWithPlusKeptAsPlus(String raw, String decoded) {
        RouteMatch.Found f = (RouteMatch.Found) deployed.match("GET", "/v1/agent/connect/ca/leaf/" + raw);
        assertThat(f.pathParameter("service")).isEqualTo(decoded);
    }

    static Stream<Arguments> badParameters() {
        return Stream.of(
                Arguments.of("a%2Fb", "invalid path parameter service: contains /"),
                Arguments.of("a%2fb", "invalid path parameter service: contains /"),
                Arguments.of("a%zz", "invalid path parameter service: invalid URL escape \"%zz\""),
                Arguments.of("a%", "invalid path parameter service: invalid URL escape \"%\""),
                Arguments.of("%ff%fe", "invalid path parameter service: not valid UTF-8 once decoded"),
                Arguments.of("a%00b", "invalid path parameter service: contains a character that is not printable"),
                Arguments.of("a%0Ab", "invalid path parameter service: contains a character that is not printable"),
                Arguments.of("a%7Fb", "invalid path parameter service: contains a character that is not printable"),
                Arguments.of("a%E2%80%8Bb", "invalid path parameter service: contains a character that is not printable"),
                Arguments.of("a".repeat(257), "invalid path parameter service: longer than 256 characters"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badParameters")
    void badPathParameterIs400NamingTheParameter(String raw, String message) {
        assertThatThrownBy(() -> deployed.match("GET", "/v1/agent/connect/ca/leaf/" + raw))
                .isInstanceOf(InvalidInput.class)
                .hasMessage(message);
    }

    @Test
    void wrongMethodIs405EvenWhenTheParameterIsMalformed() {
        assertThat(deployed.match("POST", "/v1/agent/connect/ca/leaf/a%2Fb")).isInstanceOf(RouteMatch.MethodNotAllowed.class);
    }

    @Test
    void devRoutesExistOnlyInTheLocalTable() {
        assertThat(deployed.routes()).noneMatch(r -> r.template().startsWith("/v1/dev/"));
        RouteTable local = RouteTable.local();
        for (String path : List.of("/v1/dev/partition", "/v1/dev/heal", "/v1/dev/clock")) {
            RouteMatch.Found f = (RouteMatch.Found) local.match("POST", path);
            assertThat(f.function()).isEqualTo(DEV_CONTROLS);
            assertThat(f.route().exposure()).isEqualTo(Route.Exposure.DEV_ONLY);
            assertThat(deployed.match("POST", path)).isInstanceOf(RouteMatch.NotFound.class);
        }
        assertThat(local.routes()).containsAll(deployed.routes());
    }

    @Test
    void apiGatewayRouteKeysAreUniqueAndExactlyTheDeployedPathsPlusSplitMethodsAndDefault() {
        List<String> keys = deployed.apiGatewayRouteKeys();
        assertThat(keys).doesNotHaveDuplicates();
        assertThat(keys).containsExactly(
                "ANY /v1/connect/ca/roots",
                "ANY /v1/agent/connect/ca/roots",
                "ANY /v1/connect/ca/configuration",
                "GET /v1/connect/ca/configuration",
                "ANY /v1/connect/ca/rotate",
                "ANY /v1/connect/ca/sign",
                "ANY /v1/agent/connect/ca/leaf/{service}",
                "ANY /v1/agent/connect/authorize",
                "ANY /v1/connect/intentions",
                "ANY /v1/connect/intentions/exact",
                "ANY /v1/connect/intentions/match",
                "ANY /v1/connect/intentions/check",
                "ANY /v1/connect/intentions/{id}",
                "ANY /v1/acl/bootstrap",
                "ANY /v1/acl/policy",
                "ANY /v1/acl/policies",
                "ANY /v1/acl/policy/name/{name}",
                "ANY /v1/acl/policy/{id}",
                "ANY /v1/acl/token",
                "ANY /v1/acl/tokens",
                "ANY /v1/acl/token/self",
                "ANY /v1/acl/token/{accessor}",
                "ANY /v1/operator/federation/datacenters",
                "ANY /v1/operator/federation/enrolment",
                "ANY /v1/operator/replication",
                "ANY /v1/agent/self",
                "$default");
        assertThat(RouteTable.local().apiGatewayRouteKeys()).isEqualTo(keys);
    }

    @Test
    void apiGatewayRoutesSendEachKeyToTheRightFunctionWithIamOnlyOnBootstrapAndMembership() {
        Map<String, ApiGatewayRoute> byKey = new java.util.HashMap<>();
        deployed.apiGatewayRoutes().forEach(r -> byKey.put(r.routeKey(), r));
        assertThat(byKey.get("GET /v1/connect/ca/configuration").function()).isEqualTo(FETCH_ROOTS);
        assertThat(byKey.get("ANY /v1/connect/ca/configuration").function()).isEqualTo(CA_ADMIN);
        assertThat(byKey.get("ANY /v1/agent/connect/ca/leaf/{service}").function()).isEqualTo(SIGN_CSR);
        assertThat(byKey.get("$default").function()).isEqualTo(CA_ADMIN);
        assertThat(byKey.values()).filteredOn(r -> r.authorization() == Route.Authorization.AWS_IAM)
                .extracting(ApiGatewayRoute::routeKey)
                .containsExactlyInAnyOrder("ANY /v1/acl/bootstrap", "ANY /v1/operator/federation/datacenters");
        assertThat(byKey.values()).allMatch(r -> r.function().deployed());
    }

    @Test
    void everyHttpFunctionHasRoutesAndNoStreamFunctionHasAny() {
        Set<FunctionName> withRoutes = new HashSet<>();
        deployed.routes().forEach(r -> withRoutes.addAll(r.functions()));
        assertThat(withRoutes).containsExactlyInAnyOrder(SIGN_CSR, FETCH_ROOTS, INTENTIONS_API, CA_ADMIN);
    }

    @Test
    void functionNamesAndDeployablesAreSpelledAsInTheArchitecture() {
        assertThat(Stream.of(FunctionName.values()).filter(FunctionName::deployed).map(FunctionName::functionName))
                .containsExactly("sign-csr", "fetch-roots", "intentions-api", "ca-admin", "replicate-intentions", "rotate-leaves");
        assertThat(FunctionName.ROTATE_LEAVES.deployable("tick")).isEqualTo("rotate-leaves-tick");
    }

    @Test
    void twoRoutesOfTheSameShapeAreRefused() {
        List<Route> routes = List.of(Route.of("/v1/a/{x}", CA_ADMIN, "GET"), Route.of("/v1/a/{y}", CA_ADMIN, "PUT"));
        assertThatThrownBy(() -> new RouteTable(routes, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1/a", "/v1/a/", "/v1//a", "/v1/A", "/v1/{X}", "/v1/{a}/{a}", "/v1/{a+}"})
    void malformedTemplatesAreRefused(String template) {
        assertThatThrownBy(() -> Route.of(template, CA_ADMIN, "GET")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSplitPathMustNameAnAnyFunctionThatServesOneOfItsMethods() {
        assertThatThrownBy(() -> Route.of("/v1/a", FETCH_ROOTS, "GET").plus("PUT", CA_ADMIN).withOtherMethods(SIGN_CSR))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Route.of("/v1/a", FETCH_ROOTS, "OPTIONS")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exactlyThePrimaryOwnedWritesAreMarkedAndNeitherBootstrapNorMembership() {
        Set<String> owned = new java.util.TreeSet<>();
        for (Route r : RouteTable.local().routes()) {
            for (String m : r.allowedMethods()) {
                if (r.primaryOwned(m)) {
                    owned.add(m + " " + r.template());
                }
            }
        }
        assertThat(owned).containsExactlyInAnyOrder(
                "PUT /v1/acl/policy", "PUT /v1/acl/policy/{id}", "DELETE /v1/acl/policy/{id}",
                "PUT /v1/acl/token", "PUT /v1/acl/token/{accessor}", "DELETE /v1/acl/token/{accessor}",
                "POST /v1/connect/intentions", "PUT /v1/connect/intentions/{id}", "DELETE /v1/connect/intentions/{id}",
                "PUT /v1/connect/intentions/exact", "DELETE /v1/connect/intentions/exact",
                "POST /v1/connect/ca/rotate");
        assertThat(deployed.route("/v1/acl/bootstrap").orElseThrow().primaryOwned("PUT")).isFalse();
        assertThat(deployed.route("/v1/operator/federation/datacenters").orElseThrow().primaryOwned("PUT")).isFalse();
        assertThat(deployed.route("/v1/acl/token/{accessor}").orElseThrow().primaryOwned("GET")).isFalse();
        // methods are case-sensitive: "put" is not PUT
        assertThat(deployed.route("/v1/acl/token").orElseThrow().primaryOwned("put")).isFalse();
    }

    @Test
    void theMarkSurvivesTheOtherBuildersAndTheMatch() {
        Route r = Route.of("/v1/a", FETCH_ROOTS, "GET").withPrimaryOwned("GET")
                .plus("PUT", CA_ADMIN).withOtherMethods(CA_ADMIN).withPrimaryOwned("PUT");
        assertThat(r.primaryOwned("GET")).isTrue();
        assertThat(r.primaryOwned("PUT")).isTrue();
        RouteMatch m = deployed.match("DELETE", "/v1/connect/intentions/abc");
        assertThat(((RouteMatch.Found) m).route().primaryOwned("DELETE")).isTrue();
    }

    @Test
    void onlyAllowedMethodsOfNonIamRoutesCanBeMarked() {
        assertThatThrownBy(() -> Route.of("/v1/a", CA_ADMIN, "GET").withPrimaryOwned("PUT"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Route.of("/v1/a", CA_ADMIN, "PUT").withAwsIam().withPrimaryOwned("PUT"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
