package dev.meshfed.app.ca;

import static dev.meshfed.app.ca.CaTestDcs.get;
import static dev.meshfed.app.ca.SignCsrTest.denyingEverything;
import static dev.meshfed.app.ca.SignCsrTest.field;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.app.auth.Accessor;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.leaf.ManagedLeaf;
import dev.meshfed.core.leaf.ManagedLeafPolicy;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.testkit.Fixtures;
import dev.meshfed.testkit.OpenSsl;

import java.io.StringReader;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /v1/agent/connect/ca/leaf/{service}} through the dispatcher. */
class AgentLeafTest {

    private static final String LEAF = "/v1/agent/connect/ca/leaf/";
    private static final String TD = Fixtures.CLUSTER_ID + ".consul";
    private static final String ANON = Accessor.ANONYMOUS_ID;

    private final CaTestDcs dcs = new CaTestDcs();

    private HttpResponse leaf(String service) {
        return get(dcs.handler("dc1"), LEAF + service, "");
    }

    private Versioned<ManagedLeaf> stored(String service) {
        return dcs.federation.dc("dc1").privateStore().managedLeaf(service, ANON).orElseThrow();
    }

    @Test
    void the_first_call_creates_a_leaf_with_its_key_and_openssl_verifies_it() throws Exception {
        dcs.bootstrap().activate("dc1");
        Instant now = dcs.clock.instant();

        HttpResponse r = leaf("web");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<X509Certificate> certs = Certificates.fromPem(field(r, "CertPEM"));
        X509Certificate cert = certs.get(0);
        assertThat(field(r, "Service")).isEqualTo("web");
        assertThat(field(r, "ServiceURI")).isEqualTo("spiffe://" + TD + "/ns/default/dc/dc1/svc/web");
        assertThat(Instant.parse(field(r, "ValidBefore"))).isEqualTo(cert.getNotAfter().toInstant());
        assertThat(field(r, "ModifyIndex")).isEqualTo(field(r, "CreateIndex")).isEqualTo("1");
        assertThat(r.header("X-Consul-Index")).contains("1");

        String keyPem = field(r, "PrivateKeyPEM");
        assertThat(keyPem).startsWith("-----BEGIN EC PRIVATE KEY-----\n").endsWith("-----END EC PRIVATE KEY-----\n");
        KeyPair pair = new JcaPEMKeyConverter()
                .getKeyPair((PEMKeyPair) new PEMParser(new StringReader(keyPem)).readObject());
        assertThat(pair.getPublic().getEncoded()).isEqualTo(cert.getPublicKey().getEncoded());
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(pair.getPrivate());
        s.update(new byte[] {1, 2, 3});
        byte[] sig = s.sign();
        s.initVerify(cert.getPublicKey());
        s.update(new byte[] {1, 2, 3});
        assertThat(s.verify(sig)).isTrue();

        OpenSsl.Result k = OpenSsl.ecKey(keyPem);
        assertThat(k.exitCode()).as(k.output()).isZero();
        assertThat(k.output()).contains("EC Key valid.")
                .contains(dev.meshfed.core.pki.Pem.encode("PUBLIC KEY", cert.getPublicKey().getEncoded()));

        OpenSsl.Result v = OpenSsl.verify(List.of(dcs.pki.activeRoot().certificate()), certs.subList(1, certs.size()),
                cert, "sslclient", now);
        assertThat(v.ok()).as(v.output()).isTrue();

        ManagedLeaf m = stored("web").value();
        assertThat(m.serial()).isEqualTo(field(r, "SerialNumber"));
        assertThat(m.signingKeyId()).isEqualTo(KeyIds.keyIdHex(dcs.pki.signer("dc1").certificate().getPublicKey()));
        var record = dcs.federation.dc("dc1").privateStore().leaf(m.serial());
        assertThat(record).isPresent();
        assertThat(record.get().value().managedBy()).isEqualTo(ANON);
        assertThat(r.body()).doesNotContain("BEGIN PRIVATE KEY");
    }

    @Test
    void the_second_call_reuses_the_leaf_and_unwraps_its_key_with_the_managed_leaf_context() {
        dcs.bootstrap().activate("dc1");
        HttpResponse first = leaf("web");
        dcs.clock.advance(Duration.ofMinutes(5));
        HttpResponse second = leaf("web");

        assertThat(second.status()).isEqualTo(200);
        assertThat(field(second, "SerialNumber")).isEqualTo(field(first, "SerialNumber"));
        assertThat(field(second, "PrivateKeyPEM")).isEqualTo(field(first, "PrivateKeyPEM"));
        assertThat(field(second, "ModifyIndex")).isEqualTo(field(first, "ModifyIndex"));
        String leafKeyId = KeyIds.keyIdHex(Certificates.fromPem(field(first, "CertPEM")).get(0).getPublicKey());
        assertThat(dcs.custody.contexts()).contains(new KeyContext("dc1", leafKeyId, KeyPurpose.MANAGED_LEAF));
    }

