package dev.meshfed.bench;

import dev.meshfed.apigateway.ApiGatewayAdapter;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.app.ca.CaFunctionsHandler;
import dev.meshfed.app.ca.SignCsr;
import dev.meshfed.app.http.BlockingQuery;
import dev.meshfed.app.http.FunctionName;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.pki.Pem;
import dev.meshfed.custody.LocalKeyCustody;
import dev.meshfed.app.wiring.DcFunctions;
import dev.meshfed.app.config.DcConfig;
import dev.meshfed.pki.BcCertificateIssuer;
import dev.meshfed.pki.CryptoProviders;
import dev.meshfed.pki.JcaKeyPairFactory;
import dev.meshfed.store.embedded.EmbeddedFederation;
import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.testkit.TestFederation;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A full {@code sign-csr} call in process, one thread, EC P-256 (issue 4): the API Gateway v2
 * event object is built around the JSON body {@code {"CSR":"<pem>"}}, {@link ApiGatewayAdapter}
 * turns it into an {@code HttpRequest}, the {@code sign-csr} deployable's
 * {@link CaFunctionsHandler} routes it to {@link SignCsr} (authorizer with ACLs off, rate limit
 * read from the DC's ca-config, active signer and its unwrapped key from the store, the leaf
 * signing core, the JSON response) and the adapter turns the response back into an
 * {@link APIGatewayV2HTTPResponse}. Not measured: Funqy's JSON (de)serialisation of the event,
 * the Lambda runtime API, the network, DynamoDB (the stores are the embedded substrate).
 *
 * <p>Set up once per trial, as {@code functions/lambda}'s test {@code EmbeddedWiring} does: one
 * primary DC {@code dc1} on {@link EmbeddedFederation} under a random local KEK, the testkit's
 * root as its bundle with the root key wrapped, one {@code rotate-leaves} tick for dc1's
 * intermediate, and a ca-config with {@code CSRMaxPerSecond} 0 (rate limit off). The pool holds
 * 1,024 distinct CSRs for {@code spiffe://<td>/ns/default/dc/dc1/svc/web-N}, cycled.
 *
 * <p>Compare with {@link LeafSigningBenchmark}, the bare signing core of the same call.
 */
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class SignCsrCallBenchmark {

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public APIGatewayV2HTTPResponse callsPerSecond(Dc dc) {
        return dc.call();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public APIGatewayV2HTTPResponse latency(Dc dc) {
        return dc.call();
    }

    /** The DC, its sign-csr deployable's handler and the CSR pool; nothing here is measured. */
    @State(Scope.Thread)
    public static class Dc {
        static final int POOL = 1024;

        /** Which JCA provider does the EC work: {@code jdk} (SunEC), {@code bc} or {@code accp}. */
        @Param({"accp"})
        public String provider;

        CaFunctionsHandler handler;
        ApiGatewayAdapter adapter;
        String[] bodies;
        private int next;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            CryptoProviders providers = CryptoProviders.of(
                    CryptoProviders.Preference.valueOf(provider.toUpperCase(Locale.ROOT)));
            SecureRandom random = new SecureRandom();
            MutableClock clock = new MutableClock(Instant.now()); // never moved: leaves are 72 h
            EmbeddedFederation fed = new EmbeddedFederation(List.of("dc1"), "dc1", clock);
            byte[] kek = new byte[LocalKeyCustody.KEK_BYTES];
            random.nextBytes(kek);
            LocalKeyCustody custody = new LocalKeyCustody(kek);
            TestFederation pki = TestFederation.create(new BcCertificateIssuer(providers),
                    new JcaKeyPairFactory(providers, random), KeySpec.EC_P256, clock);
            var dc1 = fed.dc("dc1");
            dc1.caStore().putBundle(pki.bundle(), 0);
            String rootKeyId = KeyIds.keyIdHex(pki.activeRoot().certificate().getPublicKey());
            dc1.privateStore().putSignerKey(rootKeyId, custody.wrap(pki.activeRoot().keys().getPrivate(),
                    new KeyContext("dc1", rootKeyId, KeyPurpose.ROOT)));
            DcFunctions f = DcFunctions.build(dc1.caStore(), dc1.intentionStore(), dc1.privateStore(), custody, providers,
                    DcConfig.AclMode.OFF, java.util.Optional.empty(),
                    BlockingQuery.DEFAULT_MAX_BLOCKING_WAIT, clock);
            f.rotateLeaves().tick(); // dc1's intermediate
            long configVersion = dc1.caStore().caConfig("dc1", true).map(v -> v.version()).orElse(0L);
            dc1.caStore().putCaConfig(CaConfig.defaults().toBuilder().csrMaxPerSecond(0).build(), configVersion);
            dc1.privateStore().bumpChangeIndex();
            handler = f.httpHandler(FunctionName.SIGN_CSR);
            adapter = new ApiGatewayAdapter(DcFunctions.errors());

            ObjectMapper json = new ObjectMapper();
            String td = pki.clusterId().trustDomain().value();
            KeyPairGenerator csrKeys = KeyPairGenerator.getInstance("EC", "SunEC");
            csrKeys.initialize(new ECGenParameterSpec("secp256r1"), random);
            bodies = new String[POOL];
            for (int i = 0; i < POOL; i++) {
                bodies[i] = json.writeValueAsString(Map.of("CSR", csr(csrKeys.generateKeyPair(),
                        "spiffe://" + td + "/ns/default/dc/dc1/svc/web-" + i)));
            }
            // a benchmark of a failing call measures the error path: check one call end to end
            APIGatewayV2HTTPResponse r = call();
            if (r.getStatusCode() != 200 || !r.getBody().contains("\"CertPEM\"")
                    || !r.getBody().contains("/svc/web-0")) {
                throw new IllegalStateException("sign-csr answered " + r.getStatusCode() + ": " + r.getBody());
            }
            System.out.println("meshfed provider: " + providers.description() + "; response " + r.getBody().length()
                    + " chars");
        }

        /** One call: the event object built around the next body, adapter in, handler, adapter out. */
        APIGatewayV2HTTPResponse call() {
            int i = next;
            next = (i + 1) & (POOL - 1);
            APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                    .withVersion("2.0")
                    .withRouteKey("POST /v1/connect/ca/sign")
                    .withRawPath(SignCsr.SIGN)
                    .withRawQueryString("")
                    .withHeaders(Map.of("content-type", "application/json", "host", "ca.example.internal"))
                    .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                    .withMethod("POST").withPath(SignCsr.SIGN).withProtocol("HTTP/1.1")
                                    .withSourceIp("10.0.0.7").withUserAgent("consul").build())
                            .build())
                    .withBody(bodies[i])
                    .withIsBase64Encoded(false)
                    .build();
            return adapter.handle(event, handler);
        }

        private static String csr(KeyPair key, String uri) throws Exception {
            ExtensionsGenerator ext = new ExtensionsGenerator();
            ext.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri)));
            return Pem.encode(Pem.CERTIFICATE_REQUEST, new JcaPKCS10CertificationRequestBuilder(
                    new X500Name(new RDN[0]), key.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider("SunEC").build(key.getPrivate()))
                    .getEncoded());
        }
    }
}
