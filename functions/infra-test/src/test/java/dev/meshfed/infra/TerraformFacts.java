package dev.meshfed.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.meshfed.core.identity.DatacenterRole;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code infra/terraform/modules/dc} into the lines of {@code Deployment.facts(role)}, without
 * Terraform: from hcl2json's JSON ({@link HclModule}) and a small interpreter of the expressions the
 * module is allowed to use. Anything else is an error, never skipped, so a change to the module that
 * this reader cannot follow fails the test instead of escaping it.
 *
 * <p>What it interprets:
 * <ul>
 *   <li>literals, and {@code ${...}} expressions that are references: {@code var.x} (symbolic, or its
 *       default where a number is needed), {@code local.x[...]...}, {@code each.key},
 *       {@code each.value.x}, resource and data attributes (mapped to the fact's names:
 *       {@code data.aws_dynamodb_table.ca.arn} is {@code table:CA}, {@code ...stream_arn} is
 *       {@code stream:CA}, {@code aws_kms_key.custody.arn} is {@code kms:custody}, ...);
 *   <li>{@code local.is_primary}, which must be {@code var.datacenter == var.primary_datacenter}
 *       (the role), and {@code local.is_primary ? a : b};
 *   <li>{@code toset([...])} of literal strings; templates ({@code "${var.datacenter}#*"}), rendered
 *       with each interpolation as {@code {symbol}}.
 * </ul>
 * Resources with {@code for_each} are expanded over their map (or set), one instance per key.
 */
final class TerraformFacts {

    /** A value that is not a literal: a reference, by the name the facts use, or a rendered template. */
    record Sym(String name) {
        @Override
        public String toString() {
            return "{" + name + "}";
        }
    }

    /** One instance of a resource: {@code each.key} and {@code each.value}, or none without for_each. */
    record Each(String key, JsonNode value) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IS_PRIMARY = "${var.datacenter == var.primary_datacenter}";
    private static final Pattern TERNARY = Pattern.compile("local\\.is_primary \\? (.+?) : (.+)");
    private static final Pattern TOSET = Pattern.compile("toset\\((\\[.*])\\)");
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern FN_REF = Pattern.compile(
            "(aws_lambda_function|aws_iam_role|aws_cloudwatch_log_group|aws_apigatewayv2_integration)\\.fn\\[\"([^\"]+)\"]\\.(\\w+)");

    /** Which deployable resource attribute means what. */
    private static final Map<String, String> FN_ATTRIBUTES = Map.of(
            "aws_lambda_function.arn", "function:", "aws_lambda_function.function_name", "function-name:",
            "aws_lambda_function.invoke_arn", "function-invoke:", "aws_iam_role.arn", "role:", "aws_iam_role.id", "role-id:",
            "aws_iam_role.name", "role-id:", "aws_cloudwatch_log_group.arn", "log-group:",
            "aws_apigatewayv2_integration.id", "integration:");

    private static final Map<String, String> SYMBOLS = Map.ofEntries(
            Map.entry("data.aws_dynamodb_table.ca.arn", "table:CA"),
            Map.entry("data.aws_dynamodb_table.intentions.arn", "table:INTENTIONS"),
            Map.entry("aws_dynamodb_table.private.arn", "table:PRIVATE"),
            Map.entry("data.aws_dynamodb_table.ca.stream_arn", "stream:CA"),
            Map.entry("data.aws_dynamodb_table.intentions.stream_arn", "stream:INTENTIONS"),
            Map.entry("data.aws_dynamodb_table.ca.name", "table-name:CA"),
            Map.entry("data.aws_dynamodb_table.intentions.name", "table-name:INTENTIONS"),
            Map.entry("aws_dynamodb_table.private.name", "table-name:PRIVATE"),
            Map.entry("aws_kms_key.custody.arn", "kms:custody"),
            Map.entry("aws_sqs_queue.stream_failures.arn", "queue:stream-failures"),
            Map.entry("aws_sqs_queue.stream_failures.name", "queue-name:stream-failures"),
            Map.entry("data.aws_region.current.region", "region"),
            Map.entry("data.aws_partition.current.partition", "partition"),
            Map.entry("data.aws_caller_identity.current.account_id", "account"));

    /** The value each meshfed variable must have (beside QUARKUS_FUNQY_EXPORT = the deployable). */
    private static Set<String> expectedEnv(String variable, DatacenterRole role) {
        return switch (variable) {
            case "MESHFED_DC" -> Set.of("{var.datacenter}");
            case "MESHFED_PRIMARY_DC" -> Set.of("{var.primary_datacenter}");
            case "MESHFED_TABLE_CA" -> Set.of("{table-name:CA}", "{var.ca_table_name}");
            case "MESHFED_TABLE_INTENTIONS" -> Set.of("{table-name:INTENTIONS}", "{var.intentions_table_name}");
            case "MESHFED_TABLE_PRIVATE" -> Set.of("{table-name:PRIVATE}");
            case "MESHFED_KMS_KEY_ID" -> Set.of("{kms:custody}");
            case "MESHFED_REGION" -> Set.of("{region}");
            case "MESHFED_MAX_BLOCKING_WAIT" -> Set.of("{var.max_blocking_wait}");
            case "MESHFED_ACL" -> Set.of("{var.acl}");
            // empty means unset: the primary forwards nowhere
            case "MESHFED_PRIMARY_API_URL" -> role == DatacenterRole.PRIMARY ? Set.of("\"\"") : Set.of("{var.primary_api_url}");
            default -> Set.of();
        };
    }

    private final HclModule m;
    private final DatacenterRole role;
    private final Map<String, JsonNode> variables;
    private final Set<String> deployables;

