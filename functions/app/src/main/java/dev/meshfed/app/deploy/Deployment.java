package dev.meshfed.app.deploy;

import static dev.meshfed.app.deploy.KmsUse.Action.DECRYPT;
import static dev.meshfed.app.deploy.KmsUse.Action.GENERATE_DATA_KEY;
import static dev.meshfed.app.deploy.Roles.BOTH;
import static dev.meshfed.app.deploy.Roles.PRIMARY_ONLY;
import static dev.meshfed.app.deploy.Roles.SECONDARY_ONLY;
import static dev.meshfed.app.deploy.TableAccess.READ;
import static dev.meshfed.app.deploy.TableAccess.WRITE_OWN_KEYS;

import dev.meshfed.app.ca.lifecycle.RotateLeaves;
import dev.meshfed.app.config.EnvironmentVariable;
import dev.meshfed.app.config.EnvironmentVariables;
import dev.meshfed.app.http.ApiGatewayRoute;
import dev.meshfed.app.http.FunctionName;
import dev.meshfed.app.http.RouteTable;
import dev.meshfed.app.intentions.ReplicateIntentions;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.identity.DatacenterRole;
import dev.meshfed.core.metrics.Metrics;
import dev.meshfed.core.store.Table;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Everything one DC's regional stack deploys, as the code expects it (see the package comment).
 * SAM ({@code infra/sam}) and Terraform ({@code infra/terraform}) must produce exactly
 * {@link #facts(DatacenterRole)}; {@code infra-test} reads both and compares.
 */
public final class Deployment {

    /** The Lambda runtime of the default (JVM) artifact. */
    public static final String JVM_RUNTIME = "java21";
    /** The Lambda runtime of the native artifact ({@code native-build/}). */
    public static final String NATIVE_RUNTIME = "provided.al2023";
    /**
     * The JVM artifact's entry point (functions/lambda): Funqy's stream handler, which runs the
     * function named by {@code QUARKUS_FUNQY_EXPORT}, behind a constructor that starts the DC's
     * wiring while Quarkus boots.
     */
    public static final String JVM_HANDLER = "dev.meshfed.lambda.MeshfedStreamHandler::handleRequest";
    /**
     * x86_64: the Amazon Corretto Crypto Provider's native library is built for it; on arm64
     * {@code CryptoProviders} falls back to the JDK providers at a third of the signing rate.
     */
    public static final String ARCHITECTURE = "x86_64";
    /** The variable Funqy reads to choose the exported function; its value is the deployable's name. */
    public static final String FUNQY_EXPORT = "QUARKUS_FUNQY_EXPORT";

    /** HTTP deployables: above the longest blocking wait (25 s) and the forwarding budget, within API Gateway's 30 s. */
    static final Duration HTTP_TIMEOUT = Duration.ofSeconds(30);
    /** Reserved instances for each deployable that serves blocking reads (a parameter; never 0). */
    public static final int BLOCKING_RESERVED_CONCURRENCY = 50;

    /**
     * The HTTP API stage's default route throttling: a static ceiling (requests per second and burst)
     * so a flood is refused by API Gateway (429) before it reaches Lambda or DynamoDB. Parameters
     * with these defaults; both at least 1.
     */
    public static final int THROTTLE_RATE_LIMIT = 5_000;
    public static final int THROTTLE_BURST_LIMIT = 2_000;

    /**
     * Stream event source mappings. At-least-once delivery is already handled by the functions, and
     * both ticks repair whatever a dropped record leaves behind (the reconcile every 5 minutes, the
     * hourly CSR re-drive), so retries and record age are bounded tightly: a record that cannot be
     * applied for an hour goes to the on-failure queue instead of blocking its shard.
     */
    public static final int STREAM_BATCH_SIZE = 100;
    public static final int STREAM_MAX_RETRY_ATTEMPTS = 10;
    public static final Duration STREAM_MAX_RECORD_AGE = Duration.ofHours(1);
    public static final String STREAM_STARTING_POSITION = "TRIM_HORIZON";
    public static final boolean STREAM_BISECT_ON_ERROR = true;
    public static final String STREAM_RESPONSE_TYPE = "ReportBatchItemFailures";

    /**
     * Asynchronous invocation of the schedule deployables (EventBridge invokes asynchronously): no
     * retries, and an event older than the schedule's interval is dropped. The next tick is the
     * retry, and a late tick must not overlap the next (both ticks are idempotent and repair what
     * one missed run leaves).
     */
    public static final int SCHEDULE_MAX_RETRY_ATTEMPTS = 0;

    /** The {@code kms:} actions the key policy denies to every principal, whatever their IAM policies say. */
    public static final String KEY_POLICY_DENY_ALL = "kms:ReEncrypt*";

    private static final int MB_DEFAULT = 1024;
    /** One full vCPU: signing and key generation are CPU-bound. */
    private static final int MB_ONE_VCPU = 1769;

    /*
     * Grants, each for the roles it is used in (proved exact per role by DeployablePermissionsTest):
     * every HTTP deployable reads INTENTIONS for ACL tokens and policies and PRIVATE for the change
     * index behind X-Consul-Index. A secondary forwards every primary-owned write (ACLs, intentions,
     * rotation, a CA configuration with a root) to the primary, so there its intentions-api and
     * ca-admin write no INTENTIONS item and seal no forwarded answer.
     */
    private static final List<Deployable> DEPLOYABLES = List.of(
            new Deployable(FunctionName.FETCH_ROOTS, new Trigger.Http(), MB_DEFAULT, HTTP_TIMEOUT,
                    OptionalInt.of(BLOCKING_RESERVED_CONCURRENCY), new Deployable.Grants()
                            .table(Table.CA, BOTH, READ).table(Table.INTENTIONS, BOTH, READ)
                            .table(Table.PRIVATE, BOTH, READ)),
            new Deployable(FunctionName.SIGN_CSR, new Trigger.Http(), MB_ONE_VCPU, HTTP_TIMEOUT,
                    OptionalInt.of(BLOCKING_RESERVED_CONCURRENCY), new Deployable.Grants()
                            .table(Table.CA, BOTH, READ).table(Table.INTENTIONS, BOTH, READ)
                            // the CSR rate limiter, the leaf inventory and managed leaves
                            .table(Table.PRIVATE, BOTH, READ, WRITE_OWN_KEYS)
                            // signs with the DC's intermediate; makes managed leaves' keys and serves them stored
                            .kms(KeyPurpose.INTERMEDIATE, BOTH, DECRYPT)
                            .kms(KeyPurpose.MANAGED_LEAF, BOTH, GENERATE_DATA_KEY, DECRYPT)),
            new Deployable(FunctionName.INTENTIONS_API, new Trigger.Http(), MB_DEFAULT, HTTP_TIMEOUT,
                    OptionalInt.of(BLOCKING_RESERVED_CONCURRENCY), new Deployable.Grants()
                            .table(Table.CA, BOTH, READ) // the trust domain (authorize)
                            .table(Table.INTENTIONS, BOTH, READ).table(Table.INTENTIONS, PRIMARY_ONLY, WRITE_OWN_KEYS)
                            // the primary's writes bump the change index and keep idempotency records
                            .table(Table.PRIVATE, BOTH, READ).table(Table.PRIVATE, PRIMARY_ONLY, WRITE_OWN_KEYS)
                            // the primary seals each applied write's answer and opens it for a replay
                            .kms(KeyPurpose.FORWARDED_RESPONSE, PRIMARY_ONLY, GENERATE_DATA_KEY, DECRYPT)),
            new Deployable(FunctionName.CA_ADMIN, new Trigger.Http(), MB_DEFAULT, HTTP_TIMEOUT, OptionalInt.empty(),
                    new Deployable.Grants()
                            // CA writes in a secondary: its own CA configuration (a key type change
                            // re-keys through rotate-leaves); PRIVATE writes: its change index
                            .table(Table.CA, BOTH, READ, WRITE_OWN_KEYS)
                            // INTENTIONS writes: ACL tokens and policies, the primary's only
                            .table(Table.INTENTIONS, BOTH, READ).table(Table.INTENTIONS, PRIMARY_ONLY, WRITE_OWN_KEYS)
                            .table(Table.PRIVATE, BOTH, READ, WRITE_OWN_KEYS)
                            .kms(KeyPurpose.FORWARDED_RESPONSE, PRIMARY_ONLY, GENERATE_DATA_KEY, DECRYPT)
                            // a supplied root key is staged encrypted: encrypt-only, never decrypted here
                            // (GET /v1/operator/replication reads the signing key ID from the signer
                            // item: no intermediate-key grant)
                            .kms(KeyPurpose.ROOT, PRIMARY_ONLY, GENERATE_DATA_KEY)),
            rotateLeaves(new Trigger.Stream(Table.CA), MB_DEFAULT, Duration.ofSeconds(60), false),
            // a tick may spend up to TICK_INTERVAL re-issuing managed leaves, then renews and prunes
            rotateLeaves(new Trigger.Schedule(RotateLeaves.TICK_INTERVAL), MB_ONE_VCPU, Duration.ofSeconds(120), true),
            replicateIntentions(new Trigger.Stream(Table.INTENTIONS), Duration.ofSeconds(60)),
            replicateIntentions(new Trigger.Schedule(ReplicateIntentions.RECONCILE_INTERVAL), Duration.ofSeconds(120)));

    private static final List<Alarm> ALARMS = List.of(
            new Alarm("replication-lag", "meshfed", Metrics.INTENTIONS_REPLICATION_LAG_MS,
                    Map.of(Metrics.DC, Alarm.OWN_DC, Metrics.TABLE, Table.INTENTIONS.name()), "Maximum", 60, 5,
                    "GreaterThanThreshold", 30_000, "notBreaching",
                    "intention changes take more than 30 s to reach this DC's view for 5 minutes"),
            new Alarm("iterator-age-ca", "AWS/Lambda", "IteratorAge",
                    Map.of("FunctionName", Alarm.function("rotate-leaves-stream")), "Maximum", 60, 5,
                    "GreaterThanThreshold", 300_000, "notBreaching",
                    "rotate-leaves is more than 5 minutes behind the CA table's stream"),
            new Alarm("iterator-age-intentions", "AWS/Lambda", "IteratorAge",
                    Map.of("FunctionName", Alarm.function("replicate-intentions-stream")), "Maximum", 60, 5,
                    "GreaterThanThreshold", 300_000, "notBreaching",
                    "replicate-intentions is more than 5 minutes behind the intentions table's stream"),
            new Alarm("quarantined-ca", "meshfed", Metrics.STREAM_QUARANTINED,
                    Map.of(Metrics.DC, Alarm.OWN_DC, Metrics.TABLE, Table.CA.name()), "Sum", 300, 1,
                    "GreaterThanOrEqualToThreshold", 1, "notBreaching",
                    "a CA-table record could never be applied and was quarantined"),
            new Alarm("quarantined-intentions", "meshfed", Metrics.STREAM_QUARANTINED,
                    Map.of(Metrics.DC, Alarm.OWN_DC, Metrics.TABLE, Table.INTENTIONS.name()), "Sum", 300, 1,
                    "GreaterThanOrEqualToThreshold", 1, "notBreaching",
                    "an intentions-table record could never be applied and was quarantined"),
            // reported by every rotate-leaves tick: missing data means the tick is not running, which
            // is itself the way a signer comes to expire
            new Alarm("signer-expiry", "meshfed", Metrics.SIGNER_SECONDS_TO_EXPIRY,
                    Map.of(Metrics.DC, Alarm.OWN_DC, Metrics.TABLE, Table.CA.name()), "Minimum", 300, 3,
                    "LessThanThreshold", 7 * 24 * 3600, "breaching",
                    "this DC's signing certificate expires within 7 days, or rotate-leaves stopped reporting"),
            new Alarm("stream-failures", "AWS/SQS", "ApproximateNumberOfMessagesVisible",
                    Map.of("QueueName", Alarm.FAILURE_QUEUE), "Maximum", 300, 1,
                    "GreaterThanOrEqualToThreshold", 1, "notBreaching",
                    "a stream batch exhausted its retries or record age and went to the on-failure queue"));

    private Deployment() {
    }

    /** Every deployable of a DC, in documentation order. Primary and secondaries deploy the same set. */
    public static List<Deployable> deployables() {
        return DEPLOYABLES;
    }

    /** The deployable named {@code name}. */
    public static Deployable deployable(String name) {
        return DEPLOYABLES.stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no deployable " + name));
    }

    /** The alarms every DC deploys. */
    public static List<Alarm> alarms() {
        return ALARMS;
    }

    /** The HTTP API's routes (from the route table, the one declaration of them). */
    public static List<ApiGatewayRoute> routes() {
        return RouteTable.deployed().apiGatewayRoutes();
    }

    /**
     * The environment variables every function gets: {@link #FUNQY_EXPORT} and meshfed's own, but
     * not {@code MESHFED_DYNAMODB_ENDPOINT}, which only points tests at a local server. The
     * templates set {@code MESHFED_PRIMARY_API_URL} empty in the primary (empty means unset).
     */
    public static List<String> environmentVariables() {
        List<String> names = new ArrayList<>();
        names.add(FUNQY_EXPORT);
        EnvironmentVariables.ALL.stream().map(EnvironmentVariable::name)
                .filter(n -> !n.equals(EnvironmentVariables.MESHFED_DYNAMODB_ENDPOINT.name()))
                .forEach(names::add);
        return List.copyOf(names);
    }

    /** The deployable that serves {@code function}'s routes. */
    public static Deployable httpDeployable(FunctionName function) {
        return deployable(function.deployable("http"));
    }

    /**
     * The deployment of one DC in {@code role} as sorted, comparable lines. The formats are the
     * contract with the template readers in {@code infra-test}:
     * <ul>
     *   <li>{@code function <d> runtime=.. handler=.. architecture=.. memory=.. timeout=..},
     *       {@code function <d> reserved=<n>} (the default of its parameter),
     *   <li>{@code env <d> <VARIABLE>} and {@code env <d> QUARKUS_FUNQY_EXPORT=<d>},
     *   <li>{@code route <routeKey> -> <d> auth=<NONE|AWS_IAM>}, {@code api throttle rate=.. burst=..},
     *   <li>{@code stream <TABLE> -> <d> batch=.. bisect=.. retries=.. max-age=.. start=.. response=.. on-failure=queue:stream-failures},
     *   <li>{@code schedule <d> <rate expression> retries=<n> max-event-age=<seconds>} (its asynchronous
     *       invoke configuration: {@link #SCHEDULE_MAX_RETRY_ATTEMPTS}, the interval),
     *   <li>{@code iam <d> <action> <resource>[ <condition>]}, resources {@code table:<TABLE>},
     *       {@code stream:<TABLE>}, {@code kms:custody}, {@code queue:stream-failures},
     *       {@code log-group:own}, {@code *}; conditions {@code keys=own-dc} (dynamodb:LeadingKeys)
     *       and {@code purpose=<wire name> dc=own} (KMS encryption context); table and KMS lines
     *       only for the grants of {@code role} ({@link Deployable#tables(DatacenterRole)},
     *       {@link Deployable#kms(DatacenterRole)}),
     *   <li>{@code key-policy deny <action> purpose=root unless <deployables>} and
     *       {@code key-policy deny kms:ReEncrypt* all} (every principal, role-independent),
     *   <li>the lines of {@link Alarm#fact()}.
     * </ul>
     */
    public static Set<String> facts(DatacenterRole role) {
        Set<String> f = new TreeSet<>();
        for (Deployable d : DEPLOYABLES) {
            String n = d.name();
            f.add("function " + n + " runtime=" + JVM_RUNTIME + " handler=" + JVM_HANDLER + " architecture=" + ARCHITECTURE
                    + " memory=" + d.memoryMb() + " timeout=" + d.timeout().toSeconds());
            d.reservedConcurrency().ifPresent(r -> f.add("function " + n + " reserved=" + r));
            for (String v : environmentVariables()) {
                f.add(v.equals(FUNQY_EXPORT) ? "env " + n + " " + FUNQY_EXPORT + "=" + n : "env " + n + " " + v);
            }
            if (d.trigger() instanceof Trigger.Stream s) {
                f.add("stream " + s.table() + " -> " + n + " batch=" + STREAM_BATCH_SIZE + " bisect="
                        + STREAM_BISECT_ON_ERROR + " retries=" + STREAM_MAX_RETRY_ATTEMPTS + " max-age="
                        + STREAM_MAX_RECORD_AGE.toSeconds() + " start=" + STREAM_STARTING_POSITION + " response="
                        + STREAM_RESPONSE_TYPE + " on-failure=queue:stream-failures");
                for (String a : List.of("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")) {
                    f.add("iam " + n + " " + a + " stream:" + s.table());
                }
                f.add("iam " + n + " dynamodb:ListStreams *"); // ListStreams has no resource type
                f.add("iam " + n + " sqs:SendMessage queue:stream-failures");
            } else if (d.trigger() instanceof Trigger.Schedule s) {
                f.add("schedule " + n + " " + s.expression() + " retries=" + SCHEDULE_MAX_RETRY_ATTEMPTS
                        + " max-event-age=" + s.every().toSeconds());
            }
            f.add("iam " + n + " logs:CreateLogStream log-group:own");
            f.add("iam " + n + " logs:PutLogEvents log-group:own");
            d.tables(role).forEach((table, accesses) -> accesses.forEach(access -> access.actions().forEach(action ->
                    f.add("iam " + n + " " + action + " table:" + table + (access == WRITE_OWN_KEYS ? " keys=own-dc" : "")))));
            for (KmsUse k : d.kms(role)) {
                f.add("iam " + n + " " + k.action().iamAction() + " kms:custody purpose=" + k.purpose().wireName()
                        + " dc=own");
            }
        }
        for (ApiGatewayRoute r : routes()) {
            f.add("route " + r.routeKey() + " -> " + httpDeployable(r.function()).name() + " auth=" + r.authorization());
        }
        f.add("api throttle rate=" + THROTTLE_RATE_LIMIT + " burst=" + THROTTLE_BURST_LIMIT);
        for (KmsUse.Action a : KmsUse.Action.values()) {
            f.add("key-policy deny " + a.iamAction() + " purpose=" + KeyPurpose.ROOT.wireName() + " unless "
                    + rootUsers(a));
        }
        // ReEncrypt moves a ciphertext under another key without the caller seeing the plaintext: a
        // principal with kms:* on its own key could re-encrypt a root data key to it and decrypt it there
        f.add("key-policy deny " + KEY_POLICY_DENY_ALL + " all");
        ALARMS.forEach(a -> f.add(a.fact()));
        return f;
    }

    /**
     * The deployables allowed {@code action} on root-purpose keys, comma-separated and sorted. The
     * same in every role: a secondary has no root key, and its key policy denies the calls all the same.
     */
    static String rootUsers(KmsUse.Action action) {
        return DEPLOYABLES.stream().filter(d -> d.kms().containsKey(new KmsUse(KeyPurpose.ROOT, action)))
                .map(Deployable::name).sorted().collect(Collectors.joining(","));
    }

    /**
     * rotate-leaves. Both trigger kinds: in the primary, bootstrap and rotate the root (made, then
     * used to cross-sign and sign intermediates); in a secondary, make the enrolment key (whichever
     * runs first) and sign the intermediate CSR requests with it; in both, store new intermediates
     * (never sign with them: a secondary's tick starts a renewal or key change its stream does not
     * see). Only the tick re-issues managed leaves: it signs with the DC's intermediate and wraps each
     * new leaf key; no rotate-leaves path unwraps a managed leaf's key (only sign-csr serves them).
     */
    private static Deployable rotateLeaves(Trigger trigger, int memoryMb, Duration timeout,
            boolean reissuesManagedLeaves) {
        Deployable.Grants g = new Deployable.Grants()
                .table(Table.CA, BOTH, READ, WRITE_OWN_KEYS).table(Table.PRIVATE, BOTH, READ, WRITE_OWN_KEYS)
                .kms(KeyPurpose.ROOT, PRIMARY_ONLY, GENERATE_DATA_KEY, DECRYPT)
                .kms(KeyPurpose.ENROLMENT, SECONDARY_ONLY, GENERATE_DATA_KEY, DECRYPT)
                .kms(KeyPurpose.INTERMEDIATE, BOTH, GENERATE_DATA_KEY);
        if (reissuesManagedLeaves) {
            g.kms(KeyPurpose.INTERMEDIATE, BOTH, DECRYPT).kms(KeyPurpose.MANAGED_LEAF, BOTH, GENERATE_DATA_KEY);
        }
        return new Deployable(FunctionName.ROTATE_LEAVES, trigger, memoryMb, timeout, OptionalInt.empty(), g);
    }

    /** Reads the intentions table; writes the DC's view of it in the private table. */
    private static Deployable replicateIntentions(Trigger trigger, Duration timeout) {
        return new Deployable(FunctionName.REPLICATE_INTENTIONS, trigger, MB_DEFAULT, timeout, OptionalInt.empty(),
                new Deployable.Grants().table(Table.INTENTIONS, BOTH, READ)
                        .table(Table.PRIVATE, BOTH, READ, WRITE_OWN_KEYS));
    }
}
