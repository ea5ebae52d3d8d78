package dev.meshfed.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.app.config.DcConfig;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.acl.BuiltinPolicies;
import dev.meshfed.core.acl.Secrets;
import dev.meshfed.core.store.Table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The ACL endpoints of api.md through a DC wired as deployed, with ACLs on. */
class AclApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final WiredFederation f = new WiredFederation(DcConfig.AclMode.ON, "dc1", "dc2");

    @org.junit.jupiter.api.AfterEach
    void close() {
        f.close();
    }

    private static JsonNode json(HttpResponse r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(r.status() + " " + r.body(), e);
        }
    }

    private HttpResponse call(String method, String path, String token, String body) {
        return f.call("dc1", method, path, token, body);
    }

    private String createToken(String management, String body) {
        HttpResponse r = call("PUT", "/v1/acl/token", management, body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return json(r).get("SecretID").asText();
    }

    // ---- bootstrap ----------------------------------------------------------------------------

    @Test
    void bootstrapGivesOneManagementTokenWithItsSecretThenRefusesWithConsulsText() {
        HttpResponse first = call("PUT", "/v1/acl/bootstrap", null, null);
        assertThat(first.status()).isEqualTo(200);
        JsonNode token = json(first);
        assertThat(token.get("SecretID").asText()).matches("[0-9a-f-]{36}");
        assertThat(token.get("AccessorID").asText()).matches("[0-9a-f-]{36}");
        assertThat(token.get("Policies").get(0).get("ID").asText()).isEqualTo(BuiltinPolicies.GLOBAL_MANAGEMENT_ID);
        assertThat(token.get("Policies").get(0).get("Name").asText()).isEqualTo("global-management");

        HttpResponse second = call("PUT", "/v1/acl/bootstrap", null, null);
        assertThat(second.status()).isEqualTo(403);
        assertThat(second.body()).startsWith("Permission denied: ACL bootstrap no longer allowed (reset index: ");

        // the management token may do anything
        String secret = token.get("SecretID").asText();
        assertThat(call("GET", "/v1/operator/replication", secret, null).status()).isEqualTo(200);
        assertThat(call("GET", "/v1/acl/tokens", secret, null).status()).isEqualTo(200);
    }

    @Test
    void bootstrapInASecondaryIsRefusedThereAndNeverForwarded() {
        HttpResponse r = f.call("dc2", "PUT", "/v1/acl/bootstrap", null, null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("primary datacenter dc1");
        assertThat(f.harness.dc("dc1").intentionStore().bootstrapMarker(true)).isEmpty();
    }

    @Test
    void concurrentBootstrapsMakeExactlyOneManagementToken() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<Integer> bootstrap = () -> call("PUT", "/v1/acl/bootstrap", null, null).status();
                results.add(pool.submit(bootstrap));
            }
            int ok = 0;
            for (Future<Integer> r : results) {
                int status = r.get();
                assertThat(status).isIn(200, 403);
                ok += status == 200 ? 1 : 0;
            }
            assertThat(ok).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(f.harness.dc("dc1").intentionStore().tokens(true)).hasSize(1);
    }

    // ---- tokens -------------------------------------------------------------------------------

    @Test
    void aTokensSecretAppearsOnlyInTheResponseThatCreatesItAndIsStoredOnlyAsItsHash() {
        String management = f.bootstrap();
        HttpResponse created = call("PUT", "/v1/acl/token", management,
                "{\"Description\":\"web\",\"ServiceIdentities\":[{\"ServiceName\":\"web\"}]}");
        String secret = json(created).get("SecretID").asText();
        String accessor = json(created).get("AccessorID").asText();

        JsonNode read = json(call("GET", "/v1/acl/token/" + accessor, management, null));
        assertThat(read.has("SecretID")).isFalse();
        assertThat(read.get("ServiceIdentities").get(0).get("ServiceName").asText()).isEqualTo("web");
        for (JsonNode t : json(call("GET", "/v1/acl/tokens", management, null))) {
            assertThat(t.has("SecretID")).isFalse();
            assertThat(t.get("Legacy").asBoolean()).isFalse();
        }
        JsonNode self = json(call("GET", "/v1/acl/token/self", secret, null));
        assertThat(self.get("AccessorID").asText()).isEqualTo(accessor);
        assertThat(self.has("SecretID")).isFalse();

        f.harness.settle();
        for (String dc : List.of("dc1", "dc2")) {
            for (Table t : Table.values()) {
                assertThat(f.harness.dc(dc).table(t).snapshot()).allSatisfy(item ->
                        assertThat(item.toString()).doesNotContain(secret).doesNotContain(management));
            }
        }
        assertThat(f.harness.dc("dc2").intentionStore().token(accessor, true).orElseThrow().value().secretSha256())
                .isEqualTo(Secrets.sha256Hex(secret));
    }

    @Test
    void aTokenMadeInThePrimaryWorksInTheSecondaryOnceReplicatedAndStopsEverywhereOnceDeleted() {
        String management = f.bootstrap();
        createPolicy(management, "ops", "{\"operator\":\"read\"}");
        HttpResponse created = call("PUT", "/v1/acl/token", management, "{\"Policies\":[{\"Name\":\"ops\"}]}");
        String secret = json(created).get("SecretID").asText();
        String accessor = json(created).get("AccessorID").asText();

        assertThat(f.call("dc2", "GET", "/v1/operator/replication", secret, null).body()).isEqualTo("ACL not found");
        f.harness.settle();
        assertThat(f.call("dc2", "GET", "/v1/operator/replication", secret, null).status()).isEqualTo(200);

        assertThat(call("DELETE", "/v1/acl/token/" + accessor, management, null).body()).isEqualTo("true");
        assertThat(call("GET", "/v1/operator/replication", secret, null).body()).isEqualTo("ACL not found");
        f.harness.settle();
        HttpResponse afterReplication = f.call("dc2", "GET", "/v1/operator/replication", secret, null);
        assertThat(afterReplication.status()).isEqualTo(403);
        assertThat(afterReplication.body()).isEqualTo("ACL not found");
    }

    @Test
    void aPolicyLinkedByNameIsStoredByIdAndAnUnknownPolicyIsRefused() {
        String management = f.bootstrap();
        String id = createPolicy(management, "readers", "{\"service_prefix\":{\"\":{\"policy\":\"read\"}}}");
        JsonNode token = json(call("PUT", "/v1/acl/token", management, "{\"Policies\":[{\"Name\":\"readers\"}]}"));
        assertThat(token.get("Policies").get(0).get("ID").asText()).isEqualTo(id);
        HttpResponse unknown = call("PUT", "/v1/acl/token", management, "{\"Policies\":[{\"Name\":\"nope\"}]}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).isEqualTo("No such ACL policy with name \"nope\"");
    }

    @Test
    void updatingATokenKeepsItsSecretAndRefusesAnother() {
        String management = f.bootstrap();
        HttpResponse created = call("PUT", "/v1/acl/token", management, "{\"Description\":\"a\"}");
        String accessor = json(created).get("AccessorID").asText();
        String secret = json(created).get("SecretID").asText();
        HttpResponse updated = call("PUT", "/v1/acl/token/" + accessor, management,
                "{\"Description\":\"b\",\"ServiceIdentities\":[{\"ServiceName\":\"db\"}]}");
        assertThat(json(updated).get("Description").asText()).isEqualTo("b");
        assertThat(json(updated).has("SecretID")).isFalse();
        assertThat(call("GET", "/v1/acl/token/self", secret, null).status()).isEqualTo(200);
        HttpResponse changeSecret = call("PUT", "/v1/acl/token/" + accessor, management,
                "{\"SecretID\":\"11111111-2222-4333-8444-555555555555\"}");
        assertThat(changeSecret.status()).isEqualTo(400);
        assertThat(changeSecret.body()).isEqualTo("Changing a tokens SecretID is not permitted");
    }

    @Test
    void aCallerCannotDeleteItsOwnTokenNorTheAnonymousToken() {
        String management = f.bootstrap();
        String accessor = json(call("GET", "/v1/acl/token/self", management, null)).get("AccessorID").asText();
        HttpResponse self = call("DELETE", "/v1/acl/token/" + accessor, management, null);
        assertThat(self.status()).isEqualTo(400);
        assertThat(self.body()).isEqualTo("Deletion of the request's authorization token is not permitted");
        HttpResponse anonymous = call("DELETE", "/v1/acl/token/00000000-0000-0000-0000-000000000002", management, null);
        assertThat(anonymous.status()).isEqualTo(400);
    }

    @Test
    void theAnonymousTokenGivenAPolicyGrantsItToRequestsWithoutAToken() {
        String management = f.bootstrap();
        assertThat(call("GET", "/v1/operator/replication", null, null).status()).isEqualTo(403);
        createPolicy(management, "anon-ops", "{\"operator\":\"read\"}");
        HttpResponse r = call("PUT", "/v1/acl/token/00000000-0000-0000-0000-000000000002", management,
                "{\"Description\":\"Anonymous Token\",\"Policies\":[{\"Name\":\"anon-ops\"}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(call("GET", "/v1/operator/replication", null, null).status()).isEqualTo(200);
        assertThat(call("PUT", "/v1/connect/ca/configuration", null, "{\"Config\":{}}").status()).isEqualTo(403);
    }

    @Test
    void consulTokenFieldsMeshfedDoesNotImplementAreRefusedAndNothingIsStored() {
        String management = f.bootstrap();
        int before = f.harness.dc("dc1").intentionStore().tokens(true).size();
        for (String body : List.of("{\"Roles\":[{\"Name\":\"r\"}]}", "{\"ExpirationTTL\":\"1h\"}",
                "{\"NodeIdentities\":[{\"NodeName\":\"n\",\"Datacenter\":\"dc1\"}]}",
                "{\"TemplatedPolicies\":[{\"TemplateName\":\"builtin/service\"}]}")) {
            HttpResponse r = call("PUT", "/v1/acl/token", management, body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.body()).contains("not supported by meshfed");
        }
        assertThat(f.harness.dc("dc1").intentionStore().tokens(true)).hasSize(before);
    }

    // ---- policies -----------------------------------------------------------------------------

    private String createPolicy(String management, String name, String rules) {
        HttpResponse r = call("PUT", "/v1/acl/policy", management,
                "{\"Name\":\"" + name + "\",\"Rules\":" + quote(rules) + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return json(r).get("ID").asText();
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void policiesAreCreatedReadByIdAndNameListedWithoutRulesRenamedAndDeleted() {
        String management = f.bootstrap();
        String rules = "{\"service\":{\"web\":{\"policy\":\"write\"}}}";
        String id = createPolicy(management, "web-writer", rules);
        JsonNode byId = json(call("GET", "/v1/acl/policy/" + id, management, null));
        assertThat(byId.get("Rules").asText()).isEqualTo(rules);
        assertThat(byId.get("Hash").asText()).isNotEmpty();
        assertThat(json(call("GET", "/v1/acl/policy/name/web-writer", management, null)).get("ID").asText())
                .isEqualTo(id);
        JsonNode list = json(call("GET", "/v1/acl/policies", management, null));
        assertThat(list).hasSize(2); // global-management and ours
        assertThat(list.get(0).get("Name").asText()).isEqualTo("global-management");
        list.forEach(p -> assertThat(p.has("Rules")).isFalse());

        HttpResponse duplicate = call("PUT", "/v1/acl/policy", management, "{\"Name\":\"web-writer\",\"Rules\":\"\"}");
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.body()).isEqualTo("Invalid Policy: A Policy with Name \"web-writer\" already exists");

        HttpResponse renamed = call("PUT", "/v1/acl/policy/" + id, management,
                "{\"Name\":\"web-writer-2\",\"Rules\":" + quote(rules) + "}");
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        assertThat(call("GET", "/v1/acl/policy/name/web-writer", management, null).status()).isEqualTo(404);
        createPolicy(management, "web-writer", ""); // the old name is free again

        assertThat(call("DELETE", "/v1/acl/policy/" + id, management, null).body()).isEqualTo("true");
        assertThat(call("GET", "/v1/acl/policy/" + id, management, null).status()).isEqualTo(404);
        createPolicy(management, "web-writer-2", ""); // so is the deleted one's
    }

    @Test
    void concurrentCreatesOfOnePolicyNameMakeExactlyOnePolicy() throws Exception {
        String management = f.bootstrap();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<Integer> create = () -> call("PUT", "/v1/acl/policy", management,
                        "{\"Name\":\"racy\",\"Rules\":\"\"}").status();
                results.add(pool.submit(create));
            }
            int ok = 0;
            for (Future<Integer> r : results) {
                int status = r.get();
                assertThat(status).isIn(200, 400, 409);
                ok += status == 200 ? 1 : 0;
            }
            assertThat(ok).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(f.harness.dc("dc1").intentionStore().policies(true)).hasSize(1);
    }

    @Test
    void theBuiltinManagementPolicyCannotBeChangedOrDeleted() {
        String management = f.bootstrap();
        String path = "/v1/acl/policy/" + BuiltinPolicies.GLOBAL_MANAGEMENT_ID;
        assertThat(json(call("GET", path, management, null)).get("Name").asText()).isEqualTo("global-management");
        assertThat(call("PUT", path, management, "{\"Name\":\"global-management\",\"Rules\":\"\"}").status())
                .isEqualTo(400);
        assertThat(call("DELETE", path, management, null).status()).isEqualTo(400);
        assertThat(call("PUT", "/v1/acl/policy", management, "{\"Name\":\"global-management\"}").status())
                .isEqualTo(400);
    }

    @Test
    void hclRulesAreA400ThatSaysTheJsonFormIsNeeded() {
        String management = f.bootstrap();
        HttpResponse r = call("PUT", "/v1/acl/policy", management,
                "{\"Name\":\"hcl\",\"Rules\":\"service \\\"web\\\" { policy = \\\"write\\\" }\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).containsIgnoringCase("HCL").containsIgnoringCase("JSON");
        assertThat(call("GET", "/v1/acl/policy/name/hcl", management, null).status()).isEqualTo(404);
    }

    // ---- bad input changes nothing --------------------------------------------------------------

    @Test
    void malformedHostileAndOversizedBodiesAreClearRefusalsThatChangeNothing() {
        String management = f.bootstrap();
        int tokens = f.harness.dc("dc1").intentionStore().tokens(true).size();
        int policies = f.harness.dc("dc1").intentionStore().policies(true).size();
        String deep = "[".repeat(5000) + "]".repeat(5000);
        List<String[]> cases = List.of(
                new String[] {"PUT", "/v1/acl/token", "{\"Policies\":\"all\"}"},
                new String[] {"PUT", "/v1/acl/token", "{\"Policies\":[null]}"},
                new String[] {"PUT", "/v1/acl/token", "{\"ServiceIdentities\":[{\"ServiceName\":\"Web!\"}]}"},
                new String[] {"PUT", "/v1/acl/token", "{\"ServiceIdentities\":[{}]}"},
                new String[] {"PUT", "/v1/acl/token", "{\"AccessorID\":\"not-a-uuid\"}"},
                new String[] {"PUT", "/v1/acl/token", "{\"SecretID\":\"' OR 1=1 --\"}"},
                new String[] {"PUT", "/v1/acl/token", "{\"Description\":\"" + "x".repeat(2000) + "\"}"},
                new String[] {"PUT", "/v1/acl/token", deep},
                new String[] {"PUT", "/v1/acl/token", "not json"},
                new String[] {"PUT", "/v1/acl/token", "{\"Description\":\"" + "x".repeat(70_000) + "\"}"},
                new String[] {"PUT", "/v1/acl/policy", "{\"Name\":\"bad name!\"}"},
                new String[] {"PUT", "/v1/acl/policy", "{\"Name\":\"ok\",\"Rules\":{\"service\":{}}}"},
                new String[] {"PUT", "/v1/acl/policy", "{\"Name\":\"ok\",\"Rules\":\"{\\\"operator\\\":\\\"admin\\\"}\"}"},
                new String[] {"PUT", "/v1/acl/policy", "{\"Name\":\"ok\",\"Datacenters\":[\"DC_1\"]}"},
                new String[] {"PUT", "/v1/acl/policy", "{\"ID\":\"x\",\"Name\":\"ok\"}"},
                new String[] {"PUT", "/v1/acl/policy", "{\"Name\":\"dcp\",\"Datacenters\":[\"dc1\",null]}"},
                new String[] {"PUT", "/v1/acl/token",
                        "{\"ServiceIdentities\":[{\"ServiceName\":\"db\",\"Datacenters\":[null]}]}"},
                new String[] {"PUT", "/v1/acl/policy/" + "%00", "{\"Name\":\"ok\"}"});
        for (String[] c : cases) {
            HttpResponse r = call(c[0], c[1], management, c[2]);
            if (c[2].contains("[null]}]") || c[2].contains("\"dc1\",null")) {
                assertThat(r.body()).as(c[2]).startsWith("invalid JSON body: field ").contains("Datacenters");
            }
            assertThat(r.status()).as(c[1] + " " + c[2].substring(0, Math.min(60, c[2].length()))).isIn(400, 404, 413);
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        assertThat(f.harness.dc("dc1").intentionStore().tokens(true)).hasSize(tokens);
        assertThat(f.harness.dc("dc1").intentionStore().policies(true)).hasSize(policies);
    }

    @Test
    void withAclsOffEveryAclEndpointAnswersConsulsAclSupportDisabled() {
        WiredFederation off = new WiredFederation(DcConfig.AclMode.OFF, "dc1");
        for (String[] c : List.of(new String[] {"PUT", "/v1/acl/bootstrap"}, new String[] {"GET", "/v1/acl/tokens"},
                new String[] {"GET", "/v1/acl/token/self"}, new String[] {"PUT", "/v1/acl/policy"})) {
            HttpResponse r = off.call("dc1", c[0], c[1], null, "{}");
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.body()).isEqualTo("ACL support disabled");
        }
        assertThat(off.harness.dc("dc1").intentionStore().bootstrapMarker(true)).isEmpty();
    }
}