    private TerraformFacts(HclModule m, DatacenterRole role, Map<String, JsonNode> overrides) {
        this.m = m;
        this.role = role;
        this.variables = new LinkedHashMap<>(m.defaults());
        this.variables.putAll(overrides);
        JsonNode d = m.locals().get("deployables");
        if (d == null || !d.isObject()) {
            throw new IllegalStateException("modules/dc: local.deployables must be a literal map of the deployables");
        }
        this.deployables = new TreeSet<>();
        d.fieldNames().forEachRemaining(deployables::add);
    }

    /** The facts of the module deployed in {@code role} with its variables' defaults. */
    static Set<String> of(HclModule dc, DatacenterRole role) {
        return of(dc, role, Map.of());
    }

    /** The facts with some variables set ({@code artifact = "native"}). */
    static Set<String> of(HclModule dc, DatacenterRole role, Map<String, String> variables) {
        Map<String, JsonNode> v = new LinkedHashMap<>();
        variables.forEach((k, s) -> v.put(k, TextNode.valueOf(s)));
        return new TerraformFacts(dc, role, v).facts();
    }

    /**
     * The resource and data types this reader knows the meaning of. Any other type (a function URL,
     * a managed policy, a second API) could grant or expose what the facts do not show, so it is an
     * error until the reader is taught about it.
     */
    private static final Set<String> KNOWN_RESOURCES = Set.of("aws_dynamodb_table", "aws_sqs_queue", "aws_kms_key",
            "aws_kms_alias", "aws_cloudwatch_log_group", "aws_iam_role", "aws_iam_role_policy", "aws_lambda_function",
            "aws_apigatewayv2_api", "aws_apigatewayv2_integration", "aws_apigatewayv2_route", "aws_apigatewayv2_stage",
            "aws_lambda_permission", "aws_lambda_event_source_mapping", "aws_cloudwatch_event_rule",
            "aws_cloudwatch_event_target", "aws_cloudwatch_metric_alarm", "aws_lambda_function_event_invoke_config");
    private static final Set<String> KNOWN_DATA = Set.of("aws_region", "aws_caller_identity", "aws_partition",
            "aws_dynamodb_table", "aws_iam_policy_document");

    private Set<String> facts() {
        for (String type : m.resources().keySet()) {
            if (!KNOWN_RESOURCES.contains(type)) {
                throw new IllegalStateException("modules/dc: resource type " + type + " is not interpreted by this reader");
            }
        }
        for (String type : m.data().keySet()) {
            if (!KNOWN_DATA.contains(type)) {
                throw new IllegalStateException("modules/dc: data source type " + type + " is not interpreted by this reader");
            }
        }
        permissions();
        Set<String> f = new TreeSet<>();
        functions(f);
        iam(f);
        routes(f);
        streams(f);
        schedules(f);
        keyPolicy(f);
        alarms(f);
        return f;
    }

    /** Who may invoke the functions: only this API Gateway API and this module's EventBridge rules. */
    private void permissions() {
        for (Map.Entry<String, JsonNode> p : m.resources("aws_lambda_permission").entrySet()) {
            JsonNode perm = p.getValue();
            for (Each e : instances(perm, "aws_lambda_permission")) {
                where("aws_lambda_permission." + p.getKey(), () -> {
                    allowOnly(perm, "aws_lambda_permission", "for_each", "statement_id", "action", "function_name", "principal",
                            "source_arn");
                    String principal = text(perm.get("principal"), e);
                    String source = show(resolve(perm.get("source_arn"), e));
                    boolean api = principal.equals("apigateway.amazonaws.com")
                            && source.matches("\\{\\{aws_apigatewayv2_api\\.\\w+\\.execution_arn}/.*}");
                    boolean rule = principal.equals("events.amazonaws.com")
                            && source.matches("\\{aws_cloudwatch_event_rule\\.\\w+\\.arn}");
                    if (!api && !rule || !text(perm.get("action"), e).equals("lambda:InvokeFunction")) {
                        throw new IllegalStateException("only lambda:InvokeFunction by this module's HTTP API or"
                                + " EventBridge rules is interpreted, not " + principal + " from " + source);
                    }
                    return null;
                });
            }
        }
    }

    // ---- functions and environment ------------------------------------------------------------

    private void functions(Set<String> f) {
        for (JsonNode fn : m.resources("aws_lambda_function").values()) {
            for (Each e : instances(fn, "aws_lambda_function")) {
                String d = e.key();
                where("function " + d, () -> {
                    expectSym(fn.get("role"), e, "role:" + d, "its own role");
                    String arch = single(list(fn.get("architectures"), e), "architectures");
                    f.add("function " + d + " runtime=" + text(fn.get("runtime"), e) + " handler=" + text(fn.get("handler"), e)
                            + " architecture=" + arch + " memory=" + number(fn.get("memory_size"), e)
                            + " timeout=" + number(fn.get("timeout"), e));
                    Object reserved = resolve(fn.get("reserved_concurrent_executions"), e);
                    if (reserved instanceof Sym s) {
                        reserved = valueOf(s);
                    }
                    if (reserved != null && !(reserved instanceof JsonNode)) {
                        throw new IllegalStateException("reserved_concurrent_executions " + show(reserved) + " is not interpreted");
                    }
                    JsonNode r = (JsonNode) reserved;
                    if (r != null && !r.isNull() && r.asLong() != -1) {
                        f.add("function " + d + " reserved=" + render(r));
                    }
                    JsonNode env = block(fn, "environment").get("variables");
                    Object vars = resolve(env, e);
                    if (!(vars instanceof JsonNode vn) || !vn.isObject()) {
                        throw new IllegalStateException("environment.variables must be a literal map, not " + env);
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> it = vn.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> v = it.next();
                        String shown = show(resolve(v.getValue(), e));
                        if (v.getKey().equals("QUARKUS_FUNQY_EXPORT")) {
                            f.add("env " + d + " QUARKUS_FUNQY_EXPORT=" + unquote(shown));
                            continue;
                        }
                        Set<String> expected = expectedEnv(v.getKey(), role);
                        if (!expected.isEmpty() && !expected.contains(shown)) {
                            throw new IllegalStateException(v.getKey() + " = " + shown + ", expected one of " + expected);
                        }
                        f.add("env " + d + " " + v.getKey());
                    }
                    return null;
                });
            }
        }
    }

