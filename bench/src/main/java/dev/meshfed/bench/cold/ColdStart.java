package dev.meshfed.bench.cold;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshfed.store.dynamodb.DynamoDbClients;
import dev.meshfed.store.dynamodb.TableDefinitions;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/**
 * Cold start of each deployable, JVM artifact: wall time from just before the function's process
 * is forked to the moment its first answer reaches a local Lambda Runtime API
 * ({@link RuntimeApiServer}), median of {@code runs} fresh processes per function. Run by
 * {@code bench/run-cold.sh}, which unpacks {@code function.zip}, fetches the AWS runtime interface
 * client and starts dynalite; see docs/benchmarks.md, "Cold start".
 *
 * <p>The process is started as Lambda's java21 runtime starts one, as far as that can be done
 * here: the runtime interface client's main ({@code AWSLambda}) on the class path, the handler as
 * its argument, the function's code loaded by the client from {@code LAMBDA_TASK_ROOT} (the
 * unpacked zip: its root and {@code lib/*.jar}), and the environment a deployment sets (dc.yaml's
 * Globals plus {@code QUARKUS_FUNQY_EXPORT}), except that DynamoDB is a local dynalite
 * ({@code MESHFED_DYNAMODB_ENDPOINT}) and keys are wrapped under a local KEK file
 * ({@code MESHFED_LOCAL_KEK_FILE}) instead of KMS, which cannot run here.
 *
 * <p>Before the timed runs it creates the DC's three tables (if missing) and bootstraps dc1
 * through one untimed {@code rotate-leaves-tick} process, so every timed first request meets a
 * DC with a root and an intermediate; the sign event's CSR is made for that root's trust domain,
 * so the first {@code sign-csr} request really signs.
 *
 * <pre>
 * java -cp bench/target/meshfed-benchmarks.jar dev.meshfed.bench.cold.ColdStart key=value...
 *   task=DIR runtime-cp=CP events=DIR endpoint=URL kek=FILE out=FILE logs=DIR
 *   [runs=5] [functions=a,b] [handler=...] [jvm-flags="..."] [java=java] [label=lambda-like]
 *   [taskset=] (e.g. "1": pin each function process to one CPU, as Lambda gives at most ~1 vCPU)
 *   [setup=0] (no tables, no bootstrap: only for a check that needs no data) [acl=off]
 * {fn} in jvm-flags is replaced by the deployable's name.
 * </pre>
 */
public final class ColdStart {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The runtime interface client's main, as Lambda's java runtimes start it. */
    static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    /** The handler the deployment names (SAM, Terraform): meshfed's, in front of Funqy's. */
    static final String DEPLOYED_HANDLER = dev.meshfed.app.deploy.Deployment.JVM_HANDLER;

    /** Deployable, its memory in dc.yaml (MB) and its representative first event. */
    record Deployable(String name, int memoryMb, String event) {
    }

    static final List<Deployable> DEPLOYABLES = List.of(
            new Deployable("health-http", 1024, "apigw-v2-get-health.json"),
            new Deployable("fetch-roots-http", 1024, "apigw-v2-get-roots.json"),
            new Deployable("sign-csr-http", 1769, "GENERATED:apigw-v2-post-sign-valid.json"),
            new Deployable("intentions-api-http", 1024, "apigw-v2-get-intention-check.json"),
            new Deployable("ca-admin-http", 1024, "apigw-v2-put-ca-configuration.json"),
            new Deployable("rotate-leaves-stream", 1024, "dynamodb-stream-ca-bundle-modify.json"),
            new Deployable("rotate-leaves-tick", 1769, "eventbridge-scheduled-tick.json"),
            new Deployable("replicate-intentions-stream", 1024, "dynamodb-stream-intention-insert.json"),
            new Deployable("replicate-intentions-tick", 1024, "eventbridge-scheduled-tick.json"));

    private final Map<String, String> opts;
    private final Path task;
    private final Path events;
    private final Path logs;
    private final int runs;
    private final PrintStream out;
    private String signEvent;

