package dev.meshfed.app.ca;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.app.auth.AclsOff;
import dev.meshfed.app.auth.Authorizer;
import dev.meshfed.app.http.BlockingQuery;
import dev.meshfed.app.http.ErrorMapper;
import dev.meshfed.app.http.FunctionName;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.RouteTable;
import dev.meshfed.core.bundle.SignerState;
import dev.meshfed.core.ca.SignerRecord;
import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.custody.WrappedKey;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.pki.LeafSigningCore;
import dev.meshfed.core.ratelimit.CsrRateLimiter;
import dev.meshfed.custody.LocalKeyCustody;
import dev.meshfed.pki.BcCertificateIssuer;
import dev.meshfed.pki.BcCsrParser;
import dev.meshfed.pki.CryptoProviders;
import dev.meshfed.pki.JcaKeyPairFactory;
import dev.meshfed.store.embedded.EmbeddedFederation;
import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.testkit.TestFederation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A federation prepared by the test itself: dc1 (primary) and dc2 on the embedded substrate, a
 * TestFederation-made root written as dc1's bundle, and per DC an intermediate written as its
 * signer item with its key wrapped (INTERMEDIATE) in the DC's private table under local custody.
 */
final class CaTestDcs {
    static final CryptoProviders PROVIDERS = CryptoProviders.of(CryptoProviders.Preference.AUTO);
    static final BcCertificateIssuer ISSUER = new BcCertificateIssuer(PROVIDERS);
    static final JcaKeyPairFactory KEYS = new JcaKeyPairFactory(PROVIDERS, new SecureRandom());
    static final BcCsrParser PARSER = new BcCsrParser(PROVIDERS);
    static final ObjectMapper PLAIN = new ObjectMapper();
    /** The committed CSR fixtures, read from the pki module (one copy of them in the repository). */
    static final Path CSR_FIXTURES = Path.of("../pki/src/test/resources/csr");

    final MutableClock clock = MutableClock.atDefaultStart();
    final EmbeddedFederation federation = new EmbeddedFederation(List.of("dc1", "dc2"), "dc1", clock);
    final TestFederation pki = TestFederation.create(ISSUER, KEYS, KeySpec.EC_P256, clock);
    final RecordingCustody custody = new RecordingCustody(new LocalKeyCustody(new byte[32]));
    final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
    /** Runs on every poll pause of a blocking read; by default it only moves the clock. */
    volatile Runnable onSleep = () -> { };
    Authorizer authorizer = new AclsOff();

    /** The primary's bootstrap: dc1 writes the bundle, replication carries it to dc2. */
    CaTestDcs bootstrap() {
        federation.dc("dc1").caStore().putBundle(pki.bundle(), 0);
        // The root key sits wrapped (ROOT purpose) in the primary's private table, as rotate-leaves
        // keeps it, so a test can show that sign-csr never asks custody for it.
        PrivateKey rootKey = pki.activeRoot().keys().getPrivate();
        String rootKeyId = KeyIds.keyIdHex(pki.activeRoot().certificate().getPublicKey());
        federation.dc("dc1").privateStore().putSignerKey(rootKeyId,
                custody.delegate().wrap(rootKey, new KeyContext("dc1", rootKeyId, KeyPurpose.ROOT)));
        federation.dc("dc1").privateStore().bumpChangeIndex();
        federation.settle();
        federation.dc("dc2").privateStore().bumpChangeIndex();
        return this;
    }

    /** Gives {@code dc} an active intermediate: signer item, wrapped key, a change index bump. */
    CaTestDcs activate(String dc) {
        TestFederation.Issued inter = pki.issueIntermediate(dc);
        String keyId = KeyIds.keyIdHex(inter.certificate().getPublicKey());
        var d = federation.dc(dc);
        var kc = new KeyContext(dc, keyId, KeyPurpose.INTERMEDIATE);
        d.privateStore().putSignerKey(keyId, custody.delegate().wrap(inter.keys().getPrivate(), kc));
        long version = d.caStore().signer(dc, true).map(v -> v.version()).orElse(0L);
        d.caStore().putSigner(new SignerRecord(dc, SignerState.ACTIVE, pki.dcChain(dc), null), version);
        d.privateStore().bumpChangeIndex();
        federation.settle();
        return this;
    }

    ActiveSigner activeSigner(String dc) {
        var d = federation.dc(dc);
        return new ActiveSigner(d.caStore(), d.privateStore(), custody, PROVIDERS, clock);
    }