    // ---- IAM ------------------------------------------------------------------------------------

    private void iam(Set<String> f) {
        for (String forbidden : List.of("aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_policy")) {
            if (!m.resources(forbidden).isEmpty()) {
                throw new IllegalStateException("modules/dc declares " + forbidden + ": a function's role holds only its own inline policy");
            }
        }
        for (JsonNode role : m.resources("aws_iam_role").values()) {
            for (String k : List.of("managed_policy_arns", "inline_policy", "permissions_boundary")) {
                if (role.has(k)) {
                    throw new IllegalStateException("aws_iam_role has " + k + ": roles get exactly their aws_iam_role_policy");
                }
            }
        }
        for (JsonNode rp : m.resources("aws_iam_role_policy").values()) {
            for (Each e : instances(rp, "aws_iam_role_policy")) {
                String d = symbol(resolve(rp.get("role"), e), "role-id:", "the role of a deployable");
                Object policy = resolve(rp.get("policy"), e);
                String doc = symbol(policy, "data.aws_iam_policy_document.", "an aws_iam_policy_document's json");
                if (!doc.endsWith(".json")) {
                    throw new IllegalStateException("policy must be data.aws_iam_policy_document.<name>.json, not " + policy);
                }
                String name = doc.substring(0, doc.length() - ".json".length());
                where("iam " + d + " (data.aws_iam_policy_document." + name + ")", () -> {
                    for (JsonNode st : statements(m.data("aws_iam_policy_document", name))) {
                        functionStatement(d, st, f);
                    }
                    return null;
                });
            }
        }
    }

