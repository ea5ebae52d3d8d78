package dev.meshfed.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.app.config.DcConfig;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.intentions.IntentionItem;
import dev.meshfed.core.intentions.IntentionViewApplier;
import dev.meshfed.core.store.Versioned;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The intention endpoints and authorize of api.md through DCs wired as deployed. */
class IntentionsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INTENTIONS = "/v1/connect/intentions";

    private WiredFederation f;
    private String management;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    private void aclsOn() {
        f = new WiredFederation(DcConfig.AclMode.ON, "dc1", "dc2").withPrimaryCa();
        management = f.bootstrap();
    }

    private void aclsOff() {
        f = new WiredFederation(DcConfig.AclMode.OFF, "dc1", "dc2").withPrimaryCa();
        management = null;
    }

    private static JsonNode json(HttpResponse r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(r.status() + " " + r.body(), e);
        }
    }

    private HttpResponse call(String method, String path, String body) {
        return f.call("dc1", method, path, management, body);
    }

    private HttpResponse ok(HttpResponse r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r;
    }

    private String create(String body) {
        return json(ok(call("POST", INTENTIONS, body))).get("ID").asText();
    }

    private static String ixn(String source, String destination, String action) {
        return "{\"SourceName\":\"" + source + "\",\"DestinationName\":\"" + destination + "\",\"Action\":\"" + action + "\"}";
    }

    private String trustDomain() {
        return f.harness.dc("dc1").caStore().bundle(true).orElseThrow().value().trustDomain().value();
    }

    private String authorizeBody(String target, String sourceDc, String service) {
        return "{\"Target\":\"" + target + "\",\"ClientCertURI\":\"spiffe://" + trustDomain() + "/ns/default/dc/" + sourceDc
                + "/svc/" + service + "\",\"ClientCertSerial\":\"01\"}";
    }

    /**
     * Brings dc2's view up to the primary's items. The secondary's view changes only through
     * replicate-intentions (built separately); until it is wired, the test applies the replicated
     * items itself with the same rule that function uses.
     */
    private void replicateToDc2() {
        f.harness.settle();
        var dc2 = f.harness.dc("dc2");
        for (Versioned<IntentionItem> item : dc2.intentionStore().intentions(true)) {
            IntentionViewApplier.apply(dc2.privateStore(), item.value(), item.version());
        }
    }

    // ---- CRUD ---------------------------------------------------------------------------------

    @Test
    void createGetUpdateDeleteInConsulsShapes() {
        aclsOn();
        String id = create("{\"SourceName\":\"web\",\"DestinationName\":\"db\",\"Action\":\"allow\",\"Description\":\"d\","
                + "\"Meta\":{\"team\":\"a\"},\"Precedence\":1,\"CreatedAt\":\"1999-01-01T00:00:00Z\"}");
        assertThat(id).matches("[0-9a-f-]{36}");

        HttpResponse got = ok(call("GET", INTENTIONS + "/" + id, null));
        assertThat(got.header("X-Consul-Index")).isPresent();
        JsonNode i = json(got);
        assertThat(i.get("ID").asText()).isEqualTo(id);
        assertThat(i.get("SourceNS").asText()).isEqualTo("default");
        assertThat(i.get("SourceName").asText()).isEqualTo("web");
        assertThat(i.get("DestinationNS").asText()).isEqualTo("default");
        assertThat(i.get("DestinationName").asText()).isEqualTo("db");
        assertThat(i.get("SourceType").asText()).isEqualTo("consul");
        assertThat(i.get("Action").asText()).isEqualTo("allow");
        assertThat(i.get("Precedence").asInt()).as("read-only").isEqualTo(9);
        assertThat(i.get("Meta").get("team").asText()).isEqualTo("a");
        assertThat(i.get("Description").asText()).isEqualTo("d");
        assertThat(i.get("CreatedAt").asText()).isEqualTo(f.harness.clock().instant().toString());
        assertThat(i.get("CreateIndex").asLong()).isPositive().isEqualTo(i.get("ModifyIndex").asLong());
        assertThat(i.has("Permissions")).isFalse();
        assertThat(i.has("SourceDatacenter")).isFalse();

        HttpResponse updated = ok(call("PUT", INTENTIONS + "/" + id,
                "{\"SourceName\":\"web\",\"DestinationName\":\"db\",\"Permissions\":[{\"Action\":\"deny\","
                        + "\"HTTP\":{\"PathPrefix\":\"/admin\"}}]}"));
        assertThat(json(updated).get("ID").asText()).isEqualTo(id);
        JsonNode after = json(ok(call("GET", INTENTIONS + "/" + id, null)));
        assertThat(after.has("Action")).isFalse();
        assertThat(after.get("Permissions").isArray()).isTrue();
        assertThat(after.get("Permissions").get(0).get("HTTP").get("PathPrefix").asText()).isEqualTo("/admin");
        assertThat(after.get("ModifyIndex").asLong()).isGreaterThan(i.get("ModifyIndex").asLong());

        HttpResponse deleted = ok(call("DELETE", INTENTIONS + "/" + id, null));
        assertThat(deleted.body()).isEqualTo("true");
        HttpResponse gone = call("GET", INTENTIONS + "/" + id, null);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body()).isEqualTo("Intention not found");
        assertThat(call("DELETE", INTENTIONS + "/" + id, null).status()).isEqualTo(404);
        assertThat(call("PUT", INTENTIONS + "/" + id, ixn("web", "db", "allow")).status()).isEqualTo(404);
    }

    @Test
    void aDuplicateKeyIsA400AndAnotherDatacenterScopeIsAnotherKey() {
        aclsOn();
        String id = create(ixn("web", "db", "allow"));
        HttpResponse dup = call("POST", INTENTIONS, ixn("web", "db", "deny"));
        assertThat(dup.status()).isEqualTo(400);
        assertThat(dup.body()).isEqualTo("duplicate intention found: default/web => default/db (ID: " + id
                + ", Precedence: 9, Action: ALLOW)");
        create("{\"SourceName\":\"web\",\"DestinationName\":\"db\",\"Action\":\"deny\",\"SourceDatacenter\":\"dc2\"}");
        assertThat(json(ok(call("GET", INTENTIONS, null)))).hasSize(2);
    }

    @Test
    void updateKeepsAbsentDatacenterFieldsAndClearsEmptyOnes() {
        aclsOn();
        String id = create("{\"SourceName\":\"web\",\"DestinationName\":\"db\",\"Action\":\"allow\","
                + "\"SourceDatacenter\":\"dc2\",\"DestinationDatacenter\":\"dc1\"}");
        ok(call("PUT", INTENTIONS + "/" + id, ixn("web", "db", "deny")));
        JsonNode kept = json(ok(call("GET", INTENTIONS + "/" + id, null)));
        assertThat(kept.get("SourceDatacenter").asText()).isEqualTo("dc2");
        assertThat(kept.get("DestinationDatacenter").asText()).isEqualTo("dc1");
        assertThat(kept.get("Action").asText()).isEqualTo("deny");

        ok(call("PUT", INTENTIONS + "/" + id, "{\"SourceName\":\"web\",\"DestinationName\":\"db\",\"Action\":\"deny\","
                + "\"SourceDatacenter\":\"\"}"));
        JsonNode cleared = json(ok(call("GET", INTENTIONS + "/" + id, null)));
        assertThat(cleared.has("SourceDatacenter")).isFalse();
        assertThat(cleared.get("DestinationDatacenter").asText()).isEqualTo("dc1");
    }

    @Test
    void exactGetPutAndDelete() {
        aclsOn();
        String exact = INTENTIONS + "/exact?source=web&destination=db";
        assertThat(call("GET", exact, null).status()).isEqualTo(404);
        assertThat(ok(call("PUT", exact, "{\"Action\":\"allow\",\"Description\":\"first\"}")).body()).isEqualTo("true");
        JsonNode first = json(ok(call("GET", exact, null)));
        assertThat(first.get("Action").asText()).isEqualTo("allow");
        ok(call("PUT", exact, "{\"Action\":\"deny\"}"));
        JsonNode second = json(ok(call("GET", exact, null)));
        assertThat(second.get("ID").asText()).as("an upsert keeps the ID").isEqualTo(first.get("ID").asText());
        assertThat(second.get("Action").asText()).isEqualTo("deny");

        HttpResponse meta = call("PUT", exact, "{\"Action\":\"deny\",\"Meta\":{\"a\":\"b\"}}");
        assertThat(meta.status()).isEqualTo(400);
        assertThat(meta.body()).isEqualTo("Meta must not be specified");

        String scoped = INTENTIONS + "/exact?source=web&destination=db&source-dc=dc2";
        assertThat(call("GET", scoped, null).status()).isEqualTo(404);
        ok(call("PUT", scoped, "{\"Action\":\"allow\"}"));
        assertThat(json(ok(call("GET", scoped, null))).get("SourceDatacenter").asText()).isEqualTo("dc2");

        assertThat(ok(call("DELETE", exact, null)).body()).isEqualTo("true");
        assertThat(call("GET", exact, null).status()).isEqualTo(404);
        assertThat(ok(call("DELETE", exact, null)).body()).as("deleting what is gone").isEqualTo("true");
        assertThat(json(ok(call("GET", INTENTIONS, null)))).hasSize(1);
    }

    // ---- match, check, filter -----------------------------------------------------------------

    @Test
    void matchByDestinationAndBySourceWithRepeatedNamesInPrecedenceOrder() {
        aclsOn();
        String exact = create(ixn("web", "db", "allow"));
        String wildSource = create(ixn("*", "db", "deny"));
        String all = create("{\"SourceNS\":\"*\",\"SourceName\":\"*\",\"DestinationNS\":\"*\",\"DestinationName\":\"*\","
                + "\"Action\":\"deny\"}");
        String other = create(ixn("web", "api", "allow"));
        JsonNode byDest = json(ok(call("GET", INTENTIONS + "/match?by=destination&name=db&name=api", null)));
        assertThat(byDest.get("db").findValuesAsText("ID")).containsExactly(exact, wildSource, all);
        assertThat(byDest.get("api").findValuesAsText("ID")).containsExactly(other, all);
        JsonNode bySource = json(ok(call("GET", INTENTIONS + "/match?by=source&name=default/web", null)));
        assertThat(bySource.get("default/web").findValuesAsText("ID")).containsExactly(other, exact, wildSource, all);

        assertThat(call("GET", INTENTIONS + "/match?name=db", null).body()).isEqualTo("required query parameter 'by' not set");
        assertThat(call("GET", INTENTIONS + "/match?by=x&name=db", null).body())
                .isEqualTo("'by' parameter must be one of 'source' or 'destination'");
        assertThat(call("GET", INTENTIONS + "/match?by=source", null).body())
                .isEqualTo("required query parameter 'name' not set");
    }

    @Test
    void checkAnswersFromTheViewWithDatacenters() {
        aclsOn();
        create(ixn("web", "db", "allow"));
        create("{\"SourceName\":\"web\",\"DestinationName\":\"db\",\"Action\":\"deny\",\"SourceDatacenter\":\"dc2\"}");
        String check = INTENTIONS + "/check?source=web&destination=db";
        assertThat(json(ok(call("GET", check, null))).get("Allowed").asBoolean()).isTrue();
        assertThat(json(ok(call("GET", check + "&source-dc=dc2", null))).get("Allowed").asBoolean()).isFalse();
        assertThat(json(ok(call("GET", check + "&source-dc=dc3", null))).get("Allowed").asBoolean()).isTrue();
        assertThat(json(ok(call("GET", INTENTIONS + "/check?source=api&destination=db", null))).get("Allowed")
                .asBoolean()).as("ACLs on: default deny").isFalse();
        assertThat(call("GET", INTENTIONS + "/check?source=web", null).body())
                .isEqualTo("required query parameter 'destination' not set");
        assertThat(call("GET", check + "&source-dc=DC_2", null).status()).isEqualTo(400);
    }

    @Test
    void listFiltersWithTheFilterLanguageAndRefusesWhatItDoesNotKnow() {
        aclsOn();
        create(ixn("web", "db", "allow"));
        create(ixn("web", "api", "deny"));
        create(ixn("api", "db", "deny"));
        JsonNode some = json(ok(call("GET", INTENTIONS + "?filter=" + java.net.URLEncoder.encode(
                "SourceName == \"web\" and DestinationName != \"db\"", java.nio.charset.StandardCharsets.UTF_8), null)));
        assertThat(some).hasSize(1);
        assertThat(some.get(0).get("DestinationName").asText()).isEqualTo("api");
        HttpResponse bad = call("GET", INTENTIONS + "?filter=SourceName%20contains%20web", null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).startsWith("Failed to create boolean expression evaluator: ");
    }

    @Test
    void listAndMatchShowOnlyIntentionsTheTokenMayRead() {
        aclsOn();
        create(ixn("web", "db", "allow"));
        create(ixn("web", "api", "allow"));
        String policy = "{\"Name\":\"db-only\",\"Rules\":\"{\\\"service\\\":{\\\"db\\\":{\\\"policy\\\":\\\"deny\\\","
                + "\\\"intentions\\\":\\\"read\\\"}}}\"}";
        ok(call("PUT", "/v1/acl/policy", policy));
        String dbOnly = json(ok(call("PUT", "/v1/acl/token", "{\"Policies\":[{\"Name\":\"db-only\"}]}")))
                .get("SecretID").asText();
        JsonNode seen = json(ok(f.call("dc1", "GET", INTENTIONS, dbOnly, null)));
        assertThat(seen.findValuesAsText("DestinationName")).containsExactly("db");
        JsonNode matched = json(ok(f.call("dc1", "GET", INTENTIONS + "/match?by=source&name=web", dbOnly, null)));
        assertThat(matched.get("web").findValuesAsText("DestinationName")).containsExactly("db");
        assertThat(json(ok(f.call("dc1", "GET", INTENTIONS, null, null)))).as("anonymous sees nothing").isEmpty();
    }

    // ---- authorize ----------------------------------------------------------------------------

    @Test
    void authorizeMatchesL4AndL7IntentionsAndDatacenterScopesWithConsulsReasons() {
        aclsOn();
        String allow = create(ixn("web", "db", "allow"));
        create("{\"SourceName\":\"api\",\"DestinationName\":\"db\",\"Permissions\":[{\"Action\":\"allow\","
                + "\"HTTP\":{\"PathPrefix\":\"/\"}}]}");
        create("{\"SourceName\":\"web\",\"DestinationName\":\"db\",\"Action\":\"deny\",\"SourceDatacenter\":\"dc2\"}");
        String authorize = "/v1/agent/connect/authorize";

        JsonNode yes = json(ok(call("POST", authorize, authorizeBody("db", "dc1", "web"))));
        assertThat(yes.get("Authorized").asBoolean()).isTrue();
        assertThat(yes.get("Reason").asText())
                .isEqualTo("Matched L4 intention: default/web => default/db (ID: " + allow + ", Precedence: 9, Action: ALLOW)");
        JsonNode fromDc2 = json(ok(call("POST", authorize, authorizeBody("db", "dc2", "web"))));
        assertThat(fromDc2.get("Authorized").asBoolean()).as("the source DC comes from the SPIFFE ID").isFalse();
        JsonNode l7 = json(ok(call("POST", authorize, authorizeBody("db", "dc1", "api"))));
        assertThat(l7.get("Authorized").asBoolean()).isFalse();
        assertThat(l7.get("Reason").asText()).startsWith("Matched L7 intention: default/api => default/db");
        JsonNode none = json(ok(call("POST", authorize, authorizeBody("db", "dc1", "other"))));
        assertThat(none.get("Authorized").asBoolean()).isFalse();
        assertThat(none.get("Reason").asText()).isEqualTo("Default behavior configured by ACLs");

        JsonNode foreign = json(ok(call("POST", authorize, "{\"Target\":\"db\",\"ClientCertURI\":"
                + "\"spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web\"}")));
        assertThat(foreign.get("Authorized").asBoolean()).isFalse();
        assertThat(foreign.get("Reason").asText()).isEqualTo("Identity from an external trust domain");

        assertThat(call("POST", authorize, "{\"ClientCertURI\":\"spiffe://x.consul/ns/default/dc/dc1/svc/web\"}").body())
                .isEqualTo("Target service must be specified");
        assertThat(call("POST", authorize, "{\"Target\":\"db\",\"ClientCertURI\":\"https://x\"}").body())
                .isEqualTo("ClientCertURI not a valid Connect identifier");
        assertThat(call("POST", authorize, "{\"Target\":\"db\",\"ClientCertURI\":\"spiffe://" + trustDomain() + "\"}")
                .body()).isEqualTo("ClientCertURI not a valid Service identifier");
    }

    @Test
    void withAclsOffEverythingIsAllowedAndTheDefaultIsAllow() {
        aclsOff();
        create(ixn("web", "db", "deny"));
        JsonNode none = json(ok(call("POST", "/v1/agent/connect/authorize", authorizeBody("db", "dc1", "api"))));
        assertThat(none.get("Authorized").asBoolean()).isTrue();
        assertThat(none.get("Reason").asText()).isEqualTo("Default behavior configured by ACLs");
        JsonNode denied = json(ok(call("POST", "/v1/agent/connect/authorize", authorizeBody("db", "dc1", "web"))));
        assertThat(denied.get("Authorized").asBoolean()).isFalse();
        assertThat(json(ok(call("GET", INTENTIONS + "/check?source=api&destination=db", null))).get("Allowed").asBoolean())
                .isTrue();
        assertThat(json(ok(call("GET", INTENTIONS, null)))).hasSize(1);
    }

    // ---- bad input ----------------------------------------------------------------------------

    /** An exact-PUT body with one deny permission whose HTTP match is {@code http}. */
    private static String perm(String http) {
        return "{\"Permissions\":[{\"Action\":\"deny\",\"HTTP\":" + http + "}]}";
    }

    @Test
    void aValidL7PermissionIsStoredAndReturnedAsJson() {
        aclsOn();
        String body = perm("{\"PathPrefix\":\"/api\",\"Header\":[{\"Name\":\"x-user\",\"Present\":true}],"
                + "\"Methods\":[\"GET\",\"POST\"]}");
        assertThat(call("PUT", INTENTIONS + "/exact?source=l7&destination=db", body).status()).isEqualTo(200);
        HttpResponse r = call("GET", INTENTIONS + "/exact?source=l7&destination=db", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("\"PathPrefix\":\"/api\"").contains("\"Methods\":[\"GET\",\"POST\"]");
    }

    @Test
    void badInputIsAClear400AndChangesNothing() {
        aclsOn();
        create(ixn("web", "db", "allow"));
        int before = f.harness.dc("dc1").intentionStore().intentions(true).size();
        long index = f.harness.dc("dc1").privateStore().changeIndex();
        String bigMeta = "{" + java.util.stream.IntStream.range(0, 65).mapToObj(k -> "\"k" + k + "\":\"v\"")
                .collect(java.util.stream.Collectors.joining(",")) + "}";
        List<String[]> cases = List.of(
                new String[] {"POST", INTENTIONS, "{", "invalid JSON body: "},
                new String[] {"POST", INTENTIONS, "[]", "invalid JSON body: "},
                new String[] {"POST", INTENTIONS, "{\"SourceName\":1,\"DestinationName\":\"db\",\"Action\":\"allow\"}",
                        "invalid JSON body: field \"SourceName\""},
                new String[] {"POST", INTENTIONS, "{\"SourceName\":\"a\",\"DestinationName\":\"db\",\"Action\":\"allow\","
                        + "\"Meta\":{\"a\":1}}", "invalid JSON body: "},
                new String[] {"POST", INTENTIONS, "{\"SourceName\":\"a\",\"DestinationName\":\"db\",\"Action\":\"allow\","
                        + "\"Meta\":{\"a\":null}}", "invalid JSON body: field \"Meta.a\""},
                new String[] {"POST", INTENTIONS, "{\"SourceName\":\"a\",\"DestinationName\":\"db\",\"Permissions\":{}}",
                        "invalid JSON body: field \"Permissions\""},
                new String[] {"POST", INTENTIONS, "{\"SourceName\":\"a\",\"DestinationName\":\"db\",\"Permissions\":"
                        + "[{\"Action\":\"maybe\",\"HTTP\":{}}]}", "Permissions[0].Action must be set to 'allow' or 'deny'"},
                new String[] {"POST", INTENTIONS, "{\"SourceName\":\"a\",\"DestinationName\":\"db\",\"Permissions\":"
                        + "[{\"Action\":\"deny\"}]}", "Permissions[0].HTTP is required"},
                new String[] {"POST", INTENTIONS, "{\"SourceName\":\"a\",\"DestinationName\":\"*\",\"Permissions\":"
                        + "[{\"Action\":\"deny\",\"HTTP\":{}}]}", "Permissions cannot be specified on intentions with wildcarded destinations"},
                new String[] {"POST", INTENTIONS, "{\"SourceName\":\"a\",\"DestinationName\":\"db\",\"Action\":\"deny\","
                        + "\"SourceType\":\"external-uri\"}", "SourceType must be set to 'consul'"},
                new String[] {"POST", INTENTIONS, ixn("../../etc", "db", "allow"), "SourceName: invalid name"},
                new String[] {"POST", INTENTIONS, ixn("web\\u0000", "db", "allow"), "SourceName: invalid name"},
                new String[] {"POST", INTENTIONS, ixn("web", "d*b", "allow"), "DestinationName: wildcard character"},
                new String[] {"POST", INTENTIONS, ixn("web", "db2", "maybe"), "Action must be set to 'allow' or 'deny'"},
                new String[] {"POST", INTENTIONS, "{\"SourceName\":\"a\",\"DestinationName\":\"db\",\"Action\":\"allow\","
                        + "\"Meta\":" + bigMeta + "}", "Meta exceeds maximum element count 64"},
                new String[] {"POST", INTENTIONS, "{\"SourceName\":\"a\",\"DestinationName\":\"db\",\"Action\":\"allow\","
                        + "\"Description\":\"" + "x".repeat(513) + "\"}", "Description exceeds maximum length 512"},
                new String[] {"POST", INTENTIONS, "{\"ID\":\"x\",\"SourceName\":\"a\",\"DestinationName\":\"db\","
                        + "\"Action\":\"allow\"}", "ID must be empty"},
                new String[] {"GET", INTENTIONS + "/not-a-uuid", null, "invalid intention ID"},
                new String[] {"DELETE", INTENTIONS + "/not-a-uuid", null, "invalid intention ID"},
                new String[] {"GET", INTENTIONS + "/exact?destination=db", null, "required query parameter 'source' not set"},
                new String[] {"PUT", INTENTIONS + "/exact?source=a/b/c&destination=db", "{\"Action\":\"allow\"}",
                        "source \"a/b/c\" is invalid"},
                new String[] {"GET", INTENTIONS + "/check?source=*&destination=db", null, "source \"*\" is invalid"},
                new String[] {"GET", INTENTIONS + "?index=x", null, "Invalid index"},
                new String[] {"GET", INTENTIONS + "/exact?source=web&destination=db&source-dc=dc1&source-dc=../x", null,
                        "query parameter 'source-dc' given more than once"},
                new String[] {"GET", INTENTIONS + "?filter=a&filter=b", null,
                        "query parameter 'filter' given more than once"},
                new String[] {"PUT", INTENTIONS + "/exact?source=l7&destination=db", perm("{\"PathPrefix\":5}"),
                        "invalid JSON body: field \"Permissions[0].HTTP.PathPrefix\": expected a string"},
                new String[] {"PUT", INTENTIONS + "/exact?source=l7&destination=db", perm("{\"PathPrefix\":\"api\"}"),
                        "Permissions[0].HTTP.PathPrefix doesn't start with '/'"},
                new String[] {"PUT", INTENTIONS + "/exact?source=l7&destination=db",
                        perm("{\"PathExact\":\"/a\",\"PathPrefix\":\"/b\"}"),
                        "Permissions[0].HTTP should only contain at most one of PathExact, PathPrefix, or PathRegex"},
                new String[] {"PUT", INTENTIONS + "/exact?source=l7&destination=db", perm("{\"Header\":[null,{}]}"),
                        "invalid JSON body: field \"Permissions[0].HTTP.Header[0]\": expected an object"},
                new String[] {"PUT", INTENTIONS + "/exact?source=l7&destination=db", perm("{\"Header\":[{}]}"),
                        "Permissions[0].HTTP.Header[0] missing required Name field"},
                new String[] {"PUT", INTENTIONS + "/exact?source=l7&destination=db",
                        perm("{\"Header\":[{\"Name\":\"x\",\"Exact\":\"a\",\"Prefix\":\"b\"}]}"),
                        "Permissions[0].HTTP.Header[0] should only contain one of Present, Exact, Prefix, Suffix, or Regex"},
                new String[] {"PUT", INTENTIONS + "/exact?source=l7&destination=db", perm("{\"Methods\":[null]}"),
                        "invalid JSON body: field \"Permissions[0].HTTP.Methods\": expected strings"},
                new String[] {"PUT", INTENTIONS + "/exact?source=l7&destination=db", perm("{\"Methods\":[\"GET\",\"GET\"]}"),
                        "Permissions[0].HTTP.Methods contains \"GET\" more than once"},
                new String[] {"PUT", INTENTIONS + "/exact?source=l7&destination=db", perm("{\"Methods\":[\"FETCH\"]}"),
                        "Permissions[0].HTTP.Methods contains an invalid method \"FETCH\""});
        for (String[] c : cases) {
            HttpResponse r = call(c[0], c[1], c[2]);
            assertThat(r.status()).as(c[0] + " " + c[1] + " " + c[2] + ": " + r.body()).isEqualTo(400);
            assertThat(r.body()).as(c[1]).startsWith(c[3]);
        }
        assertThat(f.harness.dc("dc1").intentionStore().intentions(true)).hasSize(before);
        assertThat(f.harness.dc("dc1").privateStore().changeIndex()).isEqualTo(index);
    }

    @Test
    void noHostileRequestGetsA500() {
        aclsOn();
        String id = create(ixn("web", "db", "allow"));
        // no index that blocks: the harness clock does not move, so a blocking read would wait for a write
        List<String> paths = List.of(INTENTIONS, INTENTIONS + "/exact", INTENTIONS + "/match", INTENTIONS + "/check",
                INTENTIONS + "/" + id, INTENTIONS + "/00000000-0000-4000-8000-000000000000", INTENTIONS + "/%zz",
                INTENTIONS + "/" + "a".repeat(300), "/v1/agent/connect/authorize");
        List<String> queries = List.of("", "source=web&destination=db", "by=source&name=web", "by=destination&name=*",
                "filter=%zz", "filter=(((", "filter=" + "a%20==%20b%20and%20".repeat(40) + "a==b", "source=%00&destination=db",
                "source=a/b/c&destination=*", "source=*/web&destination=db", "name=" + "n".repeat(3000),
                "index=abc", "source=a&destination=b&source-dc=X", "source=a&source=b&destination=c", "wait=forever");
        List<String> bodies = List.of("", "{", "null", "[]", "\"x\"", "{\"SourceName\":{}}", "{\"Permissions\":\"x\"}",
                "{\"Permissions\":[1]}", "{\"Permissions\":[{\"Action\":\"deny\",\"HTTP\":[]}]}", "{\"Meta\":[]}",
                "{\"Meta\":{\"a\":{}}}", "{\"Target\":1}", "{\"Target\":\"db\",\"ClientCertURI\":\"spiffe://%zz\"}",
                "{\"Target\":\"db\",\"ClientCertURI\":\"spiffe://x/ap/p/ns/n/dc/d/svc/s\"}", "[".repeat(100),
                "\u0000\u00ff", "{\"SourceName\":\"web\",\"DestinationName\":\"db\",\"Action\":\"allow\",\"SourceDatacenter\":7}",
                "{\"SourceName\":\"*\",\"SourceNS\":\"*\",\"DestinationName\":\"*\",\"DestinationNS\":\"*\",\"Action\":\"deny\"}");
        for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
            for (String path : paths) {
                for (String query : queries) {
                    for (String body : bodies) {
                        HttpResponse r = call(method, path + (query.isEmpty() ? "" : "?" + query), body);
                        assertThat(r.status()).as(method + " " + path + "?" + query + " " + body + " -> " + r.body())
                                .isNotEqualTo(500).isLessThan(503);
                    }
                }
            }
        }
    }

    // ---- blocking and the secondary -----------------------------------------------------------

    @Test
    void aBlockingListReturnsWhenAWriteMovesTheChangeIndex() throws Exception {
        aclsOn();
        create(ixn("web", "db", "allow"));
        HttpResponse first = ok(call("GET", INTENTIONS, null));
        String index = first.header("X-Consul-Index").orElseThrow();
        CompletableFuture<HttpResponse> blocked = CompletableFuture.supplyAsync(
                () -> call("GET", INTENTIONS + "?index=" + index + "&wait=10s", null));
        Thread.sleep(100);
        assertThat(blocked).isNotDone();
        create(ixn("api", "db", "allow"));
        HttpResponse answered = blocked.get(5, TimeUnit.SECONDS);
        assertThat(answered.status()).isEqualTo(200);
        assertThat(Long.parseLong(answered.header("X-Consul-Index").orElseThrow())).isGreaterThan(Long.parseLong(index));
        assertThat(json(answered)).hasSize(2);
    }

    @Test
    void writesInTheSecondaryAreForwardedToThePrimaryAndReadsThereComeFromItsView() {
        aclsOn();
        f.harness.settle(); // the management token reaches dc2's replica
        HttpResponse created = f.call("dc2", "POST", INTENTIONS, management, ixn("web", "db", "allow"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = json(created).get("ID").asText();
        assertThat(f.harness.dc("dc1").intentionStore().intention(id, true)).isPresent();
        assertThat(ok(call("GET", INTENTIONS + "/" + id, null)).status()).as("the primary reads its write").isEqualTo(200);
        assertThat(f.call("dc2", "GET", INTENTIONS + "/" + id, management, null).status())
                .as("not in dc2's view before replication").isEqualTo(404);

        replicateToDc2();
        JsonNode read = json(ok(f.call("dc2", "GET", INTENTIONS + "/" + id, management, null)));
        assertThat(read.get("SourceName").asText()).isEqualTo("web");
        JsonNode decided = json(ok(f.call("dc2", "POST", "/v1/agent/connect/authorize", management,
                authorizeBody("db", "dc1", "web"))));
        assertThat(decided.get("Authorized").asBoolean()).isTrue();

        HttpResponse deleted = f.call("dc2", "DELETE", INTENTIONS + "/" + id, management, null);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(f.harness.dc("dc1").intentionStore().intention(id, true).orElseThrow().value().deleted()).isTrue();
        replicateToDc2();
        assertThat(f.call("dc2", "GET", INTENTIONS + "/" + id, management, null).status()).isEqualTo(404);
    }
}
