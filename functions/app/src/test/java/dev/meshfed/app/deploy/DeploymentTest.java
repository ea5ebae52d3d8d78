package dev.meshfed.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.app.ca.lifecycle.RotateLeaves;
import dev.meshfed.app.config.EnvironmentVariable;
import dev.meshfed.app.config.EnvironmentVariables;
import dev.meshfed.app.http.ApiGatewayRoute;
import dev.meshfed.app.http.FunctionName;
import dev.meshfed.app.intentions.ReplicateIntentions;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.identity.DatacenterRole;
import dev.meshfed.core.metrics.Metrics;
import dev.meshfed.core.store.Table;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The declaration of a DC's deployment is consistent with the code it deploys. */
class DeploymentTest {

    /** The Funqy shims, one bean per deployable (and the health check). */
    private static final Path LAMBDA_SOURCES = Path.of("../lambda/src/main/java");
    private static final Path LAMBDA_PROPERTIES = Path.of("../lambda/src/main/resources/application.properties");
    /** The one exported function that is no deployable of the deployment: Funqy's default export. */
    private static final String HEALTH = "health-http";

    private static Set<String> names() {
        return Deployment.deployables().stream().map(Deployable::name).collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<Deployable> of(FunctionName f) {
        return Deployment.deployables().stream().filter(d -> d.function() == f).toList();
    }

    @Test
    void eachNameIsItsFunctionsNameAndTriggerKindAndUnique() {
        for (Deployable d : Deployment.deployables()) {
            assertThat(d.name()).isEqualTo(d.function().functionName() + "-" + d.trigger().kind())
                    .isEqualTo(d.function().deployable(d.trigger().kind()));
            assertThat(Deployment.deployable(d.name())).isSameAs(d);
        }
        assertThat(names()).hasSize(Deployment.deployables().size());
    }

    @Test
    void httpFunctionsHaveOneHttpDeployableAndTheOthersAStreamAndATick() {
        for (FunctionName f : FunctionName.values()) {
            List<String> kinds = of(f).stream().map(d -> d.trigger().kind()).sorted().toList();
            if (!f.deployed()) {
                assertThat(kinds).as(f.functionName()).isEmpty();
            } else if (f.http()) {
                assertThat(kinds).as(f.functionName()).containsExactly("http");
                assertThat(Deployment.httpDeployable(f).function()).isEqualTo(f);
            } else {
                assertThat(kinds).as(f.functionName()).containsExactly("stream", "tick");
            }
        }
    }

    @Test
    void rotateLeavesFollowsTheCaStreamAndReplicateIntentionsTheIntentionsStream() {
        assertThat(Deployment.deployable("rotate-leaves-stream").trigger()).isEqualTo(new Trigger.Stream(Table.CA));
        assertThat(Deployment.deployable("replicate-intentions-stream").trigger())
                .isEqualTo(new Trigger.Stream(Table.INTENTIONS));
    }

    @Test
    void theSchedulesAreTheFunctionsOwnIntervals() {
        Trigger.Schedule rotate = (Trigger.Schedule) Deployment.deployable("rotate-leaves-tick").trigger();
        Trigger.Schedule reconcile = (Trigger.Schedule) Deployment.deployable("replicate-intentions-tick").trigger();
        assertThat(rotate.every()).isEqualTo(RotateLeaves.TICK_INTERVAL);
        assertThat(reconcile.every()).isEqualTo(ReplicateIntentions.RECONCILE_INTERVAL);
        assertThat(rotate.expression()).isEqualTo("rate(1 minute)");
        assertThat(reconcile.expression()).isEqualTo("rate(5 minutes)");
        assertThat(Deployment.facts(DatacenterRole.PRIMARY))
                .contains("schedule rotate-leaves-tick rate(1 minute) retries=0 max-event-age=60",
                        "schedule replicate-intentions-tick rate(5 minutes) retries=0 max-event-age=300");
        // EventBridge's events are kept 60 s to 6 h: the intervals fit
        assertThat(Deployment.SCHEDULE_MAX_RETRY_ATTEMPTS).isZero();
        assertThat(List.of(rotate.every(), reconcile.every()))
                .allSatisfy(e -> assertThat(e).isBetween(Duration.ofSeconds(60), Duration.ofHours(6)));
    }

    /** The iam lines of the grants declared for exactly {@code roles}. */
    private static Set<String> iamLinesOfGrantsIn(Roles roles) {
        Set<String> lines = new TreeSet<>();
        for (Deployable d : Deployment.deployables()) {
            d.tables().forEach((table, accesses) -> accesses.forEach((access, where) -> {
                if (where == roles) {
                    access.actions().forEach(a -> lines.add("iam " + d.name() + " " + a + " table:" + table
                            + (access == TableAccess.WRITE_OWN_KEYS ? " keys=own-dc" : "")));
                }
            }));
            d.kms().forEach((k, where) -> {
                if (where == roles) {
                    lines.add("iam " + d.name() + " " + k.action().iamAction() + " kms:custody purpose="
                            + k.purpose().wireName() + " dc=own");
                }
            });
        }
        return lines;
    }

    @Test
    void primaryAndSecondaryDifferExactlyInTheRoleSpecificGrants() {
        Set<String> primary = Deployment.facts(DatacenterRole.PRIMARY);
        Set<String> secondary = Deployment.facts(DatacenterRole.SECONDARY);
        Set<String> onlyPrimary = new TreeSet<>(primary);
        onlyPrimary.removeAll(secondary);
        Set<String> onlySecondary = new TreeSet<>(secondary);
        onlySecondary.removeAll(primary);
        assertThat(onlyPrimary).isEqualTo(iamLinesOfGrantsIn(Roles.PRIMARY_ONLY));
        assertThat(onlySecondary).isEqualTo(iamLinesOfGrantsIn(Roles.SECONDARY_ONLY));
        // what the roles are known to differ in (the recorder proves each): root keys, enrolment keys,
        // and the writes a secondary forwards to the primary
        assertThat(onlyPrimary)
                .contains("iam rotate-leaves-tick kms:Decrypt kms:custody purpose=" + KeyPurpose.ROOT.wireName() + " dc=own",
                        "iam intentions-api-http dynamodb:PutItem table:INTENTIONS keys=own-dc",
                        "iam ca-admin-http kms:GenerateDataKey kms:custody purpose=forwarded-response dc=own")
                .noneMatch(l -> l.contains("purpose=" + KeyPurpose.ENROLMENT.wireName()));
        assertThat(onlySecondary).isNotEmpty()
                .allSatisfy(l -> assertThat(l).contains("purpose=" + KeyPurpose.ENROLMENT.wireName()));
        // every grant of both roles is in both facts
        assertThat(primary).containsAll(iamLinesOfGrantsIn(Roles.BOTH));
        assertThat(secondary).containsAll(iamLinesOfGrantsIn(Roles.BOTH));
        // the key policy denies root-purpose use to everyone else, the same in both roles
        assertThat(secondary).anyMatch(l -> l.startsWith("key-policy deny kms:Decrypt purpose=root unless "))
                .contains("key-policy deny kms:ReEncrypt* all");
        assertThat(primary.stream().filter(l -> l.startsWith("key-policy ")))
                .containsExactlyElementsOf(secondary.stream().filter(l -> l.startsWith("key-policy ")).toList());
    }

    @Test
    void noDeployableReservesFewerThanOneInstance() {
        for (Deployable d : Deployment.deployables()) {
            d.reservedConcurrency().ifPresent(r -> assertThat(r).as(d.name()).isGreaterThanOrEqualTo(1));
        }
        Deployable any = Deployment.deployable("fetch-roots-http");
        assertThatThrownBy(() -> new Deployable(any.function(), any.trigger(), any.memoryMb(), any.timeout(),
                OptionalInt.of(0), any.tables(), any.kms())).isInstanceOf(IllegalArgumentException.class);
        assertThat(Deployment.THROTTLE_RATE_LIMIT).isGreaterThanOrEqualTo(1);
        assertThat(Deployment.THROTTLE_BURST_LIMIT).isGreaterThanOrEqualTo(1);
    }

    @Test
    void functionsGetEveryVariableButTheTestOnlyDynamoDbEndpoint() {
        List<String> env = Deployment.environmentVariables();
        assertThat(env).doesNotContain(EnvironmentVariables.MESHFED_DYNAMODB_ENDPOINT.name())
                .contains(Deployment.FUNQY_EXPORT).doesNotHaveDuplicates();
        Set<String> expected = EnvironmentVariables.ALL.stream().map(EnvironmentVariable::name)
                .collect(Collectors.toCollection(HashSet::new));
        expected.remove(EnvironmentVariables.MESHFED_DYNAMODB_ENDPOINT.name());
        expected.add(Deployment.FUNQY_EXPORT);
        assertThat(env).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(Deployment.facts(DatacenterRole.SECONDARY))
                .contains("env sign-csr-http " + Deployment.FUNQY_EXPORT + "=sign-csr-http")
                .noneMatch(l -> l.contains(EnvironmentVariables.MESHFED_DYNAMODB_ENDPOINT.name()));
    }

    @Test
    void everyHttpDeployableIsTheTargetOfARouteAndEveryRouteTargetsOne() {
        Set<FunctionName> targets = Deployment.routes().stream().map(ApiGatewayRoute::function)
                .collect(Collectors.toSet());
        for (Deployable d : Deployment.deployables()) {
            if (d.trigger() instanceof Trigger.Http) {
                assertThat(targets).as(d.name()).contains(d.function());
            }
        }
        for (FunctionName f : targets) {
            assertThat(Deployment.httpDeployable(f).trigger()).isInstanceOf(Trigger.Http.class);
        }
    }

    @Test
    void meshfedAlarmsWatchTheFunctionsOwnMetricsAndAwsAlarmsRealDeployables() throws IllegalAccessException {
        Set<String> metricNames = new HashSet<>();
        for (Field f : Metrics.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class
                    && ((String) f.get(null)).startsWith("meshfed.")) {
                metricNames.add((String) f.get(null));
            }
        }
        assertThat(metricNames).isNotEmpty();
        Set<String> ids = new HashSet<>();
        for (Alarm a : Deployment.alarms()) {
            assertThat(ids.add(a.id())).as("alarm id " + a.id() + " once").isTrue();
            if (a.namespace().equals("meshfed")) {
                assertThat(metricNames).as(a.id()).contains(a.metric());
                assertThat(a.dimensions().keySet()).as(a.id()).isSubsetOf(Metrics.DC, Metrics.TABLE);
                assertThat(a.dimensions()).as(a.id()).containsEntry(Metrics.DC, Alarm.OWN_DC);
            }
            a.dimensions().values().stream().filter(v -> v.startsWith("{function:")).forEach(v -> assertThat(names())
                    .as(a.id()).contains(v.substring("{function:".length(), v.length() - 1)));
        }
    }

