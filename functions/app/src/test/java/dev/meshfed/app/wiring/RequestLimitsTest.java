package dev.meshfed.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.app.config.DcConfig;
import dev.meshfed.app.http.BodyLimits;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.QueryString;
import dev.meshfed.app.http.Route;
import dev.meshfed.app.http.RouteTable;
import dev.meshfed.app.http.Tokens;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Request size limits on every deployed route and method, in the primary and in a secondary
 * (whose writes are forwarded), as a management token: whatever the route, an oversized part is
 * refused with its documented status, nothing in any table of either DC changes, and nothing is a
 * 500. The limits: body 64 KiB (413, docs/http-api.md; API Gateway's adapter refuses the same before
 * routing), raw path {@value RouteTable#MAX_PATH_LENGTH} characters (no route: 404), path parameter
 * {@value RouteTable#MAX_PARAMETER_LENGTH} characters (400), query string
 * {@value QueryString#MAX_LENGTH} characters and {@value QueryString#MAX_PARAMETERS} parameters (400),
 * token {@value Tokens#MAX_LENGTH} characters (400).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestLimitsTest {
    private static final List<String> DCS = List.of("dc1", "dc2");
    private static final String ID = "6d2f6e9c-0000-4000-8000-00000000dead";

    private WiredFederation f;
    private String management;

    @BeforeAll
    void federation() {
        f = new WiredFederation(DcConfig.AclMode.ON, "dc1", "dc2").withPrimaryCa();
        management = f.bootstrap();
        f.harness.settle();
        // something for every DELETE and PUT to act on, were it to act
        HttpResponse p = f.call("dc1", "PUT", "/v1/acl/policy", management, "{\"Name\":\"p\",\"Rules\":\"\"}");
        assertThat(p.status()).as(p.body()).isEqualTo(200);
        f.harness.settle();
    }

    @AfterAll
    void close() {
        f.close();
    }

    /** Every (DC, method, path) of the deployed table, parameters filled with a valid value. */
    private static List<String[]> everyRoute() {
        List<String[]> out = new ArrayList<>();
        for (String dc : DCS) {
            for (Route r : RouteTable.deployed().routes()) {
                for (String method : r.methods().keySet()) {
                    out.add(new String[] {dc, method, r.template().replaceAll("\\{[^}]+\\}", ID), r.template()});
                }
            }
        }
        return out;
    }

    private Map<String, List<StoredItem>> snapshot() {
        Map<String, List<StoredItem>> s = new LinkedHashMap<>();
        for (String dc : DCS) {
            for (Table t : Table.values()) {
                s.put(dc + " " + t, f.harness.dc(dc).table(t).snapshot());
            }
        }
        return s;
    }

    /** A valid JSON body just over the limit, which any function would otherwise read and act on. */
    static String oversizedJson() {
        StringBuilder b = new StringBuilder("{\"Name\":\"big\",\"Description\":\"");
        while (b.length() < BodyLimits.MAX_REQUEST_BODY_BYTES - 1) {
            b.append('x');
        }
        return b.append("\"}").toString();
    }

    private HttpResponse send(String dc, String method, String path, String query, String token, String body) {
        HttpRequest.Builder b = HttpRequest.builder(method, path).rawQueryString(query).header("X-Consul-Token", token);
        if (body != null) {
            b.body(body);
        }
        return f.dc(dc).localHandler().handle(b.build());
    }

    /** Runs {@code each} on every route; fails listing every route whose answer was wrong or that changed a table. */
    private void everyRouteRefuses(String what, int status, String bodyStart, RouteCall each) {
        everyRouteRefuses(what, status, bodyStart, List.of(), each);
    }

    /** As above, but {@code exempt} templates need only not fail and change nothing. */
    private void everyRouteRefuses(String what, int status, String bodyStart, List<String> exempt, RouteCall each) {
        List<String> wrong = new ArrayList<>();
        for (String[] r : everyRoute()) {
            Map<String, List<StoredItem>> before = snapshot();
            HttpResponse resp = each.call(r[0], r[1], r[2], r[3]);
            String where = r[0] + " " + r[1] + " " + r[3];
            boolean refusedAsDocumented = resp.status() == status && resp.body().startsWith(bodyStart);
            if (exempt.contains(r[3]) ? resp.status() >= 500 : !refusedAsDocumented) {
                wrong.add(where + ": " + resp.status() + " " + resp.body());
            }
            f.harness.settle();
            if (!snapshot().equals(before)) {
                wrong.add(where + ": a table changed");
            }
        }
        assertThat(wrong).as(what).isEmpty();
    }

    interface RouteCall {
        HttpResponse call(String dc, String method, String path, String template);
    }

    @Test
    void anOversizedBodyIs413OnEveryRouteAndMethodAndChangesNothing() {
        String body = oversizedJson();
        assertThat(body.length()).isEqualTo(BodyLimits.MAX_REQUEST_BODY_BYTES + 1);
        everyRouteRefuses("65537-byte body", 413, BodyLimits.TOO_LARGE,
                (dc, method, path, t) -> send(dc, method, path, "", management, body));
    }

    @Test
    void aBodyOfExactlyTheLimitIsNotRefusedForItsSize() {
        String body = oversizedJson();
        String atLimit = body.substring(0, body.length() - 3) + "\"}";
        assertThat(atLimit.length()).isEqualTo(BodyLimits.MAX_REQUEST_BODY_BYTES);
        HttpResponse r = send("dc2", "PUT", "/v1/acl/policy", "", management, atLimit);
        assertThat(r.status()).as(r.body()).isNotEqualTo(413).isLessThan(500);
    }

    @Test
    void aPathOverTheLimitMatchesNoRoute() {
        everyRouteRefuses("path over " + RouteTable.MAX_PATH_LENGTH, 404, "",
                (dc, method, path, t) -> send(dc, method, path + "/" + "a".repeat(RouteTable.MAX_PATH_LENGTH), "",
                        management, null));
        // and a path of a parameterised route that is over the limit only through its parameter
        String longId = "a".repeat(RouteTable.MAX_PATH_LENGTH);
        assertThat(send("dc1", "GET", "/v1/acl/token/" + longId, "", management, null).status()).isEqualTo(404);
    }

    @Test
    void aPathParameterOverTheLimitIs400NamingIt() {
        List<String> wrong = new ArrayList<>();
        Map<String, List<StoredItem>> before = snapshot();
        for (String[] r : everyRoute()) {
            if (!r[3].contains("{")) {
                continue;
            }
            String path = r[3].replaceAll("\\{[^}]+\\}", "a".repeat(RouteTable.MAX_PARAMETER_LENGTH + 1));
            HttpResponse resp = send(r[0], r[1], path, "", management, null);
            if (resp.status() != 400 || !resp.body().startsWith("invalid path parameter ")) {
                wrong.add(r[0] + " " + r[1] + " " + r[3] + ": " + resp.status() + " " + resp.body());
            }
        }
        f.harness.settle();
        assertThat(wrong).isEmpty();
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aQueryStringOverEitherLimitIs400OnEveryRoute() {
        String longQuery = "x=" + "a".repeat(QueryString.MAX_LENGTH);
        // GET /v1/agent/self reads neither a query nor a token (its answer is fixed), so never parses one
        List<String> readsNoQuery = List.of("/v1/agent/self");
        everyRouteRefuses("query over " + QueryString.MAX_LENGTH + " characters", 400, "", readsNoQuery,
                (dc, method, path, t) -> send(dc, method, path, longQuery, management, "{}"));
        StringBuilder many = new StringBuilder("p0=1");
        for (int i = 1; i <= QueryString.MAX_PARAMETERS; i++) {
            many.append("&p").append(i).append("=1");
        }
        everyRouteRefuses("more than " + QueryString.MAX_PARAMETERS + " parameters", 400, "", readsNoQuery,
                (dc, method, path, t) -> send(dc, method, path, many.toString(), management, "{}"));
    }

    /**
     * A CA-table stream record over DynamoDB's 400 KB item limit, delivered to a secondary's
     * {@code rotate-leaves} (the intentions stream has the same case in
     * ReplicateIntentionsHostileRecordsTest): not thrown, quarantined, and nothing but the
     * quarantine item changes; the record's text reaches no log line.
     */
    @Test
    void aStreamRecordOverTheItemSizeIsQuarantinedAndChangesNothingElse() {
        StoredItem bundle = f.harness.dc("dc2").table(Table.CA).snapshot().stream()
                .filter(i -> i.key().kind().equals("bundle")).findFirst().orElseThrow();
        Map<String, dev.meshfed.core.store.Attr> body = new LinkedHashMap<>(bundle.body());
        body.put("padding", new dev.meshfed.core.store.Attr.S("q".repeat(500_000)));
        StoredItem huge = new StoredItem(bundle.key(), bundle.version() + 1, bundle.updatedAt(), null, body);
        var record = dev.meshfed.stream.events.StreamRecords.record(dev.meshfed.stream.events.StreamSource.of(
                "eu-west-1", "meshfed-ca", java.time.Instant.parse("2026-01-01T00:00:00Z")), "100000000000000000077",
                bundle, huge, f.harness.clock().instant());
        Map<String, List<StoredItem>> before = snapshot();
        try (LogCapture logs = new LogCapture()) {
            org.assertj.core.api.Assertions.assertThatCode(() -> f.dc("dc2").rotateLeavesStream().onRecord(record))
                    .doesNotThrowAnyException();
            assertThat(logs.lines()).noneMatch(l -> l.contains("qqqqqqqqqqqqqqqq"));
        }
        Map<String, List<StoredItem>> after = snapshot();
        List<StoredItem> quarantined = after.get("dc2 PRIVATE").stream()
                .filter(i -> i.key().kind().equals(dev.meshfed.core.store.PrivateStore.QUARANTINE)).toList();
        assertThat(quarantined).hasSize(1);
        List<StoredItem> rest = new ArrayList<>(after.get("dc2 PRIVATE"));
        rest.removeAll(quarantined);
        after.put("dc2 PRIVATE", rest);
        assertThat(after).isEqualTo(before);
    }

    @Test
    void aTokenOverTheLimitIs400OnEveryRouteThatReadsOne() {
        String longToken = "a".repeat(Tokens.MAX_LENGTH + 1);
        List<String> wrong = new ArrayList<>();
        Map<String, List<StoredItem>> before = snapshot();
        for (String[] r : everyRoute()) {
            HttpResponse resp = send(r[0], r[1], r[2], "", longToken, "{}");
            // routes that read no token (roots, agent self) may answer; none may accept the token or fail
            if (resp.status() >= 500 || resp.status() == 200 && !r[3].contains("roots") && !r[3].equals("/v1/agent/self")) {
                wrong.add(r[0] + " " + r[1] + " " + r[3] + ": " + resp.status() + " " + resp.body());
            }
        }
        f.harness.settle();
        assertThat(wrong).isEmpty();
        assertThat(snapshot()).isEqualTo(before);
    }
}
