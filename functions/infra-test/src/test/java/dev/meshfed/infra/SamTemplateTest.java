package dev.meshfed.infra;

import static dev.meshfed.infra.SamTemplateFacts.list;
import static dev.meshfed.infra.SamTemplateFacts.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.app.deploy.Deployment;
import dev.meshfed.core.identity.DatacenterRole;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code infra/sam} deploys exactly what the code declares: {@code dc.yaml}, evaluated for a
 * primary and for a secondary, yields {@link Deployment#facts} line for line (so every function
 * gets exactly the permissions, variables, routes and triggers the facts name, nothing more), and
 * {@code global-tables.yaml} holds the two global tables the store expects.
 */
class SamTemplateTest {

    /**
     * Parameter values of a primary DC. Every value the functions' environment carries differs from
     * its parameter's default, so a literal in the template instead of the parameter cannot pass.
     */
    static final Map<String, String> PRIMARY = Map.of("Datacenter", "dc-one", "PrimaryDatacenter", "dc-one",
            "CaTableName", "ca-under-test", "IntentionsTableName", "intentions-under-test", "Acl", "off",
            "MaxBlockingWait", "7s");
    static final Map<String, String> SECONDARY = Map.of("Datacenter", "dc-two", "PrimaryDatacenter", "dc-one",
            "CaTableName", "ca-under-test", "IntentionsTableName", "intentions-under-test", "Acl", "off",
            "MaxBlockingWait", "7s", "PrimaryApiUrl", "https://primary.example.test");

    private static Map<String, Object> dcYaml() {
        return SamTemplateFacts.load(RepoFiles.resolve("infra/sam/dc.yaml"));
    }

    private static Map<String, Object> globalTablesYaml() {
        return SamTemplateFacts.load(RepoFiles.resolve("infra/sam/global-tables.yaml"));
    }

    @Test
    void primaryStackDeploysExactlyTheCodesFacts() {
        FactsAssert.assertSameFacts("infra/sam/dc.yaml (primary)", Deployment.facts(DatacenterRole.PRIMARY),
                new SamTemplateFacts(dcYaml(), PRIMARY).dcFacts());
    }

    @Test
    void secondaryStackDeploysExactlyTheCodesFacts() {
        FactsAssert.assertSameFacts("infra/sam/dc.yaml (secondary)", Deployment.facts(DatacenterRole.SECONDARY),
                new SamTemplateFacts(dcYaml(), SECONDARY).dcFacts());
    }

