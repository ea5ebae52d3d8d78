package dev.meshfed.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.app.config.DcConfig;
import dev.meshfed.app.http.FunctionName;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.Route;
import dev.meshfed.app.http.RouteTable;
import dev.meshfed.core.acl.AclRequests.PolicyRef;
import dev.meshfed.core.acl.AclRequests.PolicyRequest;
import dev.meshfed.core.acl.AclRequests.TokenRequest;
import dev.meshfed.core.acl.AclService;
import dev.meshfed.core.acl.AclToken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every route of the route table, called with five kinds of token, against one DC wired as
 * deployed with ACLs on: no token (the anonymous token), a token for another service, a read-only
 * token, the token with exactly the permission the route needs, and a deleted token. Each route's
 * permission is declared once, below; a route a built function serves without a row here fails
 * the test, so a new endpoint cannot arrive without its ACL rule.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AclMatrixTest {

    /** What a route asks of the caller's token. */
    enum Need {
        /** Nothing: public (roots) or harmless (agent self). The token is not even resolved. */
        NONE,
        /** Any token that resolves, the anonymous token included (token self). */
        VALID_TOKEN,
        /** AWS IAM at the gateway; no Consul token is asked for (bootstrap). */
        GATEWAY_IAM,
        SERVICE_WRITE_WEB, OPERATOR_READ, OPERATOR_WRITE, ACL_READ, ACL_WRITE,
        /** service:read on db (intention check, as Consul's code): any service identity has it. */
        SERVICE_READ_DB,
        /** service:write on db (authorize with Target db). */
        SERVICE_WRITE_DB,
        /** intentions:read on db (one intention with destination db): any service identity has it. */
        INTENTION_READ_DB,
        /** intentions:write on db (writes of intentions with destination db). */
        INTENTION_WRITE_DB
    }

    /** The five kinds of caller. */
    enum Caller { NO_TOKEN, OTHER_SERVICE, READ_ONLY, RIGHT, DELETED }

    /** Every case is called by each, in this order: the right token last, so a successful DELETE does not change what the others see. */
    static final List<Caller> CALLERS = List.of(Caller.NO_TOKEN, Caller.OTHER_SERVICE, Caller.READ_ONLY, Caller.DELETED,
            Caller.RIGHT);
    private static final Path CSR_FIXTURES = Path.of("../pki/src/test/resources/csr");
    /** Functions whose routes exist in the table but arrive with later issues; their routes answer 404 today. */
    private static final Set<FunctionName> NOT_BUILT_YET = EnumSet.of(FunctionName.DEV_CONTROLS);

    private WiredFederation f;
    private final Map<Need, String> rightTokens = new LinkedHashMap<>();
    private String otherService;
    private String readOnly;
    private String deleted;
    private String policyId;
    private String throwawayAccessor;
    /** An intention web => db that every case reads and updates, and one that the DELETE case removes. */
    private String intentionId;
    private String throwawayIntentionId;

    record Case(String method, String pathAndQuery, String body, Need need) {
    }

    @BeforeAll
    void federation() {
        f = new WiredFederation(DcConfig.AclMode.ON, "dc1", "dc2").withPrimaryCa();
        AclService acls = f.dc("dc1").acls();
        String management = f.bootstrap();
        rightTokens.put(Need.SERVICE_WRITE_WEB, identityToken(acls, "web"));
        rightTokens.put(Need.SERVICE_READ_DB, policyToken(acls, "db-read", "{\"service\":{\"db\":{\"policy\":\"read\"}}}"));
        rightTokens.put(Need.SERVICE_WRITE_DB, identityToken(acls, "db"));
        rightTokens.put(Need.INTENTION_READ_DB, policyToken(acls, "db-intentions-read",
                "{\"service\":{\"db\":{\"policy\":\"deny\",\"intentions\":\"read\"}}}"));
        rightTokens.put(Need.INTENTION_WRITE_DB, policyToken(acls, "db-intentions-write",
                "{\"service\":{\"db\":{\"policy\":\"read\",\"intentions\":\"write\"}}}"));
        intentionId = createIntention(management, "matrix-src");
        throwawayIntentionId = createIntention(management, "matrix-throwaway");
        rightTokens.put(Need.OPERATOR_READ, policyToken(acls, "op-read", "{\"operator\":\"read\"}"));
        rightTokens.put(Need.OPERATOR_WRITE, policyToken(acls, "op-write", "{\"operator\":\"write\"}"));
        rightTokens.put(Need.ACL_READ, policyToken(acls, "acl-read", "{\"acl\":\"read\"}"));
        rightTokens.put(Need.ACL_WRITE, policyToken(acls, "acl-write", "{\"acl\":\"write\"}"));
        otherService = identityToken(acls, "api");
        readOnly = policyToken(acls, "read-all", "{\"service_prefix\":{\"\":{\"policy\":\"read\",\"intentions\":\"read\"}},"
                + "\"operator\":\"read\",\"acl\":\"read\",\"mesh\":\"read\"}");
        var gone = acls.createToken(request(List.of(), List.of()));
        acls.deleteToken(gone.token().accessorId(), "nobody");
        deleted = gone.secretId();
        policyId = acls.policyByName("read-all").value().id();
        throwawayAccessor = acls.createToken(request(List.of(), List.of())).token().accessorId();
    }

    @org.junit.jupiter.api.AfterAll
    void close() {
        f.close();
    }

    private String createIntention(String management, String source) {
        HttpResponse r = f.call("dc1", "POST", "/v1/connect/intentions", management,
                "{\"SourceName\":\"" + source + "\",\"DestinationName\":\"db\",\"Action\":\"allow\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body().replaceAll(".*\"ID\":\"([^\"]+)\".*", "$1");
    }

    private static TokenRequest request(List<PolicyRef> policies, List<AclToken.ServiceIdentity> identities) {
        return new TokenRequest(Optional.empty(), Optional.empty(), "matrix", policies, identities, false);
    }

    private static String identityToken(AclService acls, String service) {
        return acls.createToken(request(List.of(), List.of(new AclToken.ServiceIdentity(service, List.of()))))
                .secretId();
    }

    private static String policyToken(AclService acls, String name, String rules) {
        acls.createPolicy(new PolicyRequest(name, "", rules, List.of()));
        return acls.createToken(request(List.of(new PolicyRef(Optional.empty(), Optional.of(name))), List.of()))
                .secretId();
    }

    /** One request per (route, method), with the permission it needs. */
    private List<Case> cases() {
        String csr = csr("valid-ec-p256.pem").replace("\n", "\\n");
        return List.of(
                new Case("GET", "/v1/connect/ca/roots", null, Need.NONE),
                new Case("GET", "/v1/agent/connect/ca/roots", null, Need.NONE),
                new Case("GET", "/v1/connect/ca/configuration", null, Need.OPERATOR_READ),
                new Case("PUT", "/v1/connect/ca/configuration",
                        "{\"Provider\":\"consul\",\"Config\":{\"LeafCertTTL\":\"72h\"}}", Need.OPERATOR_WRITE),
                new Case("POST", "/v1/connect/ca/rotate", null, Need.OPERATOR_WRITE),
                new Case("POST", "/v1/connect/ca/sign", "{\"CSR\":\"" + csr + "\"}", Need.SERVICE_WRITE_WEB),
                new Case("GET", "/v1/agent/connect/ca/leaf/web", null, Need.SERVICE_WRITE_WEB),
                new Case("PUT", "/v1/acl/bootstrap", null, Need.GATEWAY_IAM),
                new Case("PUT", "/v1/acl/policy", "{\"Name\":\"p-%s\",\"Rules\":\"\"}", Need.ACL_WRITE),
                new Case("GET", "/v1/acl/policies", null, Need.ACL_READ),
                new Case("GET", "/v1/acl/policy/name/read-all", null, Need.ACL_READ),
                new Case("GET", "/v1/acl/policy/" + policyId, null, Need.ACL_READ),
                new Case("PUT", "/v1/acl/policy/" + policyId, "{\"Name\":\"read-all\",\"Rules\":"
                        + "\"{\\\"service_prefix\\\":{\\\"\\\":{\\\"policy\\\":\\\"read\\\",\\\"intentions\\\":\\\"read\\\"}},"
                        + "\\\"operator\\\":\\\"read\\\",\\\"acl\\\":\\\"read\\\",\\\"mesh\\\":\\\"read\\\"}\"}",
                        Need.ACL_WRITE),
                new Case("DELETE", "/v1/acl/policy/6d2f6e9c-0000-4000-8000-00000000dead", null, Need.ACL_WRITE),
                new Case("PUT", "/v1/acl/token", "{\"Description\":\"made by %s\"}", Need.ACL_WRITE),
                new Case("GET", "/v1/acl/tokens", null, Need.ACL_READ),
                new Case("GET", "/v1/acl/token/self", null, Need.VALID_TOKEN),
                new Case("GET", "/v1/acl/token/" + throwawayAccessor, null, Need.ACL_READ),
                new Case("PUT", "/v1/acl/token/" + throwawayAccessor, "{\"Description\":\"updated\"}", Need.ACL_WRITE),
                new Case("DELETE", "/v1/acl/token/" + throwawayAccessor, null, Need.ACL_WRITE),
                new Case("GET", "/v1/operator/federation/datacenters", null, Need.OPERATOR_READ),
                new Case("PUT", "/v1/operator/federation/datacenters", "[]", Need.OPERATOR_WRITE),
                new Case("GET", "/v1/operator/federation/enrolment", null, Need.OPERATOR_READ),
                new Case("GET", "/v1/operator/replication", null, Need.OPERATOR_READ),
                new Case("GET", "/v1/agent/self", null, Need.NONE),
                // Intentions: list and match are filtered per intention, so any valid token gets a 200
                new Case("POST", "/v1/agent/connect/authorize", "{\"Target\":\"db\",\"ClientCertURI\":"
                        + "\"spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web\"}",
                        Need.SERVICE_WRITE_DB),
                new Case("GET", "/v1/connect/intentions", null, Need.VALID_TOKEN),
                new Case("POST", "/v1/connect/intentions",
                        "{\"SourceName\":\"s-%s\",\"DestinationName\":\"db\",\"Action\":\"deny\"}",
                        Need.INTENTION_WRITE_DB),
                new Case("GET", "/v1/connect/intentions/exact?source=matrix-src&destination=db", null,
                        Need.INTENTION_READ_DB),
                new Case("PUT", "/v1/connect/intentions/exact?source=matrix-exact&destination=db",
                        "{\"Action\":\"allow\"}", Need.INTENTION_WRITE_DB),
                new Case("DELETE", "/v1/connect/intentions/exact?source=matrix-exact&destination=db", null,
                        Need.INTENTION_WRITE_DB),
                new Case("GET", "/v1/connect/intentions/match?by=destination&name=db", null, Need.VALID_TOKEN),
                new Case("GET", "/v1/connect/intentions/check?source=web&destination=db", null, Need.SERVICE_READ_DB),
                new Case("GET", "/v1/connect/intentions/" + intentionId, null, Need.INTENTION_READ_DB),
                new Case("PUT", "/v1/connect/intentions/" + intentionId,
                        "{\"SourceName\":\"matrix-src\",\"DestinationName\":\"db\",\"Action\":\"deny\"}",
                        Need.INTENTION_WRITE_DB),
                new Case("DELETE", "/v1/connect/intentions/" + throwawayIntentionId, null, Need.INTENTION_WRITE_DB));
    }

    @Test
    void everyRouteOfABuiltFunctionHasADeclaredPermissionAndTheRestAreExactlyTheUnbuiltFunctions() {
        Set<String> declared = new TreeSet<>();
        for (Case c : cases()) {
            var match = RouteTable.local().match(c.method(), c.pathAndQuery().split("\\?")[0]);
            assertThat(match).as(c.toString()).isInstanceOf(dev.meshfed.app.http.RouteMatch.Found.class);
            declared.add(c.method() + " " + ((dev.meshfed.app.http.RouteMatch.Found) match).route().template());
        }
        Set<String> served = new TreeSet<>();
        Set<String> unbuilt = new TreeSet<>();
        for (Route r : RouteTable.local().routes()) {
            r.methods().forEach((method, function) ->
                    (NOT_BUILT_YET.contains(function) ? unbuilt : served).add(method + " " + r.template()));
        }
        assertThat(declared).isEqualTo(served);
        for (String route : unbuilt) {
            String[] mp = route.split(" ");
            HttpResponse r = f.call("dc1", mp[0], mp[1].replace("{id}", "x"), null, null);
            assertThat(r.status()).as(route + " is not served until its function is built").isEqualTo(404);
        }
    }

    /** "METHOD template" of every (route, method) of {@code table} that no case calls. */
    static Set<String> withoutRows(RouteTable table, List<Case> cases) {
        Set<String> declared = new TreeSet<>();
        for (Case c : cases) {
            if (table.match(c.method(), c.pathAndQuery().split("\\?")[0])
                    instanceof dev.meshfed.app.http.RouteMatch.Found found) {
                declared.add(c.method() + " " + found.route().template());
            }
        }
        Set<String> missing = new TreeSet<>();
        for (Route r : table.routes()) {
            r.methods().keySet().forEach(method -> missing.add(method + " " + r.template()));
        }
        missing.removeAll(declared);
        return missing;
    }

    @Test
    void everyDeployedRouteAndMethodIsInTheMatrixCalledWithNoTokenAnotherServicesTokenAndTheRightToken() {
        assertThat(withoutRows(RouteTable.deployed(), cases())).isEmpty();
        assertThat(CALLERS).contains(Caller.NO_TOKEN, Caller.OTHER_SERVICE, Caller.RIGHT);
        for (Case c : cases()) {
            boolean needsAToken = c.need() != Need.NONE && c.need() != Need.VALID_TOKEN && c.need() != Need.GATEWAY_IAM;
            assertThat(!needsAToken || rightTokens.get(c.need()) != null).as("a right token for " + c).isTrue();
        }
    }

    @Test
    void aRouteAddedWithoutMatrixRowsIsReported() {
        List<Route> more = new ArrayList<>(dev.meshfed.app.http.MeshfedRoutes.declare());
        more.add(Route.of("/v1/connect/ca/new-thing", FunctionName.CA_ADMIN, "POST", "DELETE"));
        more.replaceAll(r -> r.template().equals("/v1/acl/tokens") ? r.plus("POST", FunctionName.CA_ADMIN) : r);
        assertThat(withoutRows(new RouteTable(more, false), cases()))
                .containsExactly("DELETE /v1/connect/ca/new-thing", "POST /v1/acl/tokens", "POST /v1/connect/ca/new-thing");
    }

    @Test
    void eachRouteAllowsExactlyTheCallersItsPermissionAdmits() {
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (Case c : cases()) {
            for (Caller caller : CALLERS) {
                String body = c.body() == null ? null : c.body().replace("%s", caller.name().toLowerCase() + n++);
                HttpResponse r = f.call("dc1", c.method(), c.pathAndQuery(), secret(caller, c.need()), body);
                String outcome = check(c, caller, r);
                if (outcome != null) {
                    failures.add(c.method() + " " + c.pathAndQuery() + " as " + caller + ": " + outcome);
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    private String secret(Caller caller, Need need) {
        return switch (caller) {
            case NO_TOKEN -> null;
            case OTHER_SERVICE -> otherService;
            case READ_ONLY -> readOnly;
            case DELETED -> deleted;
            case RIGHT -> rightTokens.getOrDefault(need, null);
        };
    }

    /** Null when {@code r} is what {@code caller} should get on {@code c}, else what went wrong. */
    private static String check(Case c, Caller caller, HttpResponse r) {
        if (c.need() == Need.GATEWAY_IAM) {
            // no Consul token decides: every caller meets the one-time rule (bootstrap happened)
            return r.status() == 403 && r.body().startsWith("Permission denied: ACL bootstrap no longer allowed")
                    ? null : "expected the bootstrap refusal, got " + r.status() + " " + r.body();
        }
        boolean allowed = switch (c.need()) {
            case NONE -> true;
            case VALID_TOKEN -> caller != Caller.DELETED;
            case OPERATOR_READ, ACL_READ -> caller == Caller.READ_ONLY || caller == Caller.RIGHT;
            // a service identity (OTHER_SERVICE) reads every service and its intentions
            case SERVICE_READ_DB, INTENTION_READ_DB -> caller != Caller.NO_TOKEN && caller != Caller.DELETED;
            default -> caller == Caller.RIGHT;
        };
        boolean denied = r.status() == 403;
        if (allowed && denied) {
            return "expected to be allowed, got 403 " + r.body();
        }
        if (allowed && r.status() >= 500) {
            return "allowed but failed: " + r.status() + " " + r.body();
        }
        if (!allowed) {
            if (!denied) {
                return "expected 403, got " + r.status() + " " + r.body();
            }
            String expected = caller == Caller.DELETED ? "ACL not found"
                    : caller == Caller.NO_TOKEN ? "Permission denied: anonymous token lacks permission '"
                    : "Permission denied: token with AccessorID '";
            if (!r.body().startsWith(expected)) {
                return "expected a 403 starting \"" + expected + "\", got " + r.body();
            }
        }
        return null;
    }

    private static String csr(String name) {
        try {
            return Files.readString(CSR_FIXTURES.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
