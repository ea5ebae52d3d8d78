package dev.meshfed.app.wiring;

import dev.meshfed.app.config.DcConfig;
import dev.meshfed.app.forwarding.HttpPrimaryApi;
import dev.meshfed.app.forwarding.PrimaryApi;
import dev.meshfed.app.http.BlockingQuery;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.custody.LocalKeyCustody;
import dev.meshfed.pki.BcCertificateIssuer;
import dev.meshfed.pki.CryptoProviders;
import dev.meshfed.pki.JcaKeyPairFactory;
import dev.meshfed.testkit.TestFederation;
import dev.meshfed.testkit.federation.MultiDcHarness;
import dev.meshfed.testkit.metrics.RecordingMetrics;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whole DCs as deployed ({@link DcFunctions#build}, every function, ACLs as asked) on the
 * multi-DC harness. {@link #withPrimaryCa()} gives dc1 the testkit's root (the trust domain of the
 * committed CSR fixtures) and one {@code rotate-leaves} tick issues its intermediate, so leaf
 * signing works there. Every DC reports its metrics to one {@link RecordingMetrics}.
 *
 * <p>Built with a data directory the substrate is durable (as {@code meshfed dev --data-dir}: the
 * tables journaled under it, each DC's KEK in {@code DIR/keys/<dc>.kek}) and
 * {@link #restartProcess()} stops and restarts the whole process over it.
 */
final class WiredFederation implements AutoCloseable {
    static final CryptoProviders PROVIDERS = CryptoProviders.of(CryptoProviders.Preference.AUTO);

    final MultiDcHarness harness;
    final Map<String, LocalKeyCustody> custody = new LinkedHashMap<>();
    final Map<String, DcFunctions> dcs = new LinkedHashMap<>();
    final RecordingMetrics metrics = new RecordingMetrics();
    /** The primary's API over loopback HTTP, where secondaries forward (started when there is a secondary). */
    private final LoopbackGateway primaryGateway;
    private final Map<String, PrimaryApi> primaryApis = new LinkedHashMap<>();
    /** The forwarding path of each secondary, with the faults a test injects. */
    final Map<String, FaultyPrimaryApi> forwarding = new LinkedHashMap<>();
    private final DcConfig.AclMode acl;
    private final Map<String, dev.meshfed.core.custody.KeyCustody> decoratedCustody = new LinkedHashMap<>();
    private final java.util.function.UnaryOperator<dev.meshfed.core.custody.KeyCustody> decorate;

    WiredFederation(DcConfig.AclMode acl, String... names) {
        this(acl, java.util.function.UnaryOperator.identity(), names);
    }

    /** As above, each DC's functions given {@code decorate} applied to its custody (a test's recording decorator). */
    WiredFederation(DcConfig.AclMode acl, java.util.function.UnaryOperator<dev.meshfed.core.custody.KeyCustody> decorate,
            String... names) {
        this(acl, decorate, (Path) null, names);
    }

    /**
     * As above over {@code dataDir} (durable; null: in memory). Each DC's KEK is the file
     * {@code dataDir/keys/<dc>.kek}, made on first use and read back on every start, as
     * {@code meshfed dev} keeps it: the wrapped keys in the private tables stay usable after a restart.
     */
    WiredFederation(DcConfig.AclMode acl, java.util.function.UnaryOperator<dev.meshfed.core.custody.KeyCustody> decorate,
            Path dataDir, String... names) {
        this.acl = acl;
        this.decorate = decorate;
        harness = new MultiDcHarness(List.of(names), names[0], dataDir);
        primaryGateway = names.length > 1 ? new LoopbackGateway(r -> dc(names[0]).localHandler().handle(r)) : null;
        for (String name : names) {
            if (!name.equals(names[0])) {
                FaultyPrimaryApi api = new FaultyPrimaryApi(new HttpPrimaryApi(primaryGateway.uri(), names[0], name),
                        name, names[0], harness::federation);
                forwarding.put(name, api);
                primaryApis.put(name, api);
            }
            custody.put(name, dataDir == null ? randomKek() : kekFile(name));
            var d = harness.dc(name);
            decoratedCustody.put(name, decorate.apply(custody.get(name)));
            dcs.put(name, DcFunctions.build(d.caStore(), d.intentionStore(), d.privateStore(), decoratedCustody.get(name),
                    PROVIDERS, acl, java.util.Optional.ofNullable(primaryApis.get(name)),
                    BlockingQuery.DEFAULT_MAX_BLOCKING_WAIT, harness.clock(), metrics));
        }
    }

    private static LocalKeyCustody randomKek() {
        byte[] kek = new byte[LocalKeyCustody.KEK_BYTES];
        new SecureRandom().nextBytes(kek);
        return new LocalKeyCustody(kek);
    }

    private LocalKeyCustody kekFile(String name) {
        return LocalKeyCustody.fromFile(harness.dataDir().orElseThrow().resolve("keys").resolve(name + ".kek"));
    }

    @Override
    public void close() {
        if (primaryGateway != null) {
            primaryGateway.close();
        }
        harness.close();
    }

    /**
     * Test-only hook (durable only): the {@code meshfed dev} process stops and starts again. The
     * substrate is closed and reopened from the data directory ({@link MultiDcHarness#restartProcess}),
     * every DC's key custody is read back from its KEK file, and {@code start} is given each DC's
     * name to build its functions afresh over the reopened tables (it must call {@link #rebuild}).
     * Nothing in memory survives: caches, signers, views, pending replication and undelivered
     * stream records.
     */
    void restartProcess(java.util.function.Consumer<String> start) {
        harness.restartProcess();
        for (String name : List.copyOf(dcs.keySet())) {
            custody.put(name, kekFile(name));
            decoratedCustody.put(name, decorate.apply(custody.get(name)));
            start.accept(name);
        }
    }

    /** {@link #restartProcess(java.util.function.Consumer)} with every DC rebuilt over its plain tables. */
    void restartProcess() {
        restartProcess(name -> rebuild(name, (table, store) -> store));
    }

    /**
     * Test-only hook: throws away {@code name}'s function instances (and with them every in-memory
     * cache, active signer and intention view) and builds fresh ones over the same tables and the
     * same key custody, as a Lambda cold start of one DC would (a whole {@code meshfed dev} restart,
     * tables reopened from disk, is {@link #restartProcess}). Each table is
     * given to {@code tables} first (a test's fault-injecting decorator; identity otherwise).
     * Callers that hold the old instance (stream subscriptions, ticks) must look it up again.
     */
    DcFunctions rebuild(String name, java.util.function.BiFunction<dev.meshfed.core.store.Table, dev.meshfed.core.store.TableStore,
            dev.meshfed.core.store.TableStore> tables) {
        var d = harness.dc(name);
        var clock = harness.clock();
        String primary = harness.federation().primary();
        var ca = new dev.meshfed.core.store.CaStore(tables.apply(dev.meshfed.core.store.Table.CA, d.table(dev.meshfed.core.store.Table.CA)),
                name, primary, clock);
        var intentions = new dev.meshfed.core.store.IntentionStore(tables.apply(dev.meshfed.core.store.Table.INTENTIONS,
                d.table(dev.meshfed.core.store.Table.INTENTIONS)), name, primary, clock);
        var priv = new dev.meshfed.core.store.PrivateStore(tables.apply(dev.meshfed.core.store.Table.PRIVATE,
                d.table(dev.meshfed.core.store.Table.PRIVATE)), name, clock);
        DcFunctions fresh = DcFunctions.build(ca, intentions, priv, decoratedCustody.get(name), PROVIDERS, acl,
                java.util.Optional.ofNullable(primaryApis.get(name)), BlockingQuery.DEFAULT_MAX_BLOCKING_WAIT, clock, metrics);
        dcs.put(name, fresh);
        return fresh;
    }

    /** As {@link #call(String, String, String, String, String)}, with extra request headers. */
    HttpResponse call(String dc, String method, String pathAndQuery, String token, String body, Map<String, String> headers) {
        int q = pathAndQuery.indexOf('?');
        HttpRequest.Builder b = HttpRequest.builder(method, q < 0 ? pathAndQuery : pathAndQuery.substring(0, q))
                .rawQueryString(q < 0 ? "" : pathAndQuery.substring(q + 1)).headers(headers);
        if (token != null) {
            b.header("X-Consul-Token", token);
        }
        if (body != null) {
            b.body(body);
        }
        return dc(dc).localHandler().handle(b.build());
    }

    DcFunctions dc(String name) {
        return dcs.get(name);
    }

    /** dc1 holds the testkit root and an intermediate under it. */
    WiredFederation withPrimaryCa() {
        TestFederation pki = TestFederation.create(new BcCertificateIssuer(PROVIDERS),
                new JcaKeyPairFactory(PROVIDERS, new SecureRandom()), KeySpec.EC_P256, harness.clock());
        var dc1 = harness.dc("dc1");
        dc1.caStore().putBundle(pki.bundle(), 0);
        String rootKeyId = KeyIds.keyIdHex(pki.activeRoot().certificate().getPublicKey());
        dc1.privateStore().putSignerKey(rootKeyId, custody.get("dc1").wrap(pki.activeRoot().keys().getPrivate(),
                new KeyContext("dc1", rootKeyId, KeyPurpose.ROOT)));
        dc("dc1").rotateLeaves().tick();
        harness.settle();
        return this;
    }

    /** The first management token's secret, made by bootstrap in dc1. */
    String bootstrap() {
        return dc("dc1").acls().bootstrap().secretId();
    }

    /** {@code method pathAndQuery} on {@code dc}'s local handler, with {@code token} (null: none). */
    HttpResponse call(String dc, String method, String pathAndQuery, String token, String body) {
        int q = pathAndQuery.indexOf('?');
        HttpRequest.Builder b = HttpRequest.builder(method, q < 0 ? pathAndQuery : pathAndQuery.substring(0, q))
                .rawQueryString(q < 0 ? "" : pathAndQuery.substring(q + 1));
        if (token != null) {
            b.header("X-Consul-Token", token);
        }
        if (body != null) {
            b.body(body);
        }
        return dc(dc).localHandler().handle(b.build());
    }
}
