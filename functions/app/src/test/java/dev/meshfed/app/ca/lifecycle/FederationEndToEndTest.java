package dev.meshfed.app.ca.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.app.auth.AclsOff;
import dev.meshfed.app.ca.ActiveSigner;
import dev.meshfed.app.ca.CaFunctionsHandler;
import dev.meshfed.app.ca.FetchRoots;
import dev.meshfed.app.ca.IndexPoller;
import dev.meshfed.app.ca.SignCsr;
import dev.meshfed.app.http.BlockingQuery;
import dev.meshfed.app.http.ErrorMapper;
import dev.meshfed.app.http.FunctionName;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.RouteTable;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.pki.LeafSigningCore;
import dev.meshfed.core.pki.Pem;
import dev.meshfed.core.ratelimit.CsrRateLimiter;
import dev.meshfed.testkit.OpenSsl;
import dev.meshfed.testkit.Pkix;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

/**
 * The federation end to end, on the embedded substrate: dc1 bootstraps, dc2 joins through the
 * enrolment-signed CSR exchange, a workload CSR is signed by dc2's {@code sign-csr} over HTTP, and
 * the leaf verifies with {@code openssl verify} and JDK PKIX against nothing but dc1's
 * {@code GET /v1/connect/ca/roots?pem=true} answer.
 */
class FederationEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static CaFunctionsHandler httpFunctions(LifecycleFederation f, String dc) {
        var d = f.dc(dc);
        var clock = f.harness.clock();
        ActiveSigner signer = new ActiveSigner(d.caStore(), d.privateStore(), f.custody.get(dc), LifecycleFederation.PROVIDERS, clock);
        SignCsr sign = new SignCsr(d.caStore(), d.privateStore(), new AclsOff(),
                new CsrRateLimiter(d.privateStore(), clock, new Random(3)), signer,
                new LeafSigningCore(LifecycleFederation.PARSER, new dev.meshfed.core.pki.CertificateProfiles(new SecureRandom()),
                        LifecycleFederation.ISSUER), new Random(5), clock);
        FetchRoots roots = new FetchRoots(d.caStore(), d.privateStore(), new AclsOff(),
                new IndexPoller(clock, pause -> clock.advance(pause), new Random(7)), BlockingQuery.DEFAULT_MAX_BLOCKING_WAIT,
                () -> Duration.ZERO, clock);
        return new CaFunctionsHandler(RouteTable.deployed(), Map.of(FunctionName.SIGN_CSR, sign, FunctionName.FETCH_ROOTS, roots),
                new ErrorMapper());
    }

    private static String leafCsr(KeyPair key, String spiffeId) throws Exception {
        ExtensionsGenerator ext = new ExtensionsGenerator();
        ext.addExtension(Extension.subjectAlternativeName, true,
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId)));
        var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(""), key.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
        return Pem.encode(Pem.CERTIFICATE_REQUEST, csr.getEncoded());
    }

    @Test
    void aLeafSignedInTheSecondaryVerifiesAgainstOnlyThePrimarysPemRoots() throws Exception {
        LifecycleFederation f = new LifecycleFederation("dc1", "dc2");
        f.start("dc1");
        RotateLeaves dc2 = f.start("dc2");
        f.register("dc2", dc2.enrolmentPublicKeyPem());
        f.harness.settle();

        String td = f.bundle("dc1").trustDomain().value();
        KeyPair workload = LifecycleFederation.KEYS.generate(KeySpec.EC_P256);
        String body = JSON.writeValueAsString(Map.of("CSR", leafCsr(workload, "spiffe://" + td + "/ns/default/dc/dc2/svc/web")));
        HttpResponse signed = httpFunctions(f, "dc2").handle(HttpRequest.builder("POST", "/v1/connect/ca/sign").body(body).build());
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        JsonNode leafJson = JSON.readTree(signed.body());
        assertThat(leafJson.get("ServiceURI").asText()).isEqualTo("spiffe://" + td + "/ns/default/dc/dc2/svc/web");

        List<X509Certificate> certPem = Certificates.fromPem(leafJson.get("CertPEM").asText());
        X509Certificate leaf = certPem.get(0);
        List<X509Certificate> chain = certPem.subList(1, certPem.size());
        assertThat(leaf.getPublicKey()).isEqualTo(workload.getPublic());

        HttpResponse roots = httpFunctions(f, "dc1").handle(
                HttpRequest.builder("GET", "/v1/connect/ca/roots").rawQueryString("pem=true").build());
        assertThat(roots.status()).isEqualTo(200);
        // dc1's pem=true answer holds its root and its own intermediate, never dc2's: trust only its roots
        List<X509Certificate> dc1Pem = Certificates.fromPem(roots.body());
        List<X509Certificate> dc1Roots = dc1Pem.stream().filter(c -> c.getSubjectX500Principal().equals(c.getIssuerX500Principal())).toList();
        assertThat(dc1Roots).hasSize(1);

        var now = f.harness.clock().instant();
        OpenSsl.Result r = OpenSsl.verify(dc1Roots, chain, leaf, "sslclient", now);
        assertThat(r.ok()).as(r.output()).isTrue();
        assertThat(Pkix.valid(dc1Roots, chain, leaf, now)).isTrue();
        // and the leaf does not verify without dc2's chain: dc1's own intermediate is no path to it
        assertThat(OpenSsl.verify(dc1Roots, List.of(), leaf, "sslclient", now).ok()).isFalse();
    }
}
