package dev.meshfed.app.ca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.bundle.SignerState;
import dev.meshfed.core.ca.SignerRecord;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hostile requests on every CA route: each gets a 4xx (or a 200/501 where that is the answer), never a 500. */
class NoFaultForBadInputTest {

    private final CaTestDcs dcs = new CaTestDcs().bootstrap().activate("dc1");

    @Test
    void no_hostile_request_gets_a_500() {
        CaFunctionsHandler h = dcs.handler("dc1");
        List<String> paths = List.of("/v1/connect/ca/roots", "/v1/agent/connect/ca/roots", "/v1/connect/ca/configuration",
                "/v1/agent/self", "/v1/connect/ca/sign", "/v1/agent/connect/ca/leaf/web", "/v1/agent/connect/ca/leaf/%zz",
                "/v1/connect/ca/roots/", "/v1/connect/ca/nope", "/nope", "/v1/agent/connect/ca/leaf/" + "a".repeat(300));
        List<String> queries = List.of("", "index=abc", "wait=forever", "index=99999999999999999999999", "pem=2", "pem",
                "token=%00", "token=a&token=b", "a=%zz", "x=" + "y".repeat(5000), "index=1&wait=-5s");
        List<String> bodies = List.of("", "{", "null", "{\"CSR\":{}}", "{\"CSR\":[\"x\"]}", "\u0000\u00ff",
                "{\"CSR\":\"" + "\\u0000".repeat(10) + "\"}", "[".repeat(100), "{\"CSR\":\"-----BEGIN CERTIFICATE REQUEST-----\\n!!\\n-----END CERTIFICATE REQUEST-----\\n\"}");
        for (String method : List.of("GET", "POST", "PUT", "DELETE", "OPTIONS", "get", "B@D")) {
            for (String path : paths) {
                for (String query : queries) {
                    for (String body : bodies) {
                        HttpResponse r = h.handle(HttpRequest.builder(method, path).rawQueryString(query)
                                .header("X-Consul-Token", "tok").body(body).build());
                        assertThat(r.status()).as(method + " " + path + "?" + query + " " + body + " -> " + r.body())
                                .isNotEqualTo(500).isLessThan(600);
                    }
                }
            }
        }
    }

    @Test
    void a_signer_waiting_for_its_certificate_does_not_sign() {
        var d = dcs.federation.dc("dc2");
        d.caStore().putSigner(new SignerRecord("dc2", SignerState.PENDING_CSR, null, "ab:cd"), 0);
        HttpResponse r = CaTestDcs.post(dcs.handler("dc2"), "/v1/connect/ca/sign",
                CaTestDcs.signBody(CaTestDcs.csr("other-dc.pem")));
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body()).isEqualTo(ActiveSigner.SECONDARY_NOT_INITIALIZED);
    }
}