    /** The statements of a policy document, with dynamic ones expanded for the role. */
    private List<JsonNode> statements(JsonNode doc) {
        List<JsonNode> all = new ArrayList<>();
        for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("statement") && !k.equals("dynamic")) {
                throw new IllegalStateException("policy document attribute '" + k + "' is not interpreted");
            }
        }
        doc.path("statement").forEach(all::add);
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("dynamic").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> dyn = it.next();
            if (!dyn.getKey().equals("statement")) {
                throw new IllegalStateException("dynamic \"" + dyn.getKey() + "\" is not interpreted");
            }
            for (JsonNode block : dyn.getValue()) {
                allowOnly(block, "dynamic \"statement\"", "for_each", "content");
                Object each = resolve(block.get("for_each"), null);
                if (!(each instanceof JsonNode en) || !en.isArray() || en.size() > 1) {
                    throw new IllegalStateException("dynamic \"statement\" for_each must give [] or one element"
                            + " (local.is_primary ? [1] : [] or local.is_primary ? [] : [1]), not " + block.get("for_each"));
                }
                if (en.size() == 1) {
                    all.add(block.get("content").get(0));
                }
            }
        }
        return all;
    }

    private void functionStatement(String d, JsonNode st, Set<String> f) {
        allowOnly(st, "statement", "sid", "effect", "actions", "resources", "condition");
        if (st.has("effect") && !text(st.get("effect"), null).equals("Allow")) {
            throw new IllegalStateException("a function policy statement must Allow: " + st);
        }
        List<String> actions = new ArrayList<>();
        for (Object a : list(st.get("actions"), null)) {
            actions.add(literalText(a, "action"));
        }
        List<String> resources = new ArrayList<>();
        for (Object r : list(st.get("resources"), null)) {
            resources.add(resource(d, r));
        }
        List<String> keys = new ArrayList<>();
        List<String> purposes = new ArrayList<>();
        boolean ownDc = false;
        for (JsonNode c : st.path("condition")) {
            allowOnly(c, "condition", "test", "variable", "values");
            String test = text(c.get("test"), null);
            String variable = text(c.get("variable"), null);
            List<String> values = list(c.get("values"), null).stream().map(TerraformFacts::show).toList();
            if (test.equals("ForAllValues:StringLike") && variable.equals("dynamodb:LeadingKeys")
                    && values.equals(List.of("{{var.datacenter}#*}"))) {
                keys.add("keys=own-dc");
            } else if (test.equals("StringEquals") && variable.equals("kms:EncryptionContext:meshfed:purpose")) {
                values.forEach(v -> purposes.add(unquote(v)));
                if (values.stream().anyMatch(v -> !v.startsWith("\""))) {
                    throw new IllegalStateException("purposes must be literal: " + values);
                }
            } else if (test.equals("StringEquals") && variable.equals("kms:EncryptionContext:meshfed:dc")
                    && values.equals(List.of("{var.datacenter}"))) {
                ownDc = true;
            } else {
                throw new IllegalStateException("condition " + test + " " + variable + " " + values + " is not interpreted");
            }
        }
        List<String> suffixes = new ArrayList<>();
        String tail = (keys.isEmpty() ? "" : " " + String.join(" ", keys));
        if (purposes.isEmpty()) {
            suffixes.add(tail + (ownDc ? " dc=own" : ""));
        } else {
            for (String p : purposes) {
                suffixes.add(tail + " purpose=" + p + (ownDc ? " dc=own" : ""));
            }
        }
        for (String a : actions) {
            for (String r : resources) {
                for (String s : suffixes) {
                    f.add("iam " + d + " " + a + " " + r + s);
                }
            }
        }
    }

    /** A statement's resource as the facts name it. */
    private String resource(String d, Object r) {
        String s = show(r);
        if (s.equals("\"*\"")) {
            return "*";
        }
        Matcher logs = Pattern.compile("\\{\\{log-group:([^}]+)}:\\*}").matcher(s);
        if (logs.matches()) {
            return logs.group(1).equals(d) ? "log-group:own" : "log-group:" + logs.group(1);
        }
        if (r instanceof Sym sym && (sym.name().startsWith("table:") || sym.name().startsWith("stream:")
                || sym.name().equals("kms:custody") || sym.name().equals("queue:stream-failures"))) {
            return sym.name();
        }
        throw new IllegalStateException("resource " + s + " is not interpreted");
    }

    // ---- HTTP API -----------------------------------------------------------------------------

    private void routes(Set<String> f) {
        if (m.resources("aws_apigatewayv2_api").size() != 1) {
            throw new IllegalStateException("modules/dc must declare exactly one aws_apigatewayv2_api");
        }
        JsonNode api = m.resources("aws_apigatewayv2_api").values().iterator().next();
        if (!text(api.get("protocol_type"), null).equals("HTTP")) {
            throw new IllegalStateException("the API must be an HTTP API (protocol_type HTTP)");
        }
        Map<String, String> integrations = new TreeMap<>();
        for (JsonNode in : m.resources("aws_apigatewayv2_integration").values()) {
            allowOnly(in, "aws_apigatewayv2_integration", "for_each", "api_id", "integration_type", "integration_method",
                    "integration_uri", "payload_format_version", "timeout_milliseconds");
            for (Each e : instances(in, "aws_apigatewayv2_integration")) {
                String fn = symbol(resolve(in.get("integration_uri"), e), "function-invoke:", "a function's invoke_arn");
                if (!text(in.get("payload_format_version"), e).equals("2.0") || !text(in.get("integration_type"), e).equals("AWS_PROXY")) {
                    throw new IllegalStateException("integration " + e.key() + " must be AWS_PROXY with payload format 2.0");
                }
                integrations.put(e.key(), fn);
            }
        }
        Set<String> invokable = new TreeSet<>();
        for (JsonNode p : m.resources("aws_lambda_permission").values()) {
            for (Each e : instances(p, "aws_lambda_permission")) {
                if (text(p.get("principal"), e).equals("apigateway.amazonaws.com")) {
                    invokable.add(symbol(resolve(p.get("function_name"), e), "function-name:", "a function name"));
                }
            }
        }
        for (JsonNode r : m.resources("aws_apigatewayv2_route").values()) {
            for (Each e : instances(r, "aws_apigatewayv2_route")) {
                allowOnly(r, "aws_apigatewayv2_route", "for_each", "api_id", "route_key", "target", "authorization_type");
                String key = text(r.get("route_key"), e);
                where("route " + key, () -> {
                    String target = show(resolve(r.get("target"), e));
                    Matcher t = Pattern.compile("\\{integrations/\\{integration:([^}]+)}}").matcher(target);
                    if (!t.matches() || !integrations.containsKey(t.group(1))) {
                        throw new IllegalStateException("target " + target + " is not integrations/<an integration's id>");
                    }
                    String fn = integrations.get(t.group(1));
                    if (!invokable.contains(fn)) {
                        throw new IllegalStateException("no aws_lambda_permission lets API Gateway invoke " + fn);
                    }
                    String auth = r.has("authorization_type") ? text(r.get("authorization_type"), e) : "NONE";
                    f.add("route " + key + " -> " + fn + " auth=" + auth);
                    return null;
                });
            }
        }
        if (m.resources("aws_apigatewayv2_stage").size() != 1) {
            throw new IllegalStateException("modules/dc must declare exactly one aws_apigatewayv2_stage");
        }
        JsonNode stage = m.resources("aws_apigatewayv2_stage").values().iterator().next();
        if (!text(stage.get("name"), null).equals("$default") || !stage.path("auto_deploy").asBoolean(false)) {
            throw new IllegalStateException("the stage must be $default with auto_deploy");
        }
        JsonNode s = block(stage, "default_route_settings");
        f.add("api throttle rate=" + number(s.get("throttling_rate_limit"), null) + " burst="
                + number(s.get("throttling_burst_limit"), null));
    }

    // ---- streams and schedules -------------------------------------------------------------------

    private void streams(Set<String> f) {
        Set<String> tables = new TreeSet<>();
        for (Map.Entry<String, JsonNode> en : m.resources("aws_lambda_event_source_mapping").entrySet()) {
            JsonNode esm = en.getValue();
            where("aws_lambda_event_source_mapping." + en.getKey(), () -> {
                allowOnly(esm, "event source mapping", "event_source_arn", "function_name", "starting_position", "batch_size",
                        "bisect_batch_on_function_error", "maximum_retry_attempts", "maximum_record_age_in_seconds",
                        "function_response_types", "destination_config");
                String table = symbol(resolve(esm.get("event_source_arn"), null), "stream:", "a table's stream_arn");
                if (!tables.add(table)) {
                    // two mappings would give every record to two consumers; the facts, a set, would not show it
                    throw new IllegalStateException("a second event source mapping on the " + table + " stream");
                }
                String fn = symbol(resolve(esm.get("function_name"), null), "function:", "a function's arn");
                JsonNode onFailure = block(block(esm, "destination_config"), "on_failure");
                allowOnly(onFailure, "on_failure", "destination_arn");
                String dest = show(resolve(onFailure.get("destination_arn"), null));
                f.add("stream " + table + " -> " + fn + " batch=" + number(esm.get("batch_size"), null) + " bisect="
                        + render(literal(esm.get("bisect_batch_on_function_error"))) + " retries="
                        + number(esm.get("maximum_retry_attempts"), null) + " max-age="
                        + number(esm.get("maximum_record_age_in_seconds"), null) + " start="
                        + text(esm.get("starting_position"), null) + " response="
                        + String.join(",", list(esm.get("function_response_types"), null).stream().map(v -> literalText(v, "response type")).toList())
                        + " on-failure=" + (dest.equals("{queue:stream-failures}") ? "queue:stream-failures" : dest));
                return null;
            });
        }
    }

    private void schedules(Set<String> f) {
        Map<String, JsonNode> rules = m.resources("aws_cloudwatch_event_rule");
        Set<String> scheduled = new TreeSet<>();
        for (Map.Entry<String, JsonNode> rule : rules.entrySet()) {
            String r = rule.getKey();
            where("aws_cloudwatch_event_rule." + r, () -> {
                String expression = text(rule.getValue().get("schedule_expression"), null);
                List<String> targets = new ArrayList<>();
                for (JsonNode t : m.resources("aws_cloudwatch_event_target").values()) {
                    if (show(resolve(t.get("rule"), null)).equals("{aws_cloudwatch_event_rule." + r + ".name}")) {
                        targets.add(symbol(resolve(t.get("arn"), null), "function:", "a function's arn"));
                    }
                }
                if (targets.isEmpty()) {
                    throw new IllegalStateException("the rule has no target");
                }
                if (targets.size() > 1) {
                    throw new IllegalStateException("the rule has more than one target: " + targets);
                }
                for (String fn : targets) {
                    if (!scheduled.add(fn)) {
                        throw new IllegalStateException(fn + " is scheduled by more than one rule");
                    }
                    boolean permitted = m.resources("aws_lambda_permission").values().stream().anyMatch(p ->
                            !p.has("for_each") && show(resolve(p.get("source_arn"), null)).equals("{aws_cloudwatch_event_rule." + r + ".arn}")
                                    && show(resolve(p.get("function_name"), null)).equals("{function-name:" + fn + "}")
                                    && text(p.get("principal"), null).equals("events.amazonaws.com"));
                    if (!permitted) {
                        throw new IllegalStateException("no aws_lambda_permission lets this rule invoke " + fn);
                    }
                    f.add("schedule " + fn + " " + expression + " " + invokeConfig(fn));
                }
                return null;
            });
        }
        for (Map.Entry<String, JsonNode> ic : m.resources("aws_lambda_function_event_invoke_config").entrySet()) {
            String fn = symbol(resolve(ic.getValue().get("function_name"), null), "function-name:", "a function's name");
            if (!scheduled.contains(fn)) {
                throw new IllegalStateException("aws_lambda_function_event_invoke_config." + ic.getKey() + " configures "
                        + fn + ", which no rule schedules (only the ticks are invoked asynchronously)");
            }
        }
        for (JsonNode t : m.resources("aws_cloudwatch_event_target").values()) {
            String rule = show(resolve(t.get("rule"), null));
            if (rules.keySet().stream().noneMatch(r -> rule.equals("{aws_cloudwatch_event_rule." + r + ".name}"))) {
                throw new IllegalStateException("event target of unknown rule " + rule);
            }
        }
    }

    /**
     * The asynchronous invoke configuration of a scheduled function, {@code retries=<n> max-event-age=<s>}:
     * exactly one {@code aws_lambda_function_event_invoke_config} (no for_each, no qualifier: the
     * unpublished version the rule invokes, no destinations) must set both.
     */
    private String invokeConfig(String fn) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, JsonNode> en : m.resources("aws_lambda_function_event_invoke_config").entrySet()) {
            JsonNode ic = en.getValue();
            if (!show(resolve(ic.get("function_name"), null)).equals("{function-name:" + fn + "}")) {
                continue;
            }
            where("aws_lambda_function_event_invoke_config." + en.getKey(), () -> {
                allowOnly(ic, "event invoke config", "function_name", "maximum_retry_attempts",
                        "maximum_event_age_in_seconds");
                if (!ic.has("maximum_retry_attempts") || !ic.has("maximum_event_age_in_seconds")) {
                    throw new IllegalStateException("both maximum_retry_attempts and maximum_event_age_in_seconds must be set");
                }
                found.add("retries=" + number(ic.get("maximum_retry_attempts"), null) + " max-event-age="
                        + number(ic.get("maximum_event_age_in_seconds"), null));
                return null;
            });
        }
        if (found.size() != 1) {
            throw new IllegalStateException(fn + " is scheduled: it needs exactly one aws_lambda_function_event_invoke_config,"
                    + " found " + found.size());
        }
        return found.get(0);
    }

    // ---- key policy -----------------------------------------------------------------------------

    private void keyPolicy(Set<String> f) {
        JsonNode key = m.resource("aws_kms_key", "custody");
        if (m.resources("aws_kms_key").size() != 1) {
            throw new IllegalStateException("modules/dc must declare exactly one aws_kms_key (custody)");
        }
        if (!literal(key.get("enable_key_rotation")).asBoolean(false)) {
            throw new IllegalStateException("the custody key must have enable_key_rotation = true");
        }
        String doc = symbol(resolve(key.get("policy"), null), "data.aws_iam_policy_document.", "a policy document's json");
        String name = doc.substring(0, doc.length() - ".json".length());
        where("key policy (data.aws_iam_policy_document." + name + ")", () -> {
            for (JsonNode st : statements(m.data("aws_iam_policy_document", name))) {
                allowOnly(st, "key policy statement", "sid", "effect", "actions", "resources", "condition", "principals");
                String effect = st.has("effect") ? text(st.get("effect"), null) : "Allow";
                List<String> actions = list(st.get("actions"), null).stream().map(a -> literalText(a, "action")).toList();
                JsonNode principals = block(st, "principals");
                String principalType = text(principals.get("type"), null);
                List<String> principal = list(principals.get("identifiers"), null).stream().map(TerraformFacts::show).toList();
                if (effect.equals("Allow")) {
                    // the usual account administration statement, and nothing else is allowed here
                    if (!principalType.equals("AWS") || !principal.equals(List.of("{arn:{partition}:iam::{account}:root}"))
                            || !actions.equals(List.of("kms:*")) || st.has("condition")) {
                        throw new IllegalStateException("the only Allow must be kms:* for the account root: " + st);
                    }
                    continue;
                }
                if (!effect.equals("Deny") || !principalType.equals("*") || !principal.equals(List.of("\"*\""))) {
                    throw new IllegalStateException("a Deny must apply to every principal: " + st);
                }
                if (!st.has("condition")) {
                    if (!actions.equals(List.of("kms:ReEncrypt*"))) {
                        throw new IllegalStateException("an unconditional Deny is interpreted only for kms:ReEncrypt*: " + st);
                    }
                    // meshfed never re-encrypts (docs/key-custody.md)
                    f.add("key-policy deny kms:ReEncrypt* all");
                    continue;
                }
                String purpose = null;
                List<String> unless = null;
                for (JsonNode c : st.get("condition")) {
                    allowOnly(c, "condition", "test", "variable", "values");
                    String test = text(c.get("test"), null);
                    String variable = text(c.get("variable"), null);
                    List<Object> values = list(c.get("values"), null);
                    if (test.equals("StringEquals") && variable.equals("kms:EncryptionContext:meshfed:purpose") && values.size() == 1) {
                        purpose = literalText(values.get(0), "purpose");
                    } else if (test.equals("ArnNotEquals") && variable.equals("aws:PrincipalArn")) {
                        unless = values.stream().map(v -> symbol(v, "role:", "a deployable's role arn")).sorted().toList();
                    } else {
                        throw new IllegalStateException("key policy condition " + test + " " + variable + " is not interpreted");
                    }
                }
                if (purpose == null || unless == null) {
                    throw new IllegalStateException("a key policy Deny needs a purpose and an aws:PrincipalArn exception: " + st);
                }
                for (String a : actions) {
                    f.add("key-policy deny " + a + " purpose=" + purpose + " unless " + String.join(",", unless));
                }
            }
            return null;
        });
    }

    // ---- alarms ---------------------------------------------------------------------------------

    private void alarms(Set<String> f) {
        for (JsonNode a : m.resources("aws_cloudwatch_metric_alarm").values()) {
            for (Each e : instances(a, "aws_cloudwatch_metric_alarm")) {
                if (e.key() == null) {
                    throw new IllegalStateException("alarms must be for_each over local.alarms (the key is the alarm's id)");
                }
                where("alarm " + e.key(), () -> {
                    Object dims = resolve(a.get("dimensions"), e);
                    if (!(dims instanceof JsonNode dn) || !dn.isObject()) {
                        throw new IllegalStateException("dimensions must be a literal map");
                    }
                    Map<String, String> d = new TreeMap<>();
                    dn.fields().forEachRemaining(kv -> d.put(kv.getKey(), placeholder(resolve(kv.getValue(), e))));
                    StringBuilder ds = new StringBuilder();
                    d.forEach((k, v) -> ds.append(ds.isEmpty() ? "" : ",").append(k).append('=').append(v));
                    f.add("alarm " + e.key() + " " + text(a.get("namespace"), e) + "/" + text(a.get("metric_name"), e)
                            + " dims=" + ds + " stat=" + text(a.get("statistic"), e) + " period=" + number(a.get("period"), e)
                            + " evaluations=" + number(a.get("evaluation_periods"), e) + " " + text(a.get("comparison_operator"), e)
                            + " " + number(a.get("threshold"), e) + " missing=" + text(a.get("treat_missing_data"), e));
                    return null;
                });
            }
        }
    }

    /** A dimension value as Deployment's placeholders write it. */
    private static String placeholder(Object v) {
        if (v instanceof Sym s) {
            if (s.name().equals("var.datacenter")) {
                return "{dc}";
            }
            if (s.name().startsWith("function-name:")) {
                return "{function:" + s.name().substring("function-name:".length()) + "}";
            }
            if (s.name().equals("queue-name:stream-failures")) {
                return "{queue:stream-failures}";
            }
            throw new IllegalStateException("dimension value " + s + " is not interpreted");
        }
        return literalText(v, "dimension value");
    }

    // ---- the expression interpreter ----------------------------------------------------------------

    /** The instances of a resource: one per key of its for_each, or one without. */
    private List<Each> instances(JsonNode resource, String type) {
        if (!resource.has("for_each")) {
            return java.util.Collections.singletonList(new Each(null, null));
        }
        Object fe = resolve(resource.get("for_each"), null);
        if (!(fe instanceof JsonNode n)) {
            throw new IllegalStateException(type + ": for_each " + resource.get("for_each") + " is not a literal map or set");
        }
        List<Each> out = new ArrayList<>();
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> out.add(new Each(e.getKey(), e.getValue())));
        } else if (n.isArray()) {
            n.forEach(k -> out.add(new Each(k.asText(), k)));
        } else {
            throw new IllegalStateException(type + ": for_each is neither a map nor a set");
        }
        return out;
    }

    /** A node with its expressions evaluated: a literal JsonNode (maps and lists stay nodes), or a Sym. */
    Object resolve(JsonNode node, Each each) {
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            return node;
        }
        String t = node.asText();
        if (!t.contains("${")) {
            return node;
        }
        Matcher whole = INTERPOLATION.matcher(t);
        if (whole.matches() && t.indexOf("${", 2) < 0) {
            return expression(whole.group(1).strip(), each);
        }
        // a template: each interpolation rendered as its symbol or literal text
        Matcher im = INTERPOLATION.matcher(t);
        StringBuilder sb = new StringBuilder();
        while (im.find()) {
            Object v = expression(im.group(1).strip(), each);
            im.appendReplacement(sb, Matcher.quoteReplacement(v instanceof Sym s ? s.toString() : literalText(v, "interpolation")));
        }
        im.appendTail(sb);
        if (sb.indexOf("${") >= 0 || sb.indexOf("%{") >= 0) {
            throw new IllegalStateException("template " + t + " is not interpreted");
        }
        return new Sym(sb.toString());
    }

    private Object expression(String e, Each each) {
        Matcher tern = TERNARY.matcher(e);
        if (tern.matches()) {
            return expression(isPrimary() ? tern.group(1).strip() : tern.group(2).strip(), each);
        }
        Matcher toset = TOSET.matcher(e);
        if (toset.matches()) {
            JsonNode list = parseLiteral(toset.group(1));
            if (list == null || !list.isArray()) {
                throw new IllegalStateException("toset(...) of something else than literal strings: " + e);
            }
            return list;
        }
        JsonNode lit = parseLiteral(e);
        if (lit != null) {
            return lit;
        }
        return reference(new Ref(e).parse(), each, e);
    }

    private static JsonNode parseLiteral(String e) {
        if (!e.matches("\\[\\s*]|\\[\\s*1\\s*]|\"[^\"\\\\$%]*\"|-?[0-9]+|true|false|null|\\[(\\s*\"[^\"\\\\$%]*\"\\s*,?)*]")) {
            return null;
        }
        try {
            return JSON.readTree(e.replaceAll(",\\s*]", "]"));
        } catch (Exception ex) {
            return null;
        }
    }

    private boolean isPrimary() {
        JsonNode def = m.locals().get("is_primary");
        if (def == null || !def.asText().equals(IS_PRIMARY)) {
            throw new IllegalStateException("local.is_primary must be " + IS_PRIMARY + ", not " + def);
        }
        return role == DatacenterRole.PRIMARY;
    }

    private Object reference(List<Object> parts, Each each, String source) {
        String root = (String) parts.get(0);
        switch (root) {
            case "var" -> {
                String name = attribute(parts, 1, source);
                if (!m.variables().containsKey(name)) {
                    throw new IllegalStateException("no variable " + name + " (in " + source + ")");
                }
                if (parts.size() == 2) {
                    return new Sym("var." + name);
                }
                return navigate(valueOf(new Sym("var." + name)), parts.subList(2, parts.size()), each, source);
            }
            case "local" -> {
                String name = attribute(parts, 1, source);
                if (name.equals("is_primary")) {
                    return BooleanNode.valueOf(isPrimary());
                }
                JsonNode v = m.locals().get(name);
                if (v == null) {
                    throw new IllegalStateException("no local " + name + " (in " + source + ")");
                }
                return navigate(v, parts.subList(2, parts.size()), each, source);
            }
            case "each" -> {
                if (each == null || each.key() == null) {
                    throw new IllegalStateException("each.* outside a for_each (in " + source + ")");
                }
                String what = attribute(parts, 1, source);
                if (what.equals("key") && parts.size() == 2) {
                    return TextNode.valueOf(each.key());
                }
                if (what.equals("value")) {
                    return navigate(each.value(), parts.subList(2, parts.size()), each, source);
                }
                throw new IllegalStateException("each." + what + " is not interpreted (in " + source + ")");
            }
            default -> {
                StringBuilder canonical = new StringBuilder(root);
                for (Object p : parts.subList(1, parts.size())) {
                    if (p instanceof String s) {
                        canonical.append('.').append(s);
                    } else {
                        canonical.append("[\"").append(indexKey(((Ref.Index) p).expr(), each, source)).append("\"]");
                    }
                }
                return symbolFor(canonical.toString());
            }
        }
    }

    private Object navigate(JsonNode start, List<Object> path, Each each, String source) {
        Object cur = resolve(start, each);
        for (Object p : path) {
            if (!(cur instanceof JsonNode n) || !n.isObject()) {
                throw new IllegalStateException("cannot index " + cur + " (in " + source + ")");
            }
            String key = p instanceof String s ? s : indexKey(((Ref.Index) p).expr(), each, source);
            JsonNode next = n.get(key);
            if (next == null) {
                throw new IllegalStateException("no key " + key + " (in " + source + ")");
            }
            cur = resolve(next, each);
        }
        return cur;
    }

    private String indexKey(String expr, Each each, String source) {
        Object k = expression(expr, each);
        if (k instanceof Sym s && s.name().startsWith("var.")) {
            k = valueOf(s);
        }
        if (!(k instanceof JsonNode n) || !n.isTextual()) {
            throw new IllegalStateException("index " + expr + " is not a known string (in " + source + ")");
        }
        return n.asText();
    }

    private Sym symbolFor(String canonical) {
        String s = SYMBOLS.get(canonical);
        if (s != null) {
            return new Sym(s);
        }
        Matcher fn = FN_REF.matcher(canonical);
        if (fn.matches()) {
            String meaning = FN_ATTRIBUTES.get(fn.group(1) + "." + fn.group(3));
            if (meaning == null) {
                throw new IllegalStateException(canonical + " is not interpreted");
            }
            if (!deployables.contains(fn.group(2))) {
                throw new IllegalStateException(canonical + " names no deployable of local.deployables");
            }
            return new Sym(meaning + fn.group(2));
        }
        return new Sym(canonical);
    }

    /** A variable's value: set for this reading, or its default. */
    private JsonNode valueOf(Sym s) {
        if (!s.name().startsWith("var.")) {
            throw new IllegalStateException(s + " has no value here");
        }
        JsonNode v = variables.get(s.name().substring(4));
        if (v == null) {
            throw new IllegalStateException(s + " has no default");
        }
        return v;
    }

    private static String attribute(List<Object> parts, int i, String source) {
        if (parts.size() <= i || !(parts.get(i) instanceof String s)) {
            throw new IllegalStateException("reference " + source + " is not interpreted");
        }
        return s;
    }

    // ---- small helpers ----------------------------------------------------------------------------

    private String text(JsonNode node, Each each) {
        Object v = resolve(node, each);
        if (v instanceof Sym s && s.name().startsWith("var.")) {
            v = valueOf(s);
        }
        return literalText(v, "value");
    }

    private String number(JsonNode node, Each each) {
        Object v = resolve(node, each);
        if (v instanceof Sym s && s.name().startsWith("var.")) {
            v = valueOf(s);
        }
        if (!(v instanceof JsonNode n) || !n.isNumber()) {
            return "<not a number: " + show(v) + ">";
        }
        return render(n);
    }

    private JsonNode literal(JsonNode node) {
        Object v = resolve(node, null);
        if (!(v instanceof JsonNode n)) {
            throw new IllegalStateException(show(v) + " is not a literal");
        }
        return n;
    }

    private List<Object> list(JsonNode node, Each each) {
        Object v = resolve(node, each);
        if (!(v instanceof JsonNode n) || !n.isArray()) {
            throw new IllegalStateException("expected a list, found " + show(v));
        }
        List<Object> out = new ArrayList<>();
        n.forEach(x -> out.add(resolve(x, each)));
        return out;
    }

    private static String single(List<Object> values, String what) {
        if (values.size() != 1) {
            throw new IllegalStateException(what + " must hold exactly one value: " + values);
        }
        return literalText(values.get(0), what);
    }

    private void expectSym(JsonNode node, Each each, String expected, String what) {
        Object v = resolve(node, each);
        if (!(v instanceof Sym s) || !s.name().equals(expected)) {
            throw new IllegalStateException("expected " + what + " (" + expected + "), found " + show(v));
        }
    }

    private static String symbol(Object v, String prefix, String what) {
        if (v instanceof Sym s && s.name().startsWith(prefix)) {
            return s.name().substring(prefix.length());
        }
        throw new IllegalStateException("expected " + what + ", found " + show(v));
    }

    private static JsonNode block(JsonNode parent, String name) {
        JsonNode b = parent.get(name);
        if (b == null || !b.isArray() || b.size() != 1) {
            throw new IllegalStateException("expected one " + name + " block in " + parent);
        }
        return b.get(0);
    }

    private static void allowOnly(JsonNode node, String what, String... keys) {
        Set<String> allowed = Set.of(keys);
        node.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k)) {
                throw new IllegalStateException(what + " attribute '" + k + "' is not interpreted");
            }
        });
    }

    private static String literalText(Object v, String what) {
        if (v instanceof JsonNode n && n.isTextual()) {
            return n.asText();
        }
        throw new IllegalStateException(what + " must be a literal string, found " + show(v));
    }

    /** A value as text: a literal string quoted, a symbol in braces. */
    static String show(Object v) {
        if (v instanceof Sym s) {
            return s.toString();
        }
        if (v instanceof JsonNode n) {
            return n.toString();
        }
        return String.valueOf(v);
    }

    private static String unquote(String shown) {
        return shown.startsWith("\"") && shown.endsWith("\"") ? shown.substring(1, shown.length() - 1) : shown;
    }

    private static String render(JsonNode n) {
        if (n.isNumber() && n.asDouble() == Math.rint(n.asDouble())) {
            return Long.toString(n.asLong());
        }
        return n.asText();
    }

    /** Runs {@code body}, prefixing any failure with where in the module it happened. */
    private static <T> T where(String what, java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("modules/dc, " + what + ": " + e.getMessage(), e);
        }
    }

    /** A reference: identifiers joined by '.', with ["literal"] or [reference] indexes. */
    static final class Ref {
        record Index(String expr) {
        }

        private final String src;
        private int pos;

        Ref(String src) {
            this.src = src;
        }

        List<Object> parse() {
            List<Object> parts = new ArrayList<>();
            parts.add(ident());
            while (pos < src.length()) {
                char c = src.charAt(pos);
                if (c == '.') {
                    pos++;
                    parts.add(ident());
                } else if (c == '[') {
                    int depth = 0;
                    int start = pos + 1;
                    for (; pos < src.length(); pos++) {
                        if (src.charAt(pos) == '[') {
                            depth++;
                        } else if (src.charAt(pos) == ']' && --depth == 0) {
                            break;
                        }
                    }
                    if (pos >= src.length()) {
                        throw unsupported();
                    }
                    parts.add(new Index(src.substring(start, pos).strip()));
                    pos++;
                } else {
                    throw unsupported();
                }
            }
            return parts;
        }

        private String ident() {
            int start = pos;
            while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_' || src.charAt(pos) == '-')) {
                pos++;
            }
            if (start == pos || !Character.isLetter(src.charAt(start)) && src.charAt(start) != '_') {
                throw unsupported();
            }
            return src.substring(start, pos);
        }

        private IllegalStateException unsupported() {
            return new IllegalStateException("expression ${" + src + "} is not interpreted (only references,"
                    + " local.is_primary ? a : b and toset([...]) are)");
        }
    }
}