    @Test
    void two_concurrent_first_calls_get_one_leaf() throws Exception {
        dcs.bootstrap().activate("dc1");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 5; round++) {
                String service = "svc" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<HttpResponse>> calls = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    var h = dcs.handler("dc1");
                    calls.add(pool.submit(() -> {
                        start.await();
                        return get(h, LEAF + service, "");
                    }));
                }
                start.countDown();
                HttpResponse a = calls.get(0).get(30, TimeUnit.SECONDS);
                HttpResponse b = calls.get(1).get(30, TimeUnit.SECONDS);
                assertThat(a.status()).as(a.body()).isEqualTo(200);
                assertThat(b.status()).as(b.body()).isEqualTo(200);
                assertThat(field(a, "SerialNumber")).isEqualTo(field(b, "SerialNumber"))
                        .isEqualTo(stored(service).value().serial());
                assertThat(field(a, "PrivateKeyPEM")).isEqualTo(field(b, "PrivateKeyPEM"));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(dcs.federation.dc("dc1").privateStore().managedLeaves()).hasSize(5);
    }

    @Test
    void the_leaf_is_reused_until_rotate_after_then_replaced() {
        dcs.bootstrap().activate("dc1");
        HttpResponse first = leaf("web");
        Instant rotateAfter = stored("web").value().rotateAfter(); // the response shows it to the second

        dcs.clock.set(rotateAfter.minusSeconds(1));
        assertThat(field(leaf("web"), "SerialNumber")).isEqualTo(field(first, "SerialNumber"));

        dcs.clock.set(rotateAfter);
        HttpResponse replaced = leaf("web");
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        assertThat(field(replaced, "SerialNumber")).isNotEqualTo(field(first, "SerialNumber"));
        assertThat(field(replaced, "PrivateKeyPEM")).isNotEqualTo(field(first, "PrivateKeyPEM"));
        assertThat(Long.parseLong(field(replaced, "ModifyIndex"))).isGreaterThan(Long.parseLong(field(first, "ModifyIndex")));
        assertThat(stored("web").value().serial()).isEqualTo(field(replaced, "SerialNumber"));
    }

    @Test
    void a_signer_change_without_a_slot_replaces_the_leaf_at_once() {
        dcs.bootstrap().activate("dc1");
        HttpResponse first = leaf("web");
        dcs.activate("dc1"); // a new intermediate
        dcs.clock.advance(Duration.ofMinutes(1));

        HttpResponse after = leaf("web");

        assertThat(field(after, "SerialNumber")).isNotEqualTo(field(first, "SerialNumber"));
        assertThat(stored("web").value().signingKeyId())
                .isEqualTo(KeyIds.keyIdHex(dcs.pki.signer("dc1").certificate().getPublicKey()));
    }

    @Test
    void a_signer_change_with_a_slot_keeps_the_leaf_until_the_slot() {
        dcs.bootstrap().activate("dc1");
        HttpResponse first = leaf("web");
        Versioned<ManagedLeaf> s = stored("web");
        Instant slot = dcs.clock.instant().plus(Duration.ofHours(2));
        ManagedLeaf l = s.value();
        dcs.federation.dc("dc1").privateStore().putManagedLeaf(new ManagedLeaf(l.service(), l.accessorId(), l.serial(),
                l.certPem(), l.key(), l.signingKeyId(), l.notAfter(), l.rotateAfter(), slot, l.lastUsedAt()),
                s.version());
        dcs.activate("dc1");

        dcs.clock.set(slot.minusSeconds(1));
        assertThat(field(leaf("web"), "SerialNumber")).isEqualTo(field(first, "SerialNumber"));
        dcs.clock.set(slot);
        assertThat(field(leaf("web"), "SerialNumber")).isNotEqualTo(field(first, "SerialNumber"));
    }

    @Test
    void a_leaf_unused_for_72_hours_is_dropped_and_a_new_one_made() {
        dcs.bootstrap().activate("dc1");
        HttpResponse first = leaf("web");
        ManagedLeaf l = stored("web").value();
        assertThat(ManagedLeafPolicy.decide(l, ManagedLeafPolicy.unusedSince(l),
                l.signingKeyId()).reason()).isEqualTo(ManagedLeafPolicy.Reason.UNUSED);

        dcs.clock.set(ManagedLeafPolicy.unusedSince(l));
        dcs.activate("dc1"); // the first intermediate may be near its end; keep a valid signer
        HttpResponse after = leaf("web");

        assertThat(after.status()).as(after.body()).isEqualTo(200);
        assertThat(field(after, "SerialNumber")).isNotEqualTo(field(first, "SerialNumber"));
        assertThat(stored("web").value().serial()).isEqualTo(field(after, "SerialNumber"));
        assertThat(stored("web").value().lastUsedAt()).isEqualTo(dcs.clock.instant());
        assertThat(Long.parseLong(field(after, "ModifyIndex")))
                .as("replaced in place: the index never goes back for a blocked client")
                .isGreaterThan(Long.parseLong(field(first, "ModifyIndex")));
    }

    @Test
    void an_unused_leaf_whose_replacement_is_rate_limited_is_deleted_and_not_served() {
        dcs.bootstrap().activate("dc1");
        dcs.federation.dc("dc1").caStore().putCaConfig(CaConfig.builder().csrMaxPerSecond(1).build(), 0);
        leaf("web");
        ManagedLeaf l = stored("web").value();
        dcs.clock.set(ManagedLeafPolicy.unusedSince(l));
        dcs.activate("dc1");
        var h = dcs.handler("dc1");
        assertThat(CaTestDcs.post(h, "/v1/connect/ca/sign", CaTestDcs.signBody(CaTestDcs.csr("valid-ec-p256.pem")))
                .status()).isEqualTo(200);

        HttpResponse r = get(h, LEAF + "web", "");

        assertThat(r.status()).isEqualTo(429);
        assertThat(dcs.federation.dc("dc1").privateStore().managedLeaf("web", ANON)).isEmpty();
    }

    @Test
    void a_blocking_call_for_a_service_with_no_leaf_answers_at_once_with_a_new_one() {
        dcs.bootstrap().activate("dc1");
        HttpResponse r = get(dcs.handler("dc1"), LEAF + "web", "index=5");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(dcs.sleeps).isEmpty();
        assertThat(field(r, "SerialNumber")).isEqualTo(stored("web").value().serial());
    }

    @Test
    void a_blocking_call_with_the_leafs_index_returns_when_a_new_leaf_replaces_it() {
        dcs.bootstrap().activate("dc1");
        HttpResponse first = leaf("web");
        Instant rotateAfter = stored("web").value().rotateAfter();
        var other = dcs.handler("dc1");
        boolean[] done = {false};
        dcs.onSleep = () -> {
            if (!done[0] && dcs.sleeps.size() >= 3) {
                done[0] = true;
                dcs.clock.set(rotateAfter);
                get(other, LEAF + "web", ""); // another request replaces it
            }
        };

        HttpResponse blocked = get(dcs.handler("dc1"), LEAF + "web", "index=" + field(first, "ModifyIndex"));

        assertThat(blocked.status()).as(blocked.body()).isEqualTo(200);
        assertThat(done[0]).isTrue();
        assertThat(field(blocked, "SerialNumber")).isNotEqualTo(field(first, "SerialNumber"))
                .isEqualTo(stored("web").value().serial());
    }

    @Test
    void a_blocking_call_with_no_replacement_returns_the_same_leaf_when_the_wait_ends() {
        dcs.bootstrap().activate("dc1");
        HttpResponse first = leaf("web");
        HttpResponse blocked = get(dcs.handler("dc1"), LEAF + "web", "index=" + field(first, "ModifyIndex") + "&wait=2s");
        assertThat(field(blocked, "SerialNumber")).isEqualTo(field(first, "SerialNumber"));
        assertThat(dcs.sleeps).isNotEmpty();
    }

    @Test
    void a_rate_limited_replacement_serves_the_stored_leaf_while_valid_and_a_first_call_gets_429() {
        dcs.bootstrap().activate("dc1");
        dcs.federation.dc("dc1").caStore().putCaConfig(CaConfig.builder().csrMaxPerSecond(1).build(), 0);
        HttpResponse first = leaf("web");
        dcs.clock.set(stored("web").value().rotateAfter());
        var h = dcs.handler("dc1");
        assertThat(CaTestDcs.post(h, "/v1/connect/ca/sign", CaTestDcs.signBody(CaTestDcs.csr("valid-ec-p256.pem")))
                .status()).isEqualTo(200); // spends the one token of this second

        HttpResponse kept = get(h, LEAF + "web", "");
        HttpResponse none = get(h, LEAF + "db", "");

        assertThat(kept.status()).as(kept.body()).isEqualTo(200);
        assertThat(field(kept, "SerialNumber")).isEqualTo(field(first, "SerialNumber"));
        assertThat(none.status()).isEqualTo(429);
        dcs.clock.advance(Duration.ofSeconds(1));
        assertThat(field(get(h, LEAF + "web", ""), "SerialNumber")).isNotEqualTo(field(first, "SerialNumber"));
    }

    @Test
    void without_managed_leaves_wired_the_route_answers_501() {
        dcs.bootstrap().activate("dc1");
        var d = dcs.federation.dc("dc1");
        var plain = new SignCsr(d.caStore(), d.privateStore(), dcs.authorizer,
                new dev.meshfed.core.ratelimit.CsrRateLimiter(d.privateStore(), dcs.clock, new java.util.Random(3)),
                dcs.activeSigner("dc1"), new dev.meshfed.core.pki.LeafSigningCore(CaTestDcs.PARSER, dcs.pki.profiles(),
                        CaTestDcs.ISSUER), new java.util.Random(5), dcs.clock);
        var h = new CaFunctionsHandler(dev.meshfed.app.http.RouteTable.deployed(),
                java.util.Map.of(dev.meshfed.app.http.FunctionName.SIGN_CSR, plain), new dev.meshfed.app.http.ErrorMapper());
        assertThat(get(h, LEAF + "web", "").status()).isEqualTo(501);
    }

    @Test
    void each_token_accessor_has_its_own_leaf() {
        dcs.bootstrap().activate("dc1");
        dcs.authorizer = new dev.meshfed.app.auth.Authorizer() {
            // every token may do everything, each under its own accessor
            @Override
            public dev.meshfed.app.auth.Caller caller(dev.meshfed.app.auth.Token token) {
                Accessor accessor = token.anonymous() ? Accessor.ANONYMOUS
                        : new Accessor(token.secret().equals("a-secret") ? "11111111-1111-4111-8111-111111111111"
                                : "22222222-2222-4222-8222-222222222222");
                return new dev.meshfed.app.auth.Caller(accessor, dev.meshfed.core.acl.Grants.globalManagement());
            }

            @Override
            public boolean enforcing() {
                return true;
            }
        };
        var h = dcs.handler("dc1");
        HttpResponse a = h.handle(dev.meshfed.app.http.HttpRequest.builder("GET", LEAF + "web")
                .header("X-Consul-Token", "a-secret").build());
        HttpResponse b = h.handle(dev.meshfed.app.http.HttpRequest.builder("GET", LEAF + "web")
                .header("X-Consul-Token", "b-secret").build());
        HttpResponse a2 = h.handle(dev.meshfed.app.http.HttpRequest.builder("GET", LEAF + "web")
                .header("X-Consul-Token", "a-secret").build());

        assertThat(field(a, "SerialNumber")).isNotEqualTo(field(b, "SerialNumber")).isEqualTo(field(a2, "SerialNumber"));
        assertThat(dcs.federation.dc("dc1").privateStore().managedLeaves()).hasSize(2);
        assertThat(dcs.federation.dc("dc1").privateStore().managedLeaf("web", "11111111-1111-4111-8111-111111111111"))
                .isPresent();
    }

    @Test
    void a_reuse_refreshes_last_used_at_at_most_once_an_hour() {
        dcs.bootstrap().activate("dc1");
        HttpResponse first = leaf("web");
        Instant created = stored("web").value().lastUsedAt();

        dcs.clock.advance(Duration.ofMinutes(59));
        assertThat(field(leaf("web"), "ModifyIndex")).isEqualTo(field(first, "ModifyIndex"));
        assertThat(stored("web").value().lastUsedAt()).isEqualTo(created);

        dcs.clock.advance(Duration.ofMinutes(2));
        HttpResponse later = leaf("web");
        assertThat(field(later, "SerialNumber")).isEqualTo(field(first, "SerialNumber"));
        assertThat(stored("web").value().lastUsedAt()).isEqualTo(dcs.clock.instant());
        assertThat(field(later, "ModifyIndex")).isEqualTo(String.valueOf(stored("web").version()));
    }

    @Test
    void a_caller_without_service_write_is_a_403_and_nothing_is_stored() {
        dcs.bootstrap().activate("dc1");
        dcs.authorizer = denyingEverything();
        HttpResponse r = leaf("web");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).startsWith("Permission denied: anonymous token lacks permission 'service:write' on \"web\"");
        assertThat(dcs.federation.dc("dc1").privateStore().managedLeaves()).isEmpty();
    }

    @Test
    void before_the_dc_has_a_signer_it_is_a_503() {
        dcs.bootstrap();
        HttpResponse r = leaf("web");
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(dcs.federation.dc("dc1").privateStore().managedLeaves()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-web", "web%2Fdb", "we%20b", "w*b", "%00"})
    void a_bad_service_name_is_a_400(String service) {
        dcs.bootstrap().activate("dc1");
        HttpResponse r = leaf(service);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(dcs.federation.dc("dc1").privateStore().managedLeaves()).isEmpty();
    }
}