    private ColdStart(Map<String, String> opts, PrintStream out) {
        this.opts = opts;
        this.task = Path.of(need(opts, "task"));
        this.events = Path.of(need(opts, "events"));
        this.logs = Path.of(need(opts, "logs"));
        this.runs = Integer.parseInt(opts.getOrDefault("runs", "5"));
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("arguments are key=value: " + a);
            }
            opts.put(a.substring(0, eq), a.substring(eq + 1));
        }
        Path outFile = Path.of(need(opts, "out"));
        Files.createDirectories(outFile.toAbsolutePath().getParent());
        try (PrintStream file = new PrintStream(Files.newOutputStream(outFile), true, StandardCharsets.UTF_8)) {
            PrintStream both = new PrintStream(new TeeStream(System.out, file), true, StandardCharsets.UTF_8);
            int failures = new ColdStart(opts, both).run();
            both.flush();
            System.exit(failures == 0 ? 0 : 1);
        }
    }

    private int run() throws Exception {
        Files.createDirectories(logs);
        String label = opts.getOrDefault("label", "lambda-like");
        out.printf("# cold start, label=%s, runs=%d, handler=%s%n", label, runs, handler());
        out.printf("# jvm flags (plus -XX:MaxHeapSize per function): %s%n", opts.getOrDefault("jvm-flags", ""));
        out.printf("# taskset: %s%n", opts.getOrDefault("taskset", "(none)"));
        int failures = 0;
        try (RuntimeApiServer api = new RuntimeApiServer()) {
            if (!"0".equals(opts.get("setup"))) {
                setUp(api);
            }
            List<String> only = opts.containsKey("functions") ? Arrays.asList(opts.get("functions").split(",")) : null;
            out.println("# function  memoryMB  run  total_ms  init_ms(start->first next)  invoke_ms(next->answer)  outcome  status");
            List<String> summary = new ArrayList<>();
            for (Deployable d : DEPLOYABLES) {
                if (only != null && !only.contains(d.name())) {
                    continue;
                }
                double[] totals = new double[runs];
                double[] inits = new double[runs];
                String lastOutcome = "";
                for (int i = 0; i < runs; i++) {
                    Sample s = once(api, d, label + "-" + d.name() + "-" + i);
                    totals[i] = s.totalMs;
                    inits[i] = s.initMs;
                    lastOutcome = s.outcome + " " + s.status;
                    out.printf(Locale.ROOT, "run %s %d %d %.0f %.0f %.0f %s %s%n", d.name(), d.memoryMb(), i + 1, s.totalMs,
                            s.initMs, s.totalMs - s.initMs, s.outcome, s.status);
                    // an error answer is not a representative first request: counted and shown
                    if (!s.outcome.equals("response") || s.status.matches("[45]\\d\\d")) {
                        failures++;
                        out.println("# answer: " + s.body.substring(0, Math.min(400, s.body.length())).replace('\n', ' '));
                    }
                }
                double[] sorted = totals.clone();
                Arrays.sort(sorted);
                double[] initSorted = inits.clone();
                Arrays.sort(initSorted);
                summary.add(String.format(Locale.ROOT, "summary %s median_ms=%.0f min_ms=%.0f max_ms=%.0f init_median_ms=%.0f last=%s",
                        d.name(), median(sorted), sorted[0], sorted[sorted.length - 1], median(initSorted), lastOutcome));
            }
            summary.forEach(out::println);
        }
        return failures;
    }

    private String handler() {
        return opts.getOrDefault("handler", DEPLOYED_HANDLER);
    }

    /** Tables, bootstrap (one rotate-leaves tick) and the sign event for the bootstrapped root. */
    private void setUp(RuntimeApiServer api) throws Exception {
        URI endpoint = URI.create(need(opts, "endpoint"));
        try (DynamoDbClient client = DynamoDbClients.create(Region.EU_WEST_1, Optional.of(endpoint))) {
            for (String t : List.of("meshfed-ca", "meshfed-intentions", "meshfed-dc1-private")) {
                try {
                    TableDefinitions.create(client, t, Duration.ofSeconds(20));
                } catch (ResourceInUseException e) {
                    // left from an earlier invocation against the same dynalite: keep its items
                }
            }
        }
        Sample tick = once(api, byName("rotate-leaves-tick"), "setup-tick");
        out.printf(Locale.ROOT, "# setup: rotate-leaves-tick %s in %.0f ms%n", tick.outcome, tick.totalMs);
        Sample roots = once(api, byName("fetch-roots-http"), "setup-roots");
        if (!roots.outcome.equals("response") || !"200".equals(roots.status)) {
            throw new IllegalStateException("setup: fetch-roots did not answer 200 after the bootstrap tick: " + roots.body);
        }
        String trustDomain = JSON.readTree(JSON.readTree(roots.body).path("body").asText()).path("TrustDomain").asText();
        if (trustDomain.isEmpty()) {
            throw new IllegalStateException("setup: no TrustDomain in the roots answer");
        }
        signEvent = signEvent(trustDomain);
        out.printf("# setup: trust domain %s; sign event made with a fresh CSR for it%n", trustDomain);
    }

    private static Deployable byName(String name) {
        return DEPLOYABLES.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    private String signEvent(String trustDomain) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC", "SunEC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = gen.generateKeyPair();
        String uri = "spiffe://" + trustDomain + "/ns/default/dc/dc1/svc/web";
        String pem = dev.meshfed.bench.load.LoadCsrs.pem(key, uri);
        String body = JSON.writeValueAsString(JSON.createObjectNode().put("CSR", pem));
        ObjectNode event = (ObjectNode) JSON.readTree(events.resolve("apigw-v2-post-sign-valid.json").toFile());
        event.put("body", body);
        event.put("isBase64Encoded", false);
        ((ObjectNode) event.path("headers")).put("content-length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
        return JSON.writeValueAsString(event);
    }

    record Sample(double totalMs, double initMs, String outcome, String status, String body) {
    }

    /** One fresh process answering one event; it is stopped (SIGTERM, then SIGKILL) afterwards. */
    private Sample once(RuntimeApiServer api, Deployable d, String tag) throws Exception {
        byte[] event;
        if (d.event().startsWith("GENERATED:")) {
            if (signEvent == null) {
                throw new IllegalStateException("the sign event is made in set-up; run without setup=0");
            }
            event = signEvent.getBytes(StandardCharsets.UTF_8);
        } else {
            event = Files.readAllBytes(events.resolve(d.event()));
        }
        String requestId = UUID.randomUUID().toString();
        String arn = "arn:aws:lambda:eu-west-1:123456789012:function:meshfed-dc1-" + d.name();
        CompletableFuture<RuntimeApiServer.Outcome> outcome = api.arm(requestId, event, arn, 60_000);

        List<String> cmd = new ArrayList<>();
        String taskset = opts.getOrDefault("taskset", "");
        if (!taskset.isEmpty()) {
            cmd.addAll(List.of("taskset", "-c", taskset));
        }
        cmd.add(opts.getOrDefault("java", "java"));
        for (String f : opts.getOrDefault("jvm-flags", "").trim().split("\\s+")) {
            if (!f.isEmpty()) {
                cmd.add(f.replace("{fn}", d.name())); // {fn}: one AppCDS archive per deployable
            }
        }
        // Lambda sizes the heap from the function's memory; 85 % is this benchmark's approximation
        cmd.add("-XX:MaxHeapSize=" + (d.memoryMb() * 85 / 100) + "m");
        cmd.add("-cp");
        cmd.add(need(opts, "runtime-cp"));
        cmd.add(RIC_MAIN);
        cmd.add(handler());

        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logs.resolve(tag + ".log").toFile())
                .directory(task.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("JAVA_TOOL_OPTIONS") || k.startsWith("MESHFED_") || k.startsWith("QUARKUS_"));
        env.putAll(environment(d, api.address()));

        long t0 = System.nanoTime();
        Process p = pb.start();
        RuntimeApiServer.Outcome o;
        try {
            o = outcome.get(90, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            o = new RuntimeApiServer.Outcome(p.isAlive() ? "timeout" : "exited-" + p.exitValue(), System.nanoTime(), 0, "");
        }
        stop(p);
        double total = (o.answeredNanos() - t0) / 1e6;
        double init = o.firstNextNanos() == 0 ? total : (o.firstNextNanos() - t0) / 1e6;
        return new Sample(total, init, o.kind(), statusOf(o.body()), o.body());
    }

    /** The API Gateway statusCode, the stream answer's failure count, or "-" for anything else. */
    private static String statusOf(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n.has("statusCode")) {
                return n.get("statusCode").asText();
            }
            if (n.has("batchItemFailures")) {
                return "batchItemFailures=" + n.get("batchItemFailures").size();
            }
            if (n.has("errorType")) {
                return n.get("errorType").asText().replace(' ', '_');
            }
        } catch (IOException | RuntimeException e) {
            // not JSON (or empty): fall through
        }
        return "-";
    }

    private Map<String, String> environment(Deployable d, String runtimeApi) {
        Map<String, String> env = new LinkedHashMap<>();
        // what Lambda itself sets for a java21 function (the ones the client and SDK read)
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        env.put("LAMBDA_TASK_ROOT", task.toAbsolutePath().toString());
        env.put("_HANDLER", handler());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "meshfed-dc1-" + d.name());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(d.memoryMb()));
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/meshfed-dc1-" + d.name());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local");
        env.put("AWS_REGION", "eu-west-1");
        env.put("AWS_DEFAULT_REGION", "eu-west-1");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_SESSION_TOKEN", "local");
        env.put("TZ", ":UTC");
        // dc.yaml's Globals for a primary dc1, and the deployable's export
        env.put("MESHFED_DC", "dc1");
        env.put("MESHFED_PRIMARY_DC", "dc1");
        env.put("MESHFED_TABLE_CA", "meshfed-ca");
        env.put("MESHFED_TABLE_INTENTIONS", "meshfed-intentions");
        env.put("MESHFED_TABLE_PRIVATE", "meshfed-dc1-private");
        env.put("MESHFED_KMS_KEY_ID", "alias/meshfed-dc1");
        env.put("MESHFED_REGION", "eu-west-1");
        env.put("MESHFED_MAX_BLOCKING_WAIT", "10s");
        env.put("MESHFED_ACL", opts.getOrDefault("acl", "off"));
        env.put("QUARKUS_FUNQY_EXPORT", d.name());
        // local stand-ins for AWS: dynalite and a KEK file (never set by SAM or Terraform)
        env.put("MESHFED_DYNAMODB_ENDPOINT", need(opts, "endpoint"));
        env.put("MESHFED_LOCAL_KEK_FILE", need(opts, "kek"));
        return env;
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String need(Map<String, String> opts, String key) {
        String v = opts.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("missing " + key + "=...");
        }
        return v;
    }

    /** Writes to two streams (console and the results file). */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}