    @Test
    void theCheckerReportsAnAddedIamAction() {
        Map<String, Object> t = dcYaml();
        Map<String, Object> firstStatement = map(list(map(map(map(map(t.get("Resources"), "r")
                .get("FetchRootsHttpPolicy"), "p").get("Properties"), "p").get("PolicyDocument"), "d")
                .get("Statement"), "s").get(0), "s");
        assertThat(firstStatement.get("Sid")).isEqualTo("ReadTables");
        List<Object> actions = new ArrayList<>(list(firstStatement.get("Action"), "a"));
        actions.add("dynamodb:Scan");
        firstStatement.put("Action", actions);

        assertThatThrownBy(() -> FactsAssert.assertSameFacts("infra/sam/dc.yaml (primary)",
                Deployment.facts(DatacenterRole.PRIMARY), new SamTemplateFacts(t, PRIMARY).dcFacts()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("extra:   iam fetch-roots-http dynamodb:Scan table:CA")
                .hasMessageContaining("extra:   iam fetch-roots-http dynamodb:Scan table:INTENTIONS")
                .hasMessageNotContaining("missing:");
    }

    @Test
    void theCheckerReportsARemovedRoute() {
        Map<String, Object> t = dcYaml();
        assertThat(map(t.get("Resources"), "r").remove("RouteAnyV1AclBootstrap")).isNotNull();

        assertThatThrownBy(() -> FactsAssert.assertSameFacts("infra/sam/dc.yaml (primary)",
                Deployment.facts(DatacenterRole.PRIMARY), new SamTemplateFacts(t, PRIMARY).dcFacts()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("missing: route ANY /v1/acl/bootstrap -> ca-admin-http auth=AWS_IAM")
                .hasMessageNotContaining("extra:");
    }

    @Test
    void theCheckerReportsASecondaryOnlyGrantDeployedInThePrimary() {
        Map<String, Object> t = dcYaml();
        map(t.get("Conditions"), "c").put("IsSecondary", Map.of("Fn::Equals", List.of("x", "x")));

        assertThatThrownBy(() -> FactsAssert.assertSameFacts("infra/sam/dc.yaml (primary)",
                Deployment.facts(DatacenterRole.PRIMARY), new SamTemplateFacts(t, PRIMARY).dcFacts()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("extra:   iam rotate-leaves-tick kms:Decrypt kms:custody purpose=enrolment dc=own")
                .hasMessageNotContaining("missing:");
    }

    @Test
    void theCheckerReportsATickWhoseEventsOutliveItsInterval() {
        Map<String, Object> t = dcYaml();
        map(functionProperties(t, "ReplicateIntentionsTickFunction").get("EventInvokeConfig"), "e")
                .put("MaximumEventAgeInSeconds", 3600);

        assertThatThrownBy(() -> FactsAssert.assertSameFacts("infra/sam/dc.yaml (secondary)",
                Deployment.facts(DatacenterRole.SECONDARY), new SamTemplateFacts(t, SECONDARY).dcFacts()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("missing: schedule replicate-intentions-tick rate(5 minutes) retries=0 max-event-age=300")
                .hasMessageContaining("extra:   schedule replicate-intentions-tick rate(5 minutes) retries=0 max-event-age=3600");
    }

    @Test
    void theReaderRefusesATickWithoutItsEventInvokeConfig() {
        Map<String, Object> t = dcYaml();
        assertThat(functionProperties(t, "RotateLeavesTickFunction").remove("EventInvokeConfig")).isNotNull();

        assertThatThrownBy(() -> new SamTemplateFacts(t, PRIMARY).dcFacts())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("RotateLeavesTickFunction is scheduled by RotateLeavesTickSchedule but has no EventInvokeConfig");
    }

    @Test
    void theKeyPolicyDeniesReEncryptToEveryoneInBothRoles() {
        assertThat(new SamTemplateFacts(dcYaml(), PRIMARY).dcFacts()).contains("key-policy deny kms:ReEncrypt* all");
        assertThat(new SamTemplateFacts(dcYaml(), SECONDARY).dcFacts()).contains("key-policy deny kms:ReEncrypt* all");
    }

    private static Map<String, Object> functionProperties(Map<String, Object> t, String id) {
        return map(map(map(t.get("Resources"), "r").get(id), id).get("Properties"), id);
    }

    @Test
    void theReaderRefusesAnIamConditionItCannotInterpret() {
        Map<String, Object> t = dcYaml();
        Map<String, Object> statement = map(list(map(map(map(map(t.get("Resources"), "r")
                .get("SignCsrHttpPolicy"), "p").get("Properties"), "p").get("PolicyDocument"), "d")
                .get("Statement"), "s").get(0), "s");
        statement.put("Condition", Map.of("Bool", Map.of("aws:SecureTransport", "true")));

        assertThatThrownBy(() -> new SamTemplateFacts(t, PRIMARY).dcFacts())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot interpret the IAM condition");
    }

    @Test
    void theReaderRefusesAResourceTypeItDoesNotKnow() {
        Map<String, Object> t = dcYaml();
        map(t.get("Resources"), "r").put("ExtraPolicy", Map.of("Type", "AWS::IAM::ManagedPolicy",
                "Properties", Map.of("Roles", List.of(Map.of("Ref", "FetchRootsHttpRole")))));

        assertThatThrownBy(() -> new SamTemplateFacts(t, PRIMARY).dcFacts())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ExtraPolicy of type AWS::IAM::ManagedPolicy");
    }

    @Test
    void theStreamArnResolverMayOnlyDescribeTheTwoGlobalTables() {
        Map<String, Object> t = dcYaml();
        Map<String, Object> role = map(map(map(t.get("Resources"), "r").get("StreamArnResolverRole"), "r")
                .get("Properties"), "p");
        Map<String, Object> statement = map(list(map(map(list(role.get("Policies"), "p").get(0), "p")
                .get("PolicyDocument"), "d").get("Statement"), "s").get(0), "s");
        statement.put("Action", List.of("dynamodb:DescribeTable", "dynamodb:UpdateTable"));

        assertThatThrownBy(() -> new SamTemplateFacts(t, PRIMARY).dcFacts())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("StreamArnResolver may do")
                .hasMessageContaining("dynamodb:UpdateTable table:CA");
    }

    @Test
    void theReaderRefusesAnEnvironmentValueThatIsNotTheDcsConfiguration() {
        Map<String, Object> t = dcYaml();
        Map<String, Object> vars = map(map(map(map(t.get("Globals"), "g").get("Function"), "f")
                .get("Environment"), "e").get("Variables"), "v");
        vars.put("MESHFED_TABLE_PRIVATE", "meshfed-dc-one-private"); // a literal instead of the stack's table

        assertThatThrownBy(() -> new SamTemplateFacts(t, PRIMARY).dcFacts())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MESHFED_TABLE_PRIVATE is meshfed-dc-one-private");
    }

    @Test
    void alarmsNotifyTheTopicOnlyWhenOneIsGiven() {
        Map<String, String> withTopic = new HashMap<>(PRIMARY);
        withTopic.put("AlarmTopicArn", "arn:aws:sns:test-region-1:111122223333:meshfed-alarms");
        SamTemplateFacts sam = new SamTemplateFacts(dcYaml(), withTopic);
        // the reader requires AlarmActions and OKActions = [the topic] on every alarm here, none without
        FactsAssert.assertSameFacts("infra/sam/dc.yaml (primary with an alarm topic)",
                Deployment.facts(DatacenterRole.PRIMARY), sam.dcFacts());
        assertThat(sam.properties("SignerExpiryAlarm").get("AlarmActions"))
                .isEqualTo(List.of("arn:aws:sns:test-region-1:111122223333:meshfed-alarms"));
        assertThat(new SamTemplateFacts(dcYaml(), PRIMARY).properties("SignerExpiryAlarm"))
                .doesNotContainKeys("AlarmActions", "OKActions");
    }

    @Test
    void noReservedConcurrencyOrThrottleParameterCanBeZero() {
        Map<String, Object> t = dcYaml();
        Map<String, Object> params = map(t.get("Parameters"), "Parameters");
        SamTemplateFacts sam = new SamTemplateFacts(t, PRIMARY);
        List<String> checked = new ArrayList<>();
        for (String id : sam.resources().keySet()) {
            if (!"AWS::Serverless::Function".equals(sam.resources().get(id).get("Type"))) {
                continue;
            }
            Object reserved = map(sam.resources().get(id).get("Properties"), id).get("ReservedConcurrentExecutions");
            if (reserved != null) {
                // a parameter, never a literal: the operator sizes it, CloudFormation refuses 0
                checked.add(String.valueOf(map(reserved, id).get("Ref")));
            }
        }
        checked.addAll(List.of("ThrottleRateLimit", "ThrottleBurstLimit"));
        assertThat(checked).hasSize(5);
        for (String name : checked) {
            Map<String, Object> p = map(params.get(name), name);
            assertThat(p.get("Type")).as(name).isEqualTo("Number");
            assertThat(((Number) p.get("MinValue")).intValue()).as(name + " MinValue").isGreaterThanOrEqualTo(1);
            assertThat(((Number) p.get("Default")).intValue()).as(name + " Default").isGreaterThanOrEqualTo(1);
        }
        assertThat(Deployment.facts(DatacenterRole.PRIMARY)).filteredOn(l -> l.contains(" reserved=")).hasSize(3);
    }

    @Test
    void aSecondaryWithoutThePrimaryApiUrlIsRefusedByARule() {
        Map<String, String> noUrl = new HashMap<>(SECONDARY);
        noUrl.put("PrimaryApiUrl", "");
        assertThat(new SamTemplateFacts(dcYaml(), noUrl).failingRules())
                .singleElement().asString().contains("needs PrimaryApiUrl");
        assertThat(new SamTemplateFacts(dcYaml(), SECONDARY).failingRules()).isEmpty();
        assertThat(new SamTemplateFacts(dcYaml(), PRIMARY).failingRules()).isEmpty();
    }

    @Test
    void thePrimaryForwardsNowhereEvenIfGivenAUrl() {
        Map<String, String> primaryWithUrl = new HashMap<>(PRIMARY);
        primaryWithUrl.put("PrimaryApiUrl", "https://ignored.example.test");
        SamTemplateFacts sam = new SamTemplateFacts(dcYaml(), primaryWithUrl);
        Map<String, Object> env = map(map(sam.functionProperties("CaAdminHttpFunction").get("Environment"), "e")
                .get("Variables"), "v");
        assertThat(env.get("MESHFED_PRIMARY_API_URL")).isEqualTo("");
        FactsAssert.assertSameFacts("infra/sam/dc.yaml (primary with a URL)", Deployment.facts(DatacenterRole.PRIMARY),
                sam.dcFacts());
    }

    @Test
    void theNativeArtifactSwitchesRuntimeAndHandlerOnly() {
        Map<String, String> nativeParams = new HashMap<>(PRIMARY);
        nativeParams.put("Artifact", "native");
        Set<String> facts = new SamTemplateFacts(dcYaml(), nativeParams).dcFacts();
        Set<String> expected = new java.util.TreeSet<>();
        for (String line : Deployment.facts(DatacenterRole.PRIMARY)) {
            expected.add(line.replace("runtime=" + Deployment.JVM_RUNTIME, "runtime=" + Deployment.NATIVE_RUNTIME)
                    .replace("handler=" + Deployment.JVM_HANDLER, "handler=not.used.in.provided.runtime"));
        }
        FactsAssert.assertSameFacts("infra/sam/dc.yaml (native)", expected, facts);
    }

    @Test
    void thePrivateTableIsRegionalWithTheStoresKeysTtlAndRecovery() {
        SamTemplateFacts sam = new SamTemplateFacts(dcYaml(), PRIMARY);
        Map<String, Object> p = sam.properties("PrivateTable");
        assertKeySchema(p);
        assertThat(p.get("BillingMode")).isEqualTo("PAY_PER_REQUEST");
        assertThat(p.get("TimeToLiveSpecification")).isEqualTo(Map.of("AttributeName", "ttl", "Enabled", true));
        assertThat(p.get("PointInTimeRecoverySpecification")).isEqualTo(Map.of("PointInTimeRecoveryEnabled", true));
        assertThat(p).doesNotContainKey("StreamSpecification"); // nothing consumes it
        assertThat(sam.resources().get("PrivateTable").get("DeletionPolicy")).isEqualTo("Retain");
        assertThat(sam.resources().get("CustodyKey").get("DeletionPolicy")).isEqualTo("Retain");
        assertThat(sam.properties("StreamFailuresQueue").get("SqsManagedSseEnabled")).isEqualTo(true);
    }

    @Test
    void globalTablesAreExactlyTheCaAndIntentionsTablesWithAReplicaPerRegion() {
        Map<String, Object> t = globalTablesYaml();
        SamTemplateFacts none = new SamTemplateFacts(t, Map.of("CaTableName", "ca-under-test",
                "IntentionsTableName", "intentions-under-test"));
        assertThat(none.resources()).hasSize(2);
        Map<String, String> names = Map.of("CaTable", "ca-under-test", "IntentionsTable", "intentions-under-test");
        for (Map.Entry<String, String> e : names.entrySet()) {
            assertThat(none.resources().get(e.getKey()).get("Type")).isEqualTo("AWS::DynamoDB::GlobalTable");
            Map<String, Object> p = none.properties(e.getKey());
            assertThat(p.get("TableName")).isEqualTo(e.getValue());
            assertKeySchema(p);
            assertThat(p.get("BillingMode")).isEqualTo("PAY_PER_REQUEST");
            assertThat(p.get("StreamSpecification")).isEqualTo(Map.of("StreamViewType", "NEW_AND_OLD_IMAGES"));
            assertThat(p.get("TimeToLiveSpecification")).isEqualTo(Map.of("AttributeName", "ttl", "Enabled", true));
            assertThat(map(p.get("SSESpecification"), "sse").get("SSEEnabled")).isEqualTo(true);
            assertThat(list(p.get("Replicas"), "r")).singleElement().isEqualTo(replica(SamTemplateFacts.REGION));
        }
        assertThat(map(t.get("Outputs"), "o")).containsOnlyKeys("CaTableName", "IntentionsTableName");

        SamTemplateFacts two = new SamTemplateFacts(t, Map.of("SecondaryRegion1", "eu-test-2",
                "SecondaryRegion3", "us-test-3"));
        for (String id : names.keySet()) {
            assertThat(list(two.properties(id).get("Replicas"), "r")).containsExactly(
                    replica(SamTemplateFacts.REGION), replica("eu-test-2"), replica("us-test-3"));
        }
    }

    private static Map<String, Object> replica(String region) {
        return Map.of("Region", region, "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "DeletionProtectionEnabled", true);
    }

    private static void assertKeySchema(Map<String, Object> p) {
        assertThat(p.get("AttributeDefinitions")).isEqualTo(List.of(
                Map.of("AttributeName", "pk", "AttributeType", "S"), Map.of("AttributeName", "sk", "AttributeType", "S")));
        assertThat(p.get("KeySchema")).isEqualTo(List.of(
                Map.of("AttributeName", "pk", "KeyType", "HASH"), Map.of("AttributeName", "sk", "KeyType", "RANGE")));
    }

    @Test
    void shortFormTagsBecomeTheirLongForms() {
        Map<String, Object> t = SamTemplateFacts.parse("""
                a: !Ref X
                b: !GetAtt R.Arn
                c: !GetAtt [R, Endpoint.Address]
                d: !Sub "x-${X}"
                e: !If [C, !Join ["-", [!Select [0, !Split [",", "p,q"]], !Base64 z]], !ImportValue v]
                f: !Not [!Equals [!Condition C, !FindInMap [M, k, v]]]
                g: !And [!Or [!GetAZs "", x]]
                """);
        assertThat(t.get("a")).isEqualTo(Map.of("Ref", "X"));
        assertThat(t.get("b")).isEqualTo(Map.of("Fn::GetAtt", List.of("R", "Arn")));
        assertThat(t.get("c")).isEqualTo(Map.of("Fn::GetAtt", List.of("R", "Endpoint.Address")));
        assertThat(t.get("d")).isEqualTo(Map.of("Fn::Sub", "x-${X}"));
        assertThat(t.get("e")).isEqualTo(Map.of("Fn::If", List.of("C",
                Map.of("Fn::Join", List.of("-", List.of(Map.of("Fn::Select", List.of(0, Map.of("Fn::Split",
                        List.of(",", "p,q")))), Map.of("Fn::Base64", "z")))), Map.of("Fn::ImportValue", "v"))));
        assertThat(t.get("f")).isEqualTo(Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(
                Map.of("Condition", "C"), Map.of("Fn::FindInMap", List.of("M", "k", "v")))))));
        assertThat(t.get("g")).isEqualTo(Map.of("Fn::And", List.of(Map.of("Fn::Or",
                List.of(Map.of("Fn::GetAZs", ""), "x")))));
    }
}