    /** A poller whose pauses move the clock and run {@link #onSleep}. */
    IndexPoller poller() {
        return new IndexPoller(clock, pause -> {
            sleeps.add(pause);
            clock.advance(pause);
            onSleep.run();
        }, new Random(7));
    }

    FetchRoots fetchRoots(String dc) {
        var d = federation.dc(dc);
        IndexPoller poller = poller();
        return new FetchRoots(d.caStore(), d.privateStore(), authorizer, poller,
                BlockingQuery.DEFAULT_MAX_BLOCKING_WAIT, () -> Duration.ofMillis(12), clock);
    }

    SignCsr signCsr(String dc, ActiveSigner signer) {
        return signCsr(dc, signer, federation.dc(dc).privateStore());
    }

    /** sign-csr over {@code privateStore} (a test's view of the DC's private table). */
    SignCsr signCsr(String dc, ActiveSigner signer, dev.meshfed.core.store.PrivateStore privateStore) {
        var d = federation.dc(dc);
        return new SignCsr(d.caStore(), privateStore, authorizer,
                new CsrRateLimiter(privateStore, clock, new Random(3)), signer,
                new LeafSigningCore(PARSER, pki.profiles(), ISSUER), new Random(5), clock)
                .withManagedLeaves(new AgentLeaf.Parts(KEYS, new dev.meshfed.pki.BcCsrBuilder(PROVIDERS), custody,
                        poller(), BlockingQuery.DEFAULT_MAX_BLOCKING_WAIT));
    }

    CaFunctionsHandler handler(String dc) {
        return new CaFunctionsHandler(RouteTable.deployed(),
                Map.of(FunctionName.FETCH_ROOTS, fetchRoots(dc), FunctionName.SIGN_CSR, signCsr(dc, activeSigner(dc))),
                new ErrorMapper());
    }

    /** The {@code ca-admin} function of {@code dc}, its signer status read by a real {@code rotate-leaves}. */
    CaAdmin caAdmin(String dc) {
        var d = federation.dc(dc);
        return caAdmin(dc, d.caStore());
    }

    /** {@link #caAdmin(String)} over a given CA store (a test's wrapped one). */
    CaAdmin caAdmin(String dc, dev.meshfed.core.store.CaStore caStore) {
        var d = federation.dc(dc);
        var rotateLeaves = new dev.meshfed.app.ca.lifecycle.RotateLeaves(dc, "dc1", caStore, d.privateStore(), custody,
                ISSUER, KEYS, PARSER, new dev.meshfed.pki.BcCsrBuilder(PROVIDERS),
                new dev.meshfed.core.pki.CertificateProfiles(new SecureRandom()), clock,
                dev.meshfed.app.ca.lifecycle.RotateLeaves.storedConfig(caStore));
        return new CaAdmin(caStore, d.privateStore(), custody, authorizer, rotateLeaves::status, clock);
    }

    /** A handler with all three HTTP functions of {@code dc}. */
    CaFunctionsHandler adminHandler(String dc) {
        return new CaFunctionsHandler(RouteTable.deployed(),
                Map.of(FunctionName.FETCH_ROOTS, fetchRoots(dc), FunctionName.SIGN_CSR, signCsr(dc, activeSigner(dc)),
                        FunctionName.CA_ADMIN, caAdmin(dc)),
                new ErrorMapper());
    }

    static HttpResponse put(CaFunctionsHandler h, String path, String body) {
        return h.handle(HttpRequest.builder("PUT", path).body(body).build());
    }

    static HttpResponse get(CaFunctionsHandler h, String path, String query) {
        return h.handle(HttpRequest.builder("GET", path).rawQueryString(query).build());
    }

    static HttpResponse post(CaFunctionsHandler h, String path, String body) {
        return h.handle(HttpRequest.builder("POST", path).body(body).build());
    }

    static String csr(String fixture) {
        try {
            return Files.readString(CSR_FIXTURES.resolve(fixture), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("CSR fixture " + fixture + " not found under " + CSR_FIXTURES.toAbsolutePath()
                    + " (tests run from functions/app)", e);
        }
    }

    /** {@code {"CSR":"<pem>"}}, escaped by Jackson. */
    static String signBody(String csrPem) {
        try {
            return PLAIN.writeValueAsString(Map.of("CSR", csrPem));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
