package dev.meshfed.lambda;

import dev.meshfed.app.wiring.DcFunctions;
import dev.meshfed.app.config.DcConfig;
import dev.meshfed.app.forwarding.HttpPrimaryApi;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.custody.KmsClients;
import dev.meshfed.custody.KmsKeyCustody;
import dev.meshfed.custody.LocalKeyCustody;
import dev.meshfed.custody.SdkKmsOperations;
import dev.meshfed.pki.CryptoProviders;
import dev.meshfed.store.dynamodb.DynamoDbClients;
import dev.meshfed.store.dynamodb.DynamoDbTableStore;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Logger;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The deployed wiring: one DC from {@link DcConfig#fromEnvironment}, its three tables in DynamoDB
 * and its keys under KMS (or under a local KEK file when {@value #LOCAL_KEK_FILE} names one, for
 * local runs such as {@code sam local invoke}). Built once per Lambda instance: by
 * {@link #startEarly} when Lambda constructs {@link MeshfedStreamHandler}, else by the first
 * invocation; a class load or a test start (tests replace this bean) connects to nothing.
 *
 * <p>Not at Quarkus' start: Funqy's handler starts Quarkus inside the first invocation, so a
 * warm-up there ran beside the first request and cost it 0.1–0.4 s (docs/benchmarks.md, "Cold
 * start").
 *
 * <p>ACLs are on unless {@code MESHFED_ACL=off} says otherwise: tokens and policies are read from
 * the region's replica of the intentions table.
 */
@DefaultBean
@ApplicationScoped
public class LambdaWiring implements Wiring {

    /**
     * Local runs only: a file holding a 32-byte KEK ({@link LocalKeyCustody#fromFile}, created if
     * missing) used instead of KMS. Never set in SAM or Terraform, so not one of
     * {@code EnvironmentVariables.ALL}.
     */
    public static final String LOCAL_KEK_FILE = "MESHFED_LOCAL_KEK_FILE";

    private static final Logger LOG = Logger.getLogger(LambdaWiring.class.getName());

    /** The build {@link #startEarly} began, until a {@link #functions()} call takes it. */
    private static final AtomicReference<CompletableFuture<DcFunctions>> EARLY = new AtomicReference<>();

    private final Supplier<DcFunctions> builder;
    private volatile DcFunctions functions;

    public LambdaWiring() {
        this(() -> fromEnvironment(System.getenv()));
    }

    LambdaWiring(Supplier<DcFunctions> builder) {
        this.builder = builder;
    }

    @Override
    public DcFunctions functions() {
        DcFunctions f = functions;
        if (f == null) {
            // concurrent first invocations: one builds (or takes the early build), the others wait
            synchronized (this) {
                f = functions;
                if (f == null) {
                    f = takeEarly();
                    if (f == null) {
                        f = builder.get();
                    }
                    functions = f;
                }
            }
        }
        return f;
    }

    /**
     * Starts building the DC described by {@code environment} on a daemon thread, before Quarkus
     * (and so before this bean) exists, then primes it with one read. The first
     * {@link #functions()} call takes the result; if the build failed, it builds again and so
     * meets the real error.
     */
    static CompletableFuture<DcFunctions> startEarly(Map<String, String> environment) {
        CompletableFuture<DcFunctions> early = new CompletableFuture<>();
        EARLY.set(early);
        Thread t = new Thread(() -> {
            DcFunctions f;
            try {
                f = fromEnvironment(environment);
            } catch (RuntimeException | LinkageError e) {
                LOG.info(() -> "early wiring did not finish (" + e.getClass().getSimpleName()
                        + "); the first invocation builds it");
                early.completeExceptionally(e);
                return;
            }
            prime(f);
            early.complete(f);
        }, "meshfed-early-wiring");
        t.setDaemon(true);
        t.start();
        return early;
    }

    private static DcFunctions takeEarly() {
        CompletableFuture<DcFunctions> early = EARLY.getAndSet(null);
        if (early == null) {
            return null;
        }
        try {
            return early.join();
        } catch (CompletionException e) {
            return null;
        }
    }

    /** One read every deployable may make (its change index): loads the SDK's request path, opens a connection. */
    private static void prime(DcFunctions f) {
        try {
            f.privateStore().changeIndex();
        } catch (RuntimeException e) {
            LOG.info(() -> "priming read failed (" + e.getClass().getSimpleName() + "); the first invocation retries it");
        }
    }

    /** Wires the DC that {@code environment} describes (builds clients, calls nothing). */
    static DcFunctions fromEnvironment(Map<String, String> environment) {
        DcConfig config = DcConfig.fromEnvironment(environment);
        Clock clock = Clock.systemUTC();
        Region region = Region.of(config.region());
        DynamoDbClient dynamo = DynamoDbClients.create(region, config.dynamoDbEndpoint());
        String dc = config.datacenter().name();
        CaStore ca = new CaStore(new DynamoDbTableStore(dynamo, config.tables().ca()), dc, config.primary().name(), clock);
        PrivateStore privateStore = new PrivateStore(new DynamoDbTableStore(dynamo, config.tables().privateTable()), dc, clock);
        IntentionStore intentions = new IntentionStore(new DynamoDbTableStore(dynamo, config.tables().intentions()), dc,
                config.primary().name(), clock);
        return DcFunctions.build(ca, intentions, privateStore, custody(config, environment), CryptoProviders.get(),
                config.acl(), config.primaryApiUrl().map(url -> new HttpPrimaryApi(url, config.primary().name(), dc)),
                config.maxBlockingWait(), clock);
    }

    private static KeyCustody custody(DcConfig config, Map<String, String> environment) {
        String kekFile = environment.get(LOCAL_KEK_FILE);
        if (kekFile != null && !kekFile.isEmpty()) {
            return LocalKeyCustody.fromFile(Path.of(kekFile));
        }
        return new KmsKeyCustody(new SdkKmsOperations(KmsClients.create(Region.of(config.region()), Optional.empty())),
                config.kmsKeyId());
    }
}
