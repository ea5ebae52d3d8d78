package dev.meshfed.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshfed.app.deploy.Deployment;
import dev.meshfed.core.identity.DatacenterRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code infra/terraform} deploys exactly what the code declares ({@link Deployment#facts}), read
 * with HashiCorp's HCL parser ({@link Hcl2Json}) and {@link TerraformFacts}. Terraform itself is not
 * run: providers cannot be downloaded here, so there is no {@code terraform validate} or plan.
 */
class TerraformModuleTest {

    private static final String DC = "infra/terraform/modules/dc";
    private static final String GLOBAL_TABLES = "infra/terraform/modules/global-tables";
    private static HclModule dc;

    /** Modules of the repository, each parsed once (a parse starts node). */
    private static final Map<Path, HclModule> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void readTheDcModule() {
        dc = load(RepoFiles.resolve(DC));
    }

    private static HclModule load(Path dir) {
        return LOADED.computeIfAbsent(dir.normalize(), HclModule::load);
    }

    @Test
    void theDcModuleInThePrimaryDeploysExactlyTheCodesFacts() {
        FactsAssert.assertSameFacts(DC + " (primary)", Deployment.facts(DatacenterRole.PRIMARY),
                TerraformFacts.of(dc, DatacenterRole.PRIMARY));
    }

    @Test
    void theDcModuleInASecondaryDeploysExactlyTheCodesFacts() {
        FactsAssert.assertSameFacts(DC + " (secondary)", Deployment.facts(DatacenterRole.SECONDARY),
                TerraformFacts.of(dc, DatacenterRole.SECONDARY));
    }

    @Test
    void theNativeArtifactChangesOnlyRuntimeAndHandlerAndKeepsTheZip() {
        Set<String> jvm = TerraformFacts.of(dc, DatacenterRole.PRIMARY);
        Set<String> expected = new TreeSet<>();
        for (String f : jvm) {
            expected.add(f.replace("runtime=" + Deployment.JVM_RUNTIME + " handler=" + Deployment.JVM_HANDLER,
                    "runtime=" + Deployment.NATIVE_RUNTIME + " handler=not.used.in.provided.runtime"));
        }
        assertThat(expected).isNotEqualTo(jvm);
        assertThat(TerraformFacts.of(dc, DatacenterRole.PRIMARY, Map.of("artifact", "native"))).isEqualTo(expected);
        // one package for both artifacts: the Quarkus native build writes its zip to the same path
        JsonNode fn = dc.resource("aws_lambda_function", "fn");
        assertThat(fn.get("filename").asText()).isEqualTo("${var.function_zip}");
        assertThat(dc.variables().get("function_zip").get("description").asText())
                .contains("functions/lambda/target/function.zip");
        assertThat(dc.variables().get("artifact").get("default").asText()).isEqualTo("jvm");
    }

    @Test
    void aSecondaryCannotBeDeployedWithoutThePrimaryApiUrl() {
        JsonNode preconditions = dc.resource("aws_lambda_function", "fn").get("lifecycle").get(0).get("precondition");
        List<String> conditions = new ArrayList<>();
        preconditions.forEach(p -> conditions.add(p.get("condition").asText()));
        assertThat(conditions).contains(
                "${local.is_primary || (var.primary_api_url != null && var.primary_api_url != \"\")}");
    }

    @Test
    void everyFunctionLogsToItsOwnLogGroupWithRetention() {
        JsonNode groups = dc.resource("aws_cloudwatch_log_group", "fn");
        assertThat(groups.get("for_each").asText()).isEqualTo("${local.deployables}");
        assertThat(groups.get("retention_in_days").asText()).isEqualTo("${var.log_retention_days}");
        JsonNode fn = dc.resource("aws_lambda_function", "fn");
        assertThat(fn.get("for_each").asText()).isEqualTo("${local.deployables}");
        assertThat(fn.get("logging_config").get(0).get("log_group").asText())
                .isEqualTo("${aws_cloudwatch_log_group.fn[each.key].name}");
        assertThat(dc.resource("aws_cloudwatch_log_group", "api").get("retention_in_days").asText())
                .isEqualTo("${var.log_retention_days}");
    }

    @Test
    void thePrivateTableAndTheFailureQueueAreDurableAndEncrypted() {
        JsonNode table = dc.resource("aws_dynamodb_table", "private");
        assertThat(table.get("hash_key").asText()).isEqualTo("pk");
        assertThat(table.get("range_key").asText()).isEqualTo("sk");
        List<String> attributes = new ArrayList<>();
        table.get("attribute").forEach(a -> attributes.add(a.get("name").asText() + " " + a.get("type").asText()));
        assertThat(attributes).containsExactlyInAnyOrder("pk S", "sk S");
        assertThat(table.get("ttl").get(0).get("attribute_name").asText()).isEqualTo("ttl");
        assertThat(table.get("point_in_time_recovery").get(0).get("enabled").asBoolean()).isTrue();
        assertThat(table.get("server_side_encryption").get(0).get("enabled").asBoolean()).isTrue();
        assertThat(table.has("replica")).as("the private table is regional").isFalse();
        JsonNode queue = dc.resource("aws_sqs_queue", "stream_failures");
        assertThat(queue.get("sqs_managed_sse_enabled").asBoolean()).isTrue();
        assertThat(dc.resources("aws_sqs_queue")).hasSize(1);
    }

    @Test
    void theGlobalTablesModuleDeclaresExactlyTheTwoStreamedTablesWithAReplicaPerRegion() {
        HclModule gt = load(RepoFiles.resolve(GLOBAL_TABLES));
        Map<String, JsonNode> tables = gt.resources("aws_dynamodb_table");
        assertThat(tables.keySet()).containsExactlyInAnyOrder("ca", "intentions");
        assertThat(gt.resources().keySet()).containsExactly("aws_dynamodb_table");
        for (Map.Entry<String, JsonNode> t : tables.entrySet()) {
            JsonNode table = t.getValue();
            String what = "aws_dynamodb_table." + t.getKey();
            assertThat(table.get("name").asText()).as(what).isEqualTo("${var." + t.getKey() + "_table_name}");
            assertThat(table.get("hash_key").asText()).as(what).isEqualTo("pk");
            assertThat(table.get("range_key").asText()).as(what).isEqualTo("sk");
            List<String> attributes = new ArrayList<>();
            table.get("attribute").forEach(a -> attributes.add(a.get("name").asText() + " " + a.get("type").asText()));
            assertThat(attributes).as(what).containsExactlyInAnyOrder("pk S", "sk S");
            assertThat(table.get("billing_mode").asText()).as(what).isEqualTo("PAY_PER_REQUEST");
            assertThat(table.get("stream_enabled").asBoolean()).as(what).isTrue();
            assertThat(table.get("stream_view_type").asText()).as(what).isEqualTo("NEW_AND_OLD_IMAGES");
            assertThat(table.get("ttl").get(0).get("attribute_name").asText()).as(what).isEqualTo("ttl");
            assertThat(table.get("ttl").get(0).get("enabled").asBoolean()).as(what).isTrue();
            assertThat(table.get("point_in_time_recovery").get(0).get("enabled").asBoolean()).as(what).isTrue();
            assertThat(table.get("server_side_encryption").get(0).get("enabled").asBoolean()).as(what).isTrue();
            assertThat(table.get("deletion_protection_enabled").asBoolean()).as(what).isTrue();
            JsonNode replica = table.get("dynamic").get("replica").get(0);
            assertThat(replica.get("for_each").asText()).as(what).isEqualTo("${toset(var.replica_regions)}");
            assertThat(replica.get("content").get(0).get("region_name").asText()).as(what).isEqualTo("${replica.value}");
            assertThat(replica.get("content").get(0).get("point_in_time_recovery").asBoolean()).as(what).isTrue();
        }
    }

    @Test
    void everyEnvParsesAndInstantiatesTheModulesWithAnAliasedProviderPerRegion() throws IOException {
        List<Path> envs;
        try (Stream<Path> s = Files.list(RepoFiles.resolve("infra/terraform/envs"))) {
            envs = s.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(envs.stream().map(p -> p.getFileName().toString())).containsExactly("primary", "secondary");
        Set<String> used = new TreeSet<>();
        for (Path env : envs) {
            HclModule e = load(env);
            Set<String> aliases = new TreeSet<>();
            for (JsonNode p : e.providers().getOrDefault("aws", List.of())) {
                assertThat(p.has("alias")).as(env + ": every aws provider has an alias").isTrue();
                assertThat(p.get("region").asText()).as(env + ": provider " + p.get("alias")).startsWith("${var.");
                aliases.add(p.get("alias").asText());
            }
            assertThat(e.providers().keySet()).as(env.toString()).containsExactly("aws");
            assertThat(aliases).as(env.toString()).isNotEmpty();
            assertThat(e.modules()).as(env.toString()).isNotEmpty();
            for (Map.Entry<String, JsonNode> call : e.modules().entrySet()) {
                String what = env.getFileName() + ": module " + call.getKey();
                JsonNode mod = call.getValue();
                Path source = env.resolve(mod.get("source").asText()).normalize();
                assertThat(source).as(what).startsWith(RepoFiles.resolve("infra/terraform/modules"));
                used.add(source.getFileName().toString());
                Matcher provider = Pattern.compile("\\$\\{aws\\.(.+)}").matcher(mod.get("providers").get("aws").asText());
                assertThat(provider.matches()).as(what + " passes an aliased aws provider").isTrue();
                assertThat(aliases).as(what).contains(provider.group(1));
                HclModule target = load(source);
                Set<String> inputs = new TreeSet<>();
                mod.fieldNames().forEachRemaining(inputs::add);
                inputs.removeAll(Set.of("source", "providers"));
                assertThat(target.variables().keySet()).as(what + ": every input is a variable of the module").containsAll(inputs);
                target.variables().forEach((name, v) -> {
                    if (!v.has("default")) {
                        assertThat(inputs).as(what + ": required variable " + name).contains(name);
                    }
                });
            }
            // the example values parse too, name only the env's variables and set every required one
            Path example = env.resolve("terraform.tfvars.example");
            JsonNode values = Hcl2Json.parse(List.of(example)).get(example);
            Set<String> set = new TreeSet<>();
            values.fieldNames().forEachRemaining(set::add);
            assertThat(e.variables().keySet()).as(example.toString()).containsAll(set);
            e.variables().forEach((name, v) -> {
                if (!v.has("default")) {
                    assertThat(set).as(example + ": required variable " + name).contains(name);
                }
            });
        }
        assertThat(used).containsExactlyInAnyOrder("dc", "global-tables");
    }

    @Test
    void everyVariableHasATypeAndADescriptionAndEveryOutputADescription() throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(RepoFiles.resolve("infra/terraform"))) {
            s.filter(p -> p.getFileName().toString().endsWith(".tf")).map(Path::getParent).distinct().sorted().forEach(dirs::add);
        }
        assertThat(dirs).hasSize(4);
        for (Path d : dirs) {
            HclModule mod = load(d);
            mod.variables().forEach((name, v) -> {
                assertThat(v.path("type").asText()).as(d + ": variable " + name + " type").isNotBlank();
                assertThat(v.path("description").asText()).as(d + ": variable " + name + " description").isNotBlank();
            });
            mod.outputs().forEach((name, o) ->
                    assertThat(o.path("description").asText()).as(d + ": output " + name + " description").isNotBlank());
            assertThat(mod.outputs()).as(d + " has outputs").isNotEmpty();
        }
    }

    @Test
    void reservedConcurrencyCannotBeSetToZero() {
        Pattern atLeast = Pattern.compile("var\\.(\\w+) >= ([0-9]+)");
        Set<String> checked = new TreeSet<>();
        dc.variables().forEach((name, v) -> {
            if (!name.startsWith("reserved_concurrency_")) {
                return;
            }
            assertThat(v.get("type").asText()).as(name).isEqualTo("${number}");
            assertThat(v.get("default").asInt()).as(name).isEqualTo(Deployment.BLOCKING_RESERVED_CONCURRENCY);
            boolean forbidsZero = false;
            for (JsonNode validation : v.path("validation")) {
                Matcher c = atLeast.matcher(validation.get("condition").asText());
                while (c.find()) {
                    forbidsZero |= c.group(1).equals(name) && Integer.parseInt(c.group(2)) >= 1;
                }
            }
            assertThat(forbidsZero).as(name + " has a validation var." + name + " >= 1").isTrue();
            checked.add(name.substring("reserved_concurrency_".length()).replace('_', '-'));
        });
        Set<String> blocking = new TreeSet<>();
        Deployment.deployables().forEach(d -> d.reservedConcurrency().ifPresent(r -> blocking.add(d.name())));
        assertThat(checked).isEqualTo(blocking);
    }

    @Test
    void theCheckerReportsAnIamActionAddedToACopy(@TempDir Path tmp) throws IOException {
        Path copy = copyDc(tmp, "iam.tf",
                "    sid       = \"ReadTables\"\n    actions   = [\"dynamodb:GetItem\", \"dynamodb:Query\"]\n    resources = [data.aws_dynamodb_table.ca.arn, data.aws_dynamodb_table.intentions.arn, aws_dynamodb_table.private.arn]\n  }\n\n  statement {\n    sid       = \"OwnLogs\"\n    actions   = [\"logs:CreateLogStream\", \"logs:PutLogEvents\"]\n    resources = [\"${aws_cloudwatch_log_group.fn[\"fetch-roots-http\"].arn}:*\"]",
                "    sid       = \"ReadTables\"\n    actions   = [\"dynamodb:GetItem\", \"dynamodb:Query\", \"dynamodb:Scan\"]\n    resources = [data.aws_dynamodb_table.ca.arn, data.aws_dynamodb_table.intentions.arn, aws_dynamodb_table.private.arn]\n  }\n\n  statement {\n    sid       = \"OwnLogs\"\n    actions   = [\"logs:CreateLogStream\", \"logs:PutLogEvents\"]\n    resources = [\"${aws_cloudwatch_log_group.fn[\"fetch-roots-http\"].arn}:*\"]");
        Set<String> drifted = TerraformFacts.of(HclModule.load(copy), DatacenterRole.SECONDARY);
        assertThatThrownBy(() -> FactsAssert.assertSameFacts("copy", Deployment.facts(DatacenterRole.SECONDARY), drifted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("extra:   iam fetch-roots-http dynamodb:Scan table:CA")
                .hasMessageContaining("extra:   iam fetch-roots-http dynamodb:Scan table:PRIVATE")
                .hasMessageNotContaining("missing:");
    }

    @Test
    void theCheckerReportsARouteRemovedFromACopy(@TempDir Path tmp) throws IOException {
        Path copy = copyDc(tmp, "locals.tf",
                "    \"ANY /v1/acl/bootstrap\"                   = { deployable = \"ca-admin-http\", authorization = \"AWS_IAM\" }\n", "");
        Set<String> drifted = TerraformFacts.of(HclModule.load(copy), DatacenterRole.PRIMARY);
        assertThatThrownBy(() -> FactsAssert.assertSameFacts("copy", Deployment.facts(DatacenterRole.PRIMARY), drifted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("missing: route ANY /v1/acl/bootstrap -> ca-admin-http auth=AWS_IAM")
                .hasMessageNotContaining("extra:");
    }

    @Test
    void theCheckerReportsARouteWhoseAuthorizationWasDropped(@TempDir Path tmp) throws IOException {
        Path copy = copyDc(tmp, "locals.tf",
                "\"ANY /v1/operator/federation/datacenters\" = { deployable = \"ca-admin-http\", authorization = \"AWS_IAM\" }",
                "\"ANY /v1/operator/federation/datacenters\" = { deployable = \"ca-admin-http\", authorization = \"NONE\" }");
        Set<String> drifted = TerraformFacts.of(HclModule.load(copy), DatacenterRole.PRIMARY);
        assertThatThrownBy(() -> FactsAssert.assertSameFacts("copy", Deployment.facts(DatacenterRole.PRIMARY), drifted))
                .hasMessageContaining("missing: route ANY /v1/operator/federation/datacenters -> ca-admin-http auth=AWS_IAM")
                .hasMessageContaining("extra:   route ANY /v1/operator/federation/datacenters -> ca-admin-http auth=NONE");
    }

    @Test
    void theReaderRefusesAnIamConditionItCannotInterpret(@TempDir Path tmp) throws IOException {
        Path copy = copyDc(tmp, "iam.tf",
                "      variable = \"kms:EncryptionContext:meshfed:dc\"\n      values   = [var.datacenter]\n    }\n  }\n\n  statement {\n    sid       = \"OwnLogs\"\n    actions   = [\"logs:CreateLogStream\", \"logs:PutLogEvents\"]\n    resources = [\"${aws_cloudwatch_log_group.fn[\"sign-csr-http\"].arn}:*\"]",
                "      variable = \"kms:EncryptionContext:meshfed:dc\"\n      values   = [var.datacenter]\n    }\n\n    condition {\n      test     = \"StringLike\"\n      variable = \"kms:EncryptionContext:meshfed:keyId\"\n      values   = [\"*\"]\n    }\n  }\n\n  statement {\n    sid       = \"OwnLogs\"\n    actions   = [\"logs:CreateLogStream\", \"logs:PutLogEvents\"]\n    resources = [\"${aws_cloudwatch_log_group.fn[\"sign-csr-http\"].arn}:*\"]");
        HclModule m = HclModule.load(copy);
        assertThatThrownBy(() -> TerraformFacts.of(m, DatacenterRole.PRIMARY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("iam sign-csr-http")
                .hasMessageContaining("kms:EncryptionContext:meshfed:keyId")
                .hasMessageContaining("not interpreted");
    }

    @Test
    void theReaderRefusesAnEnvironmentValueItCannotInterpret(@TempDir Path tmp) throws IOException {
        Path copy = copyDc(tmp, "lambda.tf", "MESHFED_DC                = var.datacenter",
                "MESHFED_DC                = lower(var.datacenter)");
        HclModule m = HclModule.load(copy);
        assertThatThrownBy(() -> TerraformFacts.of(m, DatacenterRole.PRIMARY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lower(var.datacenter)")
                .hasMessageContaining("not interpreted");
    }

    @Test
    void theReaderRefusesSwappedTableNames(@TempDir Path tmp) throws IOException {
        Path copy = copyDc(tmp, "lambda.tf", "MESHFED_TABLE_CA          = data.aws_dynamodb_table.ca.name",
                "MESHFED_TABLE_CA          = data.aws_dynamodb_table.intentions.name");
        HclModule m = HclModule.load(copy);
        assertThatThrownBy(() -> TerraformFacts.of(m, DatacenterRole.SECONDARY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MESHFED_TABLE_CA = {table-name:INTENTIONS}");
    }

    @Test
    void theReaderRefusesAResourceTypeItDoesNotKnow(@TempDir Path tmp) throws IOException {
        // a function URL would expose a function beside the API and its AWS_IAM routes
        Path copy = copyDc(tmp, "api.tf", "resource \"aws_apigatewayv2_api\" \"this\" {",
                "resource \"aws_lambda_function_url\" \"admin\" {\n  function_name      = aws_lambda_function.fn[\"ca-admin-http\"].function_name\n"
                        + "  authorization_type = \"NONE\"\n}\n\nresource \"aws_apigatewayv2_api\" \"this\" {");
        HclModule m = HclModule.load(copy);
        assertThatThrownBy(() -> TerraformFacts.of(m, DatacenterRole.PRIMARY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("aws_lambda_function_url is not interpreted");
    }

    @Test
    void theReaderRefusesAnInvokePermissionForAnyoneElse(@TempDir Path tmp) throws IOException {
        Path copy = copyDc(tmp, "schedules.tf", "principal     = \"events.amazonaws.com\"\n  source_arn    = aws_cloudwatch_event_rule.rotate_leaves_tick.arn",
                "principal     = \"*\"\n  source_arn    = aws_cloudwatch_event_rule.rotate_leaves_tick.arn");
        HclModule m = HclModule.load(copy);
        assertThatThrownBy(() -> TerraformFacts.of(m, DatacenterRole.PRIMARY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("aws_lambda_permission.rotate_leaves_tick");
    }

    @Test
    void theCheckerReportsASecondaryOnlyGrantDeployedInThePrimary(@TempDir Path tmp) throws IOException {
        Path copy = copyDc(tmp, "iam.tf", "for_each = local.is_primary ? [] : [1]", "for_each = local.is_primary ? [1] : []");
        Set<String> drifted = TerraformFacts.of(HclModule.load(copy), DatacenterRole.PRIMARY);
        assertThatThrownBy(() -> FactsAssert.assertSameFacts("copy", Deployment.facts(DatacenterRole.PRIMARY), drifted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("extra:   iam rotate-leaves-tick kms:Decrypt kms:custody purpose=enrolment dc=own")
                .hasMessageNotContaining("missing:");
    }

    @Test
    void theCheckerReportsATickWhoseEventsOutliveItsInterval(@TempDir Path tmp) throws IOException {
        Path copy = copyDc(tmp, "schedules.tf", "maximum_event_age_in_seconds = 300", "maximum_event_age_in_seconds = 3600");
        Set<String> drifted = TerraformFacts.of(HclModule.load(copy), DatacenterRole.SECONDARY);
        assertThatThrownBy(() -> FactsAssert.assertSameFacts("copy", Deployment.facts(DatacenterRole.SECONDARY), drifted))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("missing: schedule replicate-intentions-tick rate(5 minutes) retries=0 max-event-age=300")
                .hasMessageContaining("extra:   schedule replicate-intentions-tick rate(5 minutes) retries=0 max-event-age=3600");
    }

    @Test
    void theReaderRefusesATickWithoutItsInvokeConfig(@TempDir Path tmp) throws IOException {
        Path copy = copyDc(tmp, "schedules.tf", "resource \"aws_lambda_function_event_invoke_config\" \"rotate_leaves_tick\" {\n"
                + "  function_name                = aws_lambda_function.fn[\"rotate-leaves-tick\"].function_name\n"
                + "  maximum_retry_attempts       = 0\n  maximum_event_age_in_seconds = 60\n}\n", "");
        HclModule m = HclModule.load(copy);
        assertThatThrownBy(() -> TerraformFacts.of(m, DatacenterRole.PRIMARY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rotate-leaves-tick is scheduled: it needs exactly one aws_lambda_function_event_invoke_config");
    }

    @Test
    void theKeyPolicyDeniesReEncryptToEveryone() {
        assertThat(TerraformFacts.of(dc, DatacenterRole.SECONDARY)).contains("key-policy deny kms:ReEncrypt* all");
    }

    /** A copy of the dc module with one text replaced in one file (the text must be there). */
    private static Path copyDc(Path tmp, String file, String from, String to) throws IOException {
        Path src = RepoFiles.resolve(DC);
        Path copy = tmp.resolve("dc");
        Files.createDirectories(copy);
        for (Path f : HclModule.files(src)) {
            String text = Files.readString(f);
            if (f.getFileName().toString().equals(file)) {
                assertThat(text).as("the text to replace in " + file).contains(from);
                text = text.replace(from, to);
            }
            Files.writeString(copy.resolve(f.getFileName()), text);
        }
        return copy;
    }
}
