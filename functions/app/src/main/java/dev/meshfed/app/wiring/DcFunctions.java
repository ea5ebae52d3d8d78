package dev.meshfed.app.wiring;

import dev.meshfed.app.acl.AclApi;
import dev.meshfed.app.acl.AclAuthorizer;
import dev.meshfed.app.acl.PolicyRulesJson;
import dev.meshfed.app.auth.AclsOff;
import dev.meshfed.app.auth.Authorizer;
import dev.meshfed.app.config.DcConfig;
import dev.meshfed.app.forwarding.PrimaryApi;
import dev.meshfed.app.forwarding.PrimaryWrites;
import dev.meshfed.app.http.HttpFunction;
import dev.meshfed.app.intentions.IntentionsApi;
import dev.meshfed.app.metrics.EmfMetrics;
import dev.meshfed.core.metrics.Metrics;
import dev.meshfed.core.intentions.CachedIntentionView;
import dev.meshfed.core.intentions.IntentionDefault;
import dev.meshfed.core.intentions.IntentionService;
import dev.meshfed.app.stream.QuarantiningConsumer;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.acl.AclService;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.app.ca.ActiveSigner;
import dev.meshfed.app.ca.AgentLeaf;
import dev.meshfed.app.ca.CaAdmin;
import dev.meshfed.app.ca.CaFunctionsHandler;
import dev.meshfed.app.ca.FetchRoots;
import dev.meshfed.app.ca.IndexPoller;
import dev.meshfed.app.ca.SignCsr;
import dev.meshfed.app.ca.lifecycle.RotateLeaves;
import dev.meshfed.app.intentions.ReplicateIntentions;
import dev.meshfed.app.http.ErrorMapper;
import dev.meshfed.app.http.FunctionName;
import dev.meshfed.app.http.RouteTable;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.pki.CertificateProfiles;
import dev.meshfed.core.pki.LeafSigningCore;
import dev.meshfed.core.ratelimit.CsrRateLimiter;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.pki.BcCertificateIssuer;
import dev.meshfed.pki.BcCsrBuilder;
import dev.meshfed.pki.BcCsrParser;
import dev.meshfed.pki.CryptoProviders;
import dev.meshfed.pki.JcaKeyPairFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One DC's functions as plain classes, built once per Lambda instance from its stores and ports
 * ({@link #build}); the same graph whichever substrate holds the stores. Each HTTP deployable gets
 * a handler holding only its own function ({@link #httpHandler}), so a path of another function
 * answers Consul's 404, as API Gateway would never route it here.
 *
 * @param ca           the DC's CA store (CA table replica in its region)
 * @param intentions   the DC's intentions-table replica (intentions, ACL tokens and policies)
 * @param privateStore the DC's private table
 * @param acls         the ACL system over {@code intentions}
 * @param authorizer   what every endpoint asks: tokens and policies with ACLs on, everything allowed with them off
 * @param fetchRoots   the {@code fetch-roots} function
 * @param signCsr      the {@code sign-csr} function
 * @param rotateLeaves the {@code rotate-leaves} function
 * @param replicateIntentions the {@code replicate-intentions} function (its lag is {@code fetchRoots}'
 *                     {@code X-Consul-LastContact}; its status is part of {@code caAdmin}'s replication status)
 * @param caAdmin      the {@code ca-admin} function (its signer status read by {@code rotateLeaves})
 * @param caAdminEntry {@code caAdmin} behind {@link PrimaryWrites}: what its HTTP deployable runs, so
 *                     primary-owned writes are forwarded from a secondary and applied once per
 *                     idempotency key in the primary
 * @param intentionsApi      the {@code intentions-api} function
 * @param intentionsApiEntry {@code intentionsApi} behind {@link PrimaryWrites}, as {@code caAdminEntry}
 * @param clock        the clock every function was given
 * @param metrics      where the functions and their stream consumers report metrics
 */
public record DcFunctions(CaStore ca, IntentionStore intentions, PrivateStore privateStore, AclService acls,
        Authorizer authorizer, FetchRoots fetchRoots, SignCsr signCsr, RotateLeaves rotateLeaves,
        ReplicateIntentions replicateIntentions, CaAdmin caAdmin, HttpFunction caAdminEntry, IntentionsApi intentionsApi,
        HttpFunction intentionsApiEntry, Clock clock, Metrics metrics) {

    private static final ErrorMapper ERRORS = new ErrorMapper();

    public DcFunctions {
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(intentions, "intentions");
        Objects.requireNonNull(privateStore, "privateStore");
        Objects.requireNonNull(acls, "acls");
        Objects.requireNonNull(authorizer, "authorizer");
        Objects.requireNonNull(fetchRoots, "fetchRoots");
        Objects.requireNonNull(signCsr, "signCsr");
        Objects.requireNonNull(rotateLeaves, "rotateLeaves");
        Objects.requireNonNull(replicateIntentions, "replicateIntentions");
        Objects.requireNonNull(caAdmin, "caAdmin");
        Objects.requireNonNull(caAdminEntry, "caAdminEntry");
        Objects.requireNonNull(intentionsApi, "intentionsApi");
        Objects.requireNonNull(intentionsApiEntry, "intentionsApiEntry");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * Wires the functions of the DC that {@code ca} belongs to, reporting metrics as CloudWatch
     * embedded metric format lines on {@code System.out} (what a Lambda's log group turns into
     * metrics). Builds objects only: no store or custody call is made here.
     */
    public static DcFunctions build(CaStore ca, IntentionStore intentions, PrivateStore privateStore, KeyCustody custody,
            CryptoProviders providers, DcConfig.AclMode aclMode, Optional<PrimaryApi> primaryApi, Duration maxBlockingWait,
            Clock clock) {
        return build(ca, intentions, privateStore, custody, providers, aclMode, primaryApi, maxBlockingWait, clock,
                new EmfMetrics(System.out, clock));
    }

    /**
     * As {@link #build(CaStore, IntentionStore, PrivateStore, KeyCustody, CryptoProviders, DcConfig.AclMode,
     * Optional, Duration, Clock)}, reporting metrics to {@code metrics} ({@code meshfed dev}: its log
     * file, not its terminal).
     */
    public static DcFunctions build(CaStore ca, IntentionStore intentions, PrivateStore privateStore, KeyCustody custody,
            CryptoProviders providers, DcConfig.AclMode aclMode, Optional<PrimaryApi> primaryApi, Duration maxBlockingWait,
            Clock clock, Metrics metrics) {
        Objects.requireNonNull(metrics, "metrics");
        SecureRandom random = new SecureRandom();
        AclService acls = new AclService(intentions, ca.localDc(), PolicyRulesJson::decode, privateStore::bumpChangeIndex,
                () -> UUID.randomUUID().toString(), clock);
        Authorizer authorizer = aclMode == DcConfig.AclMode.ON ? new AclAuthorizer(acls) : new AclsOff();
        BcCertificateIssuer issuer = new BcCertificateIssuer(providers);
        BcCsrParser parser = new BcCsrParser(providers);
        CertificateProfiles profiles = new CertificateProfiles(random);
        ReplicateIntentions replicateIntentions = new ReplicateIntentions(intentions, privateStore, ca.localDc(),
                ca.primaryDc(), clock, metrics);
        FetchRoots fetchRoots = new FetchRoots(ca, privateStore, authorizer,
                new IndexPoller(clock, IndexPoller.Sleeper.THREAD, random), maxBlockingWait,
                replicateIntentions::lag, clock);
        ActiveSigner signer = new ActiveSigner(ca, privateStore, custody, providers, clock);
        SignCsr signCsr = new SignCsr(ca, privateStore, authorizer, new CsrRateLimiter(privateStore, clock, random), signer,
                new LeafSigningCore(parser, profiles, issuer), random, clock)
                .withManagedLeaves(new AgentLeaf.Parts(new JcaKeyPairFactory(providers, random),
                        new BcCsrBuilder(providers), custody,
                        new IndexPoller(clock, IndexPoller.Sleeper.THREAD, random), maxBlockingWait));
        RotateLeaves rotateLeaves = new RotateLeaves(ca.localDc(), ca.primaryDc(), ca, privateStore, custody, issuer,
                new JcaKeyPairFactory(providers, random), parser, new BcCsrBuilder(providers), profiles, clock,
                RotateLeaves.storedConfig(ca))
                .withLeafReissue(signCsr.managedLeafReissue(IndexPoller.Sleeper.THREAD))
                .withMetrics(metrics);
        CaAdmin caAdmin = new CaAdmin(ca, privateStore, custody, authorizer, rotateLeaves::status, clock)
                .withAcls(new AclApi(acls, authorizer, privateStore::changeIndex, ca.localDc(), ca.primaryDc()))
                .withIntentionReplication(replicateIntentions::status)
                .withRotation(rotateLeaves::rotationStatus);
        HttpFunction caAdminEntry = primaryWrites(caAdmin, ca, privateStore, custody, primaryApi, clock);
        // Versions of intention items come from the primary's change index (it only grows); in a
        // secondary the service is never called (writes are forwarded; the owner guard refuses them).
        IntentionService intentionWrites = new IntentionService(intentions, privateStore, privateStore::bumpChangeIndex,
                () -> UUID.randomUUID().toString(), clock);
        // No DefaultIntentionPolicy setting exists yet: the ACL default decides (deny on, allow off).
        IntentionsApi intentionsApi = new IntentionsApi(intentionWrites, new CachedIntentionView(privateStore),
                authorizer, ca, privateStore::changeIndex, new IndexPoller(clock, IndexPoller.Sleeper.THREAD, random),
                maxBlockingWait, IntentionDefault.byAcls(aclMode == DcConfig.AclMode.ON), replicateIntentions::lag);
        HttpFunction intentionsApiEntry = primaryWrites(intentionsApi, ca, privateStore, custody, primaryApi, clock);
        return new DcFunctions(ca, intentions, privateStore, acls, authorizer, fetchRoots, signCsr, rotateLeaves,
                replicateIntentions, caAdmin, caAdminEntry, intentionsApi, intentionsApiEntry, clock, metrics);
    }

    /** {@code function} behind {@link PrimaryWrites}: applied once per idempotency key in the primary, forwarded from a secondary. */
    private static HttpFunction primaryWrites(HttpFunction function, CaStore ca, PrivateStore privateStore,
            KeyCustody custody, Optional<PrimaryApi> primaryApi, Clock clock) {
        return ca.localDc().equals(ca.primaryDc())
                ? PrimaryWrites.inPrimary(function, ca.localDc(), privateStore, custody, ERRORS, clock)
                : PrimaryWrites.inSecondary(function, ca.localDc(), ca.primaryDc(), primaryApi.orElseThrow(
                        () -> new IllegalArgumentException("a secondary needs the primary's API to forward writes")),
                        PrimaryWrites.randomKeys());
    }

    /** The HTTP entry of the deployable of {@code function}: the deployed route table, that function only. */
    public CaFunctionsHandler httpHandler(FunctionName function) {
        return switch (function) {
            case FETCH_ROOTS -> new CaFunctionsHandler(RouteTable.deployed(), Map.of(function, fetchRoots), ERRORS);
            case SIGN_CSR -> new CaFunctionsHandler(RouteTable.deployed(), Map.of(function, signCsr), ERRORS);
            case CA_ADMIN -> new CaFunctionsHandler(RouteTable.deployed(), Map.of(function, caAdminEntry), ERRORS);
            case INTENTIONS_API -> new CaFunctionsHandler(RouteTable.deployed(), Map.of(function, intentionsApiEntry),
                    ERRORS);
            default -> throw new IllegalArgumentException("no HTTP function " + function + " in this build");
        };
    }

    /** {@code rotate-leaves} as the consumer of this DC's CA-table stream (poison records quarantined). */
    public QuarantiningConsumer rotateLeavesStream() {
        return new QuarantiningConsumer(Table.CA, rotateLeaves::onRecord, privateStore, ca.localDc(), clock, metrics);
    }

    /** {@code replicate-intentions} as the consumer of this DC's intentions-table stream (poison records quarantined). */
    public QuarantiningConsumer replicateIntentionsStream() {
        return new QuarantiningConsumer(Table.INTENTIONS, replicateIntentions::onRecord, privateStore, ca.localDc(), clock,
                metrics);
    }

    /**
     * Every HTTP function of this DC behind the local route table (deployed routes plus the
     * {@code /v1/dev/} controls), as one DC of {@code meshfed dev} serves them.
     */
    public CaFunctionsHandler localHandler() {
        return new CaFunctionsHandler(RouteTable.local(), Map.of(FunctionName.FETCH_ROOTS, fetchRoots,
                FunctionName.SIGN_CSR, signCsr, FunctionName.CA_ADMIN, caAdminEntry, FunctionName.INTENTIONS_API,
                intentionsApiEntry), ERRORS);
    }

    /** {@link #localHandler()} plus {@code meshfed dev}'s development controls. */
    public CaFunctionsHandler localHandler(HttpFunction devControls) {
        return new CaFunctionsHandler(RouteTable.local(), Map.of(FunctionName.FETCH_ROOTS, fetchRoots,
                FunctionName.SIGN_CSR, signCsr, FunctionName.CA_ADMIN, caAdminEntry,
                FunctionName.INTENTIONS_API, intentionsApiEntry, FunctionName.DEV_CONTROLS, devControls), ERRORS);
    }

    /** The error mapper every HTTP deployable uses. */
    public static ErrorMapper errors() {
        return ERRORS;
    }
}