    @Test
    void theLambdaModuleExportsExactlyTheDeployablesPlusItsHealthCheck() throws IOException {
        Set<String> funq = new TreeSet<>();
        Pattern annotation = Pattern.compile("@Funq\\(\"([a-z0-9-]+)\"\\)");
        try (Stream<Path> files = Files.walk(LAMBDA_SOURCES)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = annotation.matcher(Files.readString(p, StandardCharsets.UTF_8));
                while (m.find()) {
                    assertThat(funq.add(m.group(1))).as("@Funq(\"" + m.group(1) + "\") once").isTrue();
                }
            }
        }
        assertThat(funq).contains(HEALTH);
        assertThat(without(funq, HEALTH)).isEqualTo(names());

        // the properties file lists them for readers, in the comment above quarkus.funqy.export
        List<String> lines = Files.readAllLines(LAMBDA_PROPERTIES, StandardCharsets.UTF_8);
        int export = lines.indexOf("quarkus.funqy.export=${" + Deployment.FUNQY_EXPORT + ":" + HEALTH + "}");
        assertThat(export).as("Funqy's export is chosen by " + Deployment.FUNQY_EXPORT).isPositive();
        StringBuilder comment = new StringBuilder();
        for (int i = export - 1; i >= 0 && lines.get(i).startsWith("#"); i--) {
            comment.insert(0, lines.get(i).substring(1) + " ");
        }
        String text = comment.toString();
        assertThat(text).contains("per function:");
        String list = text.substring(text.indexOf("per function:") + "per function:".length()).trim();
        Set<String> listed = Arrays.stream(list.replaceAll("\\.$", "").split(","))
                .map(String::trim).collect(Collectors.toCollection(TreeSet::new));
        assertThat(listed).isEqualTo(funq);
    }

    private static Set<String> without(Set<String> all, String one) {
        Set<String> s = new TreeSet<>(all);
        s.remove(one);
        return s;
    }

    @Test
    void httpDeployablesEndWithinApiGatewaysTimeoutAndTheRotateTickOutlastsItsPacedRun() {
        for (Deployable d : Deployment.deployables()) {
            if (d.trigger() instanceof Trigger.Http) {
                assertThat(d.timeout()).as(d.name()).isLessThanOrEqualTo(Duration.ofSeconds(30));
            }
        }
        // the managed-leaf re-issue paces itself through one tick interval, then the tick renews and prunes
        assertThat(Deployment.deployable("rotate-leaves-tick").timeout()).isGreaterThan(RotateLeaves.TICK_INTERVAL);
    }
}
