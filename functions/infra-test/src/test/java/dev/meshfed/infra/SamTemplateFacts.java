package dev.meshfed.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a CloudFormation/SAM template (YAML) and computes what {@code infra/sam/dc.yaml} deploys as
 * the lines of {@code Deployment.facts}: the template is evaluated for one set of parameter values
 * (conditions, {@code Fn::If}, {@code Fn::Sub}, ...), resource references are mapped to the facts'
 * resource names ({@code table:CA}, {@code stream:CA}, {@code kms:custody}, ...).
 *
 * <p>It is deliberately strict: a resource type, a property, an IAM statement or condition, an
 * environment value or a reference it cannot interpret fails with {@link IllegalStateException}
 * naming it, so a template change can never slip past the comparison by being ignored.
 */
final class SamTemplateFacts {

    /** Values of the pseudo parameters while evaluating. */
    static final String REGION = "test-region-1";
    static final String ACCOUNT = "111122223333";
    static final String PARTITION = "aws";

    /** What {@code Ref: AWS::NoValue} evaluates to: removed from the list or map that holds it. */
    private static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    private static final Set<String> DEPLOYABLE_FUNCTION_KEYS = Set.of("CodeUri", "Runtime", "Handler", "Architectures",
            "Environment", "Description", "MemorySize", "Timeout", "Role", "ReservedConcurrentExecutions", "LoggingConfig",
            "EventInvokeConfig");

    private final Map<String, Object> template;
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private final Map<String, Boolean> conditions = new HashMap<>();
    private final Map<String, Map<String, Object>> resources = new LinkedHashMap<>();

    // ---- loading

    /** Parses CloudFormation YAML, turning the short-form tags into their long forms. */
    static Map<String, Object> parse(String yaml) {
        Object doc = new Yaml(new CfnConstructor()).load(yaml);
        if (!(doc instanceof Map<?, ?> m)) {
            throw new IllegalStateException("a template is a YAML mapping");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) m;
        return t;
    }

    static Map<String, Object> load(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SnakeYAML constructor for {@code !Ref}, {@code !Sub}, {@code !GetAtt}, ... (long forms). */
    static final class CfnConstructor extends SafeConstructor {
        CfnConstructor() {
            super(new LoaderOptions());
            for (String fn : List.of("Sub", "If", "Equals", "Not", "And", "Or", "Join", "Select", "Split", "FindInMap",
                    "Base64", "GetAZs", "ImportValue", "Cidr", "Length", "ToJsonString")) {
                yamlConstructors.put(new Tag("!" + fn), new Intrinsic("Fn::" + fn));
            }
            yamlConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
            yamlConstructors.put(new Tag("!Condition"), new Intrinsic("Condition"));
            yamlConstructors.put(new Tag("!GetAtt"), new Intrinsic("Fn::GetAtt"));
        }

        private final class Intrinsic extends AbstractConstruct {
            private final String name;

            Intrinsic(String name) {
                this.name = name;
            }

            @Override
            public Object construct(Node node) {
                Object value;
                if (node instanceof ScalarNode s) {
                    String text = constructScalar(s);
                    // !GetAtt Resource.Attribute (the attribute may itself hold dots)
                    value = name.equals("Fn::GetAtt") ? List.of(text.substring(0, text.indexOf('.')),
                            text.substring(text.indexOf('.') + 1)) : text;
                } else if (node instanceof SequenceNode q) {
                    value = constructSequence(q);
                } else {
                    value = constructMapping((MappingNode) node);
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(name, value);
                return m;
            }
        }
    }

    // ---- evaluation

    /**
     * The template evaluated with {@code overrides} for its parameters (the others take their
     * defaults; a parameter without either fails).
     */
    SamTemplateFacts(Map<String, Object> template, Map<String, String> overrides) {
        this.template = template;
        Map<String, Object> params = map(template.getOrDefault("Parameters", Map.of()), "Parameters");
        for (String unknown : overrides.keySet()) {
            if (!params.containsKey(unknown)) {
                throw new IllegalArgumentException("no parameter " + unknown);
            }
        }
        params.forEach((name, def) -> {
            Object v = overrides.containsKey(name) ? overrides.get(name) : map(def, name).get("Default");
            if (v == null) {
                throw new IllegalStateException("parameter " + name + " has no value and no default");
            }
            parameters.put(name, text(v));
        });
        map(template.get("Resources"), "Resources").forEach((id, r) -> {
            Map<String, Object> res = map(r, id);
            if (res.get("Condition") == null || condition(str(res.get("Condition"), id))) {
                resources.put(id, res);
            }
        });
    }

    String parameter(String name) {
        return Objects.requireNonNull(parameters.get(name), () -> "no parameter " + name);
    }

    boolean condition(String name) {
        Boolean known = conditions.get(name);
        if (known == null) {
            Object def = map(template.getOrDefault("Conditions", Map.of()), "Conditions").get(name);
            if (def == null) {
                throw new IllegalStateException("no condition " + name);
            }
            known = bool(def);
            conditions.put(name, known);
        }
        return known;
    }

    /** Descriptions of the failing assertions of the template's Rules (empty: the parameters pass). */
    List<String> failingRules() {
        List<String> failing = new ArrayList<>();
        map(template.getOrDefault("Rules", Map.of()), "Rules").forEach((name, r) -> {
            Map<String, Object> rule = map(r, name);
            if (rule.get("RuleCondition") == null || bool(rule.get("RuleCondition"))) {
                for (Object a : list(rule.get("Assertions"), name)) {
                    Map<String, Object> assertion = map(a, name);
                    if (!bool(assertion.get("Assert"))) {
                        failing.add(name + ": " + assertion.get("AssertDescription"));
                    }
                }
            }
        });
        return failing;
    }

    private boolean bool(Object node) {
        if (node instanceof Boolean b) {
            return b;
        }
        Map<String, Object> fn = map(node, "condition");
        if (fn.size() != 1) {
            throw new IllegalStateException("not a condition function: " + node);
        }
        Map.Entry<String, Object> e = fn.entrySet().iterator().next();
        List<Object> args = e.getValue() instanceof List<?> l ? new ArrayList<>(l) : List.of(e.getValue());
        return switch (e.getKey()) {
            case "Fn::Equals" -> text(eval(args.get(0))).equals(text(eval(args.get(1))));
            case "Fn::Not" -> !bool(args.get(0));
            case "Fn::And" -> args.stream().allMatch(this::bool);
            case "Fn::Or" -> args.stream().anyMatch(this::bool);
            case "Condition" -> condition(str(e.getValue(), "Condition"));
            default -> throw new IllegalStateException("cannot evaluate condition " + node);
        };
    }

    /**
     * Evaluates intrinsic functions. A resource reference becomes a token, {@code «ref:Id»} or
     * {@code «att:Id.Attribute»}, which may end up inside a string ({@code Fn::Sub}).
     */
    Object eval(Object node) {
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                Object v = eval(o);
                if (v != NO_VALUE) {
                    out.add(v);
                }
            }
            return out;
        }
        if (!(node instanceof Map<?, ?> raw)) {
            return node;
        }
        Map<String, Object> m = map(raw, "value");
        if (m.size() == 1) {
            String k = m.keySet().iterator().next();
            Object a = m.get(k);
            switch (k) {
                case "Ref":
                    return ref(str(a, "Ref"));
                case "Fn::GetAtt": {
                    List<Object> p = list(a, "Fn::GetAtt");
                    String id = str(p.get(0), "Fn::GetAtt");
                    requireResource(id);
                    return "«att:" + id + "." + str(eval(p.get(1)), "Fn::GetAtt") + "»";
                }
                case "Fn::Sub":
                    return sub(a);
                case "Fn::If": {
                    List<Object> p = list(a, "Fn::If");
                    return eval(condition(str(p.get(0), "Fn::If")) ? p.get(1) : p.get(2));
                }
                case "Fn::Join": {
                    List<Object> p = list(a, "Fn::Join");
                    return list(eval(p.get(1)), "Fn::Join").stream().map(SamTemplateFacts::text)
                            .collect(Collectors.joining(str(p.get(0), "Fn::Join")));
                }
                case "Fn::Select": {
                    List<Object> p = list(a, "Fn::Select");
                    return list(eval(p.get(1)), "Fn::Select").get(Integer.parseInt(text(eval(p.get(0)))));
                }
                case "Fn::Split": {
                    List<Object> p = list(a, "Fn::Split");
                    return List.of((Object[]) text(eval(p.get(1))).split(Pattern.quote(str(p.get(0), "Fn::Split")), -1));
                }
                case "Fn::FindInMap": {
                    List<Object> p = list(eval(a), "Fn::FindInMap");
                    Map<String, Object> maps = map(template.get("Mappings"), "Mappings");
                    return map(map(maps.get(text(p.get(0))), "mapping").get(text(p.get(1))), "mapping").get(text(p.get(2)));
                }
                case "Fn::Base64":
                    return eval(a);
                case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition":
                    return bool(m);
                default:
                    if (k.startsWith("Fn::")) {
                        throw new IllegalStateException("the reader cannot evaluate " + k + " (" + a + ")");
                    }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((key, v) -> {
            Object e = eval(v);
            if (e != NO_VALUE) {
                out.put(key, e);
            }
        });
        return out;
    }

    private Object ref(String name) {
        switch (name) {
            case "AWS::Region":
                return REGION;
            case "AWS::AccountId":
                return ACCOUNT;
            case "AWS::Partition":
                return PARTITION;
            case "AWS::NoValue":
                return NO_VALUE;
            default:
                if (parameters.containsKey(name)) {
                    return parameters.get(name);
                }
                requireResource(name);
                return "«ref:" + name + "»";
        }
    }

    private Object sub(Object arg) {
        String s;
        Map<String, Object> vars = Map.of();
        if (arg instanceof List<?> l) {
            s = str(l.get(0), "Fn::Sub");
            vars = map(eval(l.get(1)), "Fn::Sub");
        } else {
            s = str(arg, "Fn::Sub");
        }
        Matcher m = Pattern.compile("\\$\\{([^}]*)}").matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value;
            if (name.startsWith("!")) {
                value = "${" + name.substring(1) + "}";
            } else if (vars.containsKey(name)) {
                value = text(vars.get(name));
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                String id = name.substring(0, name.indexOf('.'));
                requireResource(id);
                value = "«att:" + name + "»";
            } else {
                value = text(ref(name));
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private void requireResource(String id) {
        if (!map(template.get("Resources"), "Resources").containsKey(id)) {
            throw new IllegalStateException("reference to an unknown resource or parameter: " + id);
        }
    }

    // ---- the facts of dc.yaml

    /** The resources that exist for these parameters, by logical ID. */
    Map<String, Map<String, Object>> resources() {
        return resources;
    }

    /** The evaluated properties of {@code id}. */
    Map<String, Object> properties(String id) {
        Map<String, Object> r = Objects.requireNonNull(resources.get(id), () -> "no resource " + id);
        return map(eval(r.getOrDefault("Properties", Map.of())), id);
    }

    private List<String> ofType(String type) {
        return resources.entrySet().stream().filter(e -> type.equals(e.getValue().get("Type"))).map(Map.Entry::getKey)
                .toList();
    }

    private String single(String type) {
        List<String> ids = ofType(type);
        if (ids.size() != 1) {
            throw new IllegalStateException("expected exactly one " + type + ", found " + ids);
        }
        return ids.get(0);
    }

    /** A deployable function's merged (Globals + own) evaluated properties. */
    Map<String, Object> functionProperties(String id) {
        Map<String, Object> globals = map(map(template.getOrDefault("Globals", Map.of()), "Globals")
                .getOrDefault("Function", Map.of()), "Globals.Function");
        Map<String, Object> own = map(resources.get(id).getOrDefault("Properties", Map.of()), id);
        return map(eval(merge(globals, own)), id);
    }

    /** SAM's Globals rule for the keys used here: maps merge key by key, anything else is replaced. */
    private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        over.forEach((k, v) -> {
            Object b = out.get(k);
            boolean intrinsic = v instanceof Map<?, ?> vm && vm.size() == 1
                    && vm.keySet().iterator().next().toString().matches("Ref|Fn::.*|Condition");
            if (b instanceof Map<?, ?> bm && v instanceof Map<?, ?> vm2 && !intrinsic) {
                out.put(k, merge(map(bm, k), map(vm2, k)));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Computes the facts of this (dc.yaml) template for the parameters it was built with. */
    Set<String> dcFacts() {
        checkGlobals();
        Set<String> known = Set.of("AWS::Serverless::Function", "AWS::Lambda::Function", "AWS::IAM::Role",
                "AWS::IAM::RolePolicy", "AWS::Logs::LogGroup", "AWS::DynamoDB::Table", "AWS::KMS::Key", "AWS::KMS::Alias",
                "AWS::SQS::Queue", "Custom::GlobalTableStreams", "AWS::Lambda::EventSourceMapping", "AWS::Events::Rule",
                "AWS::Lambda::Permission", "AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Integration",
                "AWS::ApiGatewayV2::Route", "AWS::ApiGatewayV2::Stage", "AWS::CloudWatch::Alarm");
        resources.forEach((id, r) -> {
            if (!known.contains(str(r.get("Type"), id))) {
                throw new IllegalStateException("resource " + id + " of type " + r.get("Type")
                        + ": the reader does not know this type; teach SamTemplateFacts what it deploys");
            }
        });
        Set<String> facts = new TreeSet<>();
        Context c = new Context();
        for (String id : ofType("AWS::Serverless::Function")) {
            function(c, id, facts);
        }
        streamArnResolver(c);
        for (String id : ofType("AWS::IAM::Role")) {
            if (!c.roleOwner.containsKey(id)) {
                throw new IllegalStateException("role " + id + " belongs to no function");
            }
        }
        for (String id : ofType("AWS::IAM::RolePolicy")) {
            Map<String, Object> p = properties(id);
            only(p, id, "RoleName", "PolicyName", "PolicyDocument");
            String role = token(p.get("RoleName"), "ref", id);
            if (!c.rolePolicies.contains(id)) {
                throw new IllegalStateException("policy " + id + " of role " + role + " was not read");
            }
        }
        for (String id : ofType("AWS::Lambda::EventSourceMapping")) {
            streamMapping(c, id, facts);
        }
        for (String id : ofType("AWS::Events::Rule")) {
            schedule(c, id, facts);
        }
        for (String fn : c.invokeConfig.keySet()) {
            if (!c.ruleTarget.containsValue(fn)) {
                throw new IllegalStateException(fn + " has an EventInvokeConfig but no rule schedules it");
            }
        }
        httpApi(c, facts);
        for (String id : ofType("AWS::Lambda::Permission")) {
            permission(c, id);
        }
        keyPolicy(c, facts);
        for (String id : ofType("AWS::KMS::Alias")) {
            Map<String, Object> p = properties(id);
            only(p, id, "AliasName", "TargetKeyId");
            if (!token(p.get("TargetKeyId"), "ref", id).equals(c.key)) {
                throw new IllegalStateException("alias " + id + " points at another key");
            }
        }
        for (String id : ofType("AWS::CloudWatch::Alarm")) {
            alarm(c, id, facts);
        }
        return facts;
    }

    /** What the reader learns about the template's resources while it reads them. */
    private final class Context {
        final String privateTable = single("AWS::DynamoDB::Table");
        final String key = single("AWS::KMS::Key");
        final String queue = single("AWS::SQS::Queue");
        final String streams = single("Custom::GlobalTableStreams");
        final Map<String, String> deployableOf = new HashMap<>(); // function id -> deployable name
        final Map<String, String> roleOwner = new HashMap<>(); // role id -> function id
        final Map<String, String> logGroupOwner = new HashMap<>(); // log group id -> function id
        final Set<String> rolePolicies = new TreeSet<>();
        final Map<String, String> integrationTarget = new HashMap<>(); // integration id -> function id
        final Map<String, String> ruleTarget = new HashMap<>(); // events rule id -> function id
        final Map<String, String> invokeConfig = new HashMap<>(); // function id -> "retries=.. max-event-age=.."
        String api;
    }

    private void checkGlobals() {
        Map<String, Object> globals = map(template.getOrDefault("Globals", Map.of()), "Globals");
        for (String section : globals.keySet()) {
            if (!section.equals("Function")) {
                throw new IllegalStateException("Globals." + section + ": the reader does not know it");
            }
        }
        only(map(globals.getOrDefault("Function", Map.of()), "Globals.Function"), "Globals.Function",
                DEPLOYABLE_FUNCTION_KEYS.toArray(String[]::new));
    }

    private void function(Context c, String id, Set<String> facts) {
        Map<String, Object> p = functionProperties(id);
        only(p, id, DEPLOYABLE_FUNCTION_KEYS.toArray(String[]::new));
        Map<String, Object> env = map(map(p.get("Environment"), id + ".Environment").get("Variables"), id + ".Environment");
        String n = str(env.get("QUARKUS_FUNQY_EXPORT"), id + " QUARKUS_FUNQY_EXPORT");
        if (c.deployableOf.containsValue(n)) {
            throw new IllegalStateException("two functions export " + n);
        }
        c.deployableOf.put(id, n);
        if (!"../../functions/lambda/target/function.zip".equals(p.get("CodeUri"))) {
            throw new IllegalStateException(id + " deploys another artifact: " + p.get("CodeUri"));
        }
        List<Object> arch = list(p.get("Architectures"), id + ".Architectures");
        if (arch.size() != 1) {
            throw new IllegalStateException(id + " has architectures " + arch);
        }
        facts.add("function " + n + " runtime=" + p.get("Runtime") + " handler=" + p.get("Handler") + " architecture="
                + arch.get(0) + " memory=" + num(p.get("MemorySize")) + " timeout=" + num(p.get("Timeout")));
        if (p.containsKey("ReservedConcurrentExecutions")) {
            facts.add("function " + n + " reserved=" + num(p.get("ReservedConcurrentExecutions")));
        }
        env.forEach((var, value) -> facts.add(envFact(n, var, value)));
        if (p.containsKey("EventInvokeConfig")) {
            // asynchronous invocation (the schedules'): both limits, no destinations, no alias
            Map<String, Object> ic = map(p.get("EventInvokeConfig"), id + ".EventInvokeConfig");
            only(ic, id + ".EventInvokeConfig", "MaximumRetryAttempts", "MaximumEventAgeInSeconds");
            if (!ic.containsKey("MaximumRetryAttempts") || !ic.containsKey("MaximumEventAgeInSeconds")) {
                throw new IllegalStateException(id + ".EventInvokeConfig must set MaximumRetryAttempts and"
                        + " MaximumEventAgeInSeconds");
            }
            c.invokeConfig.put(id, "retries=" + num(ic.get("MaximumRetryAttempts")) + " max-event-age="
                    + num(ic.get("MaximumEventAgeInSeconds")));
        }

        String logGroup = logGroupOf(c, id, p);
        String role = token(p.get("Role"), "att", id + ".Role");
        if (!role.endsWith(".Arn") || c.roleOwner.put(role = role.substring(0, role.length() - 4), id) != null) {
            throw new IllegalStateException(id + ": its role must be its own AWS::IAM::Role (Fn::GetAtt Role.Arn)");
        }
        for (String line : roleFacts(c, role, logGroup)) {
            facts.add("iam " + n + " " + line);
        }
    }

    private String logGroupOf(Context c, String id, Map<String, Object> p) {
        Map<String, Object> logging = map(p.get("LoggingConfig"), id + ".LoggingConfig");
        only(logging, id + ".LoggingConfig", "LogGroup");
        String logGroup = token(logging.get("LogGroup"), "ref", id + ".LoggingConfig.LogGroup");
        if (!"AWS::Logs::LogGroup".equals(resources.get(logGroup).get("Type")) || c.logGroupOwner.put(logGroup, id) != null) {
            throw new IllegalStateException(id + ": its log group must be its own AWS::Logs::LogGroup");
        }
        if (!properties(logGroup).containsKey("RetentionInDays")) {
            throw new IllegalStateException("log group " + logGroup + " keeps logs forever: set RetentionInDays");
        }
        return logGroup;
    }

    /** One environment variable of a deployable; a value other than the DC's configuration fails. */
    private String envFact(String n, String var, Object value) {
        if (var.equals("QUARKUS_FUNQY_EXPORT")) {
            return "env " + n + " " + var + "=" + value;
        }
        boolean primary = parameter("Datacenter").equals(parameter("PrimaryDatacenter"));
        Map<String, String> expected = Map.ofEntries(
                Map.entry("MESHFED_DC", parameter("Datacenter")),
                Map.entry("MESHFED_PRIMARY_DC", parameter("PrimaryDatacenter")),
                Map.entry("MESHFED_TABLE_CA", parameter("CaTableName")),
                Map.entry("MESHFED_TABLE_INTENTIONS", parameter("IntentionsTableName")),
                Map.entry("MESHFED_TABLE_PRIVATE", "«ref:" + single("AWS::DynamoDB::Table") + "»"),
                Map.entry("MESHFED_KMS_KEY_ID", "«att:" + single("AWS::KMS::Key") + ".Arn»"),
                Map.entry("MESHFED_REGION", REGION),
                Map.entry("MESHFED_MAX_BLOCKING_WAIT", parameter("MaxBlockingWait")),
                Map.entry("MESHFED_ACL", parameter("Acl")),
                Map.entry("MESHFED_PRIMARY_API_URL", primary ? "" : parameter("PrimaryApiUrl")));
        String want = expected.get(var);
        if (want != null && !want.equals(text(value))) {
            throw new IllegalStateException("env " + n + " " + var + " is " + value + ", expected " + want);
        }
        return "env " + n + " " + var; // an unknown variable shows up as an extra fact
    }

    /** The permissions of {@code role} as fact lines {@code <action> <resource>[ <condition>]}. */
    private Set<String> roleFacts(Context c, String role, String logGroup) {
        Map<String, Object> r = properties(role);
        only(r, role, "AssumeRolePolicyDocument", "Description", "Policies");
        Map<String, Object> trust = map(r.get("AssumeRolePolicyDocument"), role);
        Map<String, Object> lambdaTrust = Map.of("Effect", "Allow", "Principal", Map.of("Service", "lambda.amazonaws.com"),
                "Action", "sts:AssumeRole");
        if (!List.of(lambdaTrust).equals(trust.get("Statement"))) {
            throw new IllegalStateException("role " + role + " must be assumable by lambda.amazonaws.com only: " + trust);
        }
        List<Object> documents = new ArrayList<>();
        for (Object inline : list(r.getOrDefault("Policies", List.of()), role + ".Policies")) {
            Map<String, Object> pm = map(inline, role + ".Policies");
            only(pm, role + ".Policies", "PolicyName", "PolicyDocument");
            documents.add(pm.get("PolicyDocument"));
        }
        for (String id : ofType("AWS::IAM::RolePolicy")) {
            Map<String, Object> p = properties(id);
            if (("«ref:" + role + "»").equals(p.get("RoleName"))) {
                c.rolePolicies.add(id);
                documents.add(p.get("PolicyDocument"));
            }
        }
        Set<String> lines = new TreeSet<>();
        for (Object d : documents) {
            Map<String, Object> doc = map(d, role + " policy");
            for (Object s : list(doc.get("Statement"), role + " policy")) {
                Map<String, Object> st = map(s, role + " statement");
                only(st, role + " statement", "Sid", "Effect", "Action", "Resource", "Condition");
                if (!"Allow".equals(st.get("Effect"))) {
                    throw new IllegalStateException(role + ": only Allow statements are read: " + st);
                }
                for (Object action : strings(st.get("Action"), role)) {
                    for (Object resource : strings(st.get("Resource"), role)) {
                        for (String cond : conditionFacts(st.get("Condition"), role)) {
                            lines.add(action + " " + resourceName(c, text(resource), logGroup) + cond);
                        }
                    }
                }
            }
        }
        return lines;
    }

    /** The fact suffixes of an IAM condition block: {@code keys=own-dc}, {@code purpose=<p> dc=own}. */
    private List<String> conditionFacts(Object condition, String where) {
        if (condition == null) {
            return List.of("");
        }
        Map<String, Object> cond = map(condition, where + " condition");
        String dc = parameter("Datacenter");
        if (cond.keySet().equals(Set.of("ForAllValues:StringLike"))) {
            Map<String, Object> like = map(cond.get("ForAllValues:StringLike"), where);
            if (like.keySet().equals(Set.of("dynamodb:LeadingKeys"))
                    && strings(like.get("dynamodb:LeadingKeys"), where).equals(List.of(dc + "#*"))) {
                return List.of(" keys=own-dc");
            }
        }
        if (cond.keySet().equals(Set.of("StringEquals"))) {
            Map<String, Object> eq = map(cond.get("StringEquals"), where);
            if (eq.keySet().equals(Set.of("kms:EncryptionContext:meshfed:dc", "kms:EncryptionContext:meshfed:purpose"))
                    && dc.equals(eq.get("kms:EncryptionContext:meshfed:dc"))) {
                return strings(eq.get("kms:EncryptionContext:meshfed:purpose"), where).stream()
                        .map(p -> " purpose=" + p + " dc=own").toList();
            }
        }
        throw new IllegalStateException(where + ": the reader cannot interpret the IAM condition " + condition);
    }

    /** Maps an evaluated ARN (or token) to the facts' resource names. */
    private String resourceName(Context c, String arn, String ownLogGroup) {
        String tablePrefix = "arn:" + PARTITION + ":dynamodb:" + REGION + ":" + ACCOUNT + ":table/";
        if (arn.equals("*")) {
            return "*";
        } else if (arn.equals(tablePrefix + parameter("CaTableName"))) {
            return "table:CA";
        } else if (arn.equals(tablePrefix + parameter("IntentionsTableName"))) {
            return "table:INTENTIONS";
        } else if (arn.equals("«att:" + c.privateTable + ".Arn»")) {
            return "table:PRIVATE";
        } else if (arn.equals("«att:" + c.streams + ".CaStreamArn»")) {
            return "stream:CA";
        } else if (arn.equals("«att:" + c.streams + ".IntentionsStreamArn»")) {
            return "stream:INTENTIONS";
        } else if (arn.equals("«att:" + c.key + ".Arn»")) {
            return "kms:custody";
        } else if (arn.equals("«att:" + c.queue + ".Arn»")) {
            return "queue:stream-failures";
        } else if (arn.equals("«att:" + ownLogGroup + ".Arn»")) {
            return "log-group:own";
        }
        throw new IllegalStateException("the reader cannot interpret the resource " + arn);
    }

    /** The custom resource's function may describe the two global tables and write its own logs: nothing else. */
    private void streamArnResolver(Context c) {
        Map<String, Object> cr = properties(c.streams);
        only(cr, c.streams, "ServiceToken", "CaTableName", "IntentionsTableName", "Generation");
        if (!parameter("CaTableName").equals(cr.get("CaTableName"))
                || !parameter("IntentionsTableName").equals(cr.get("IntentionsTableName"))) {
            throw new IllegalStateException(c.streams + " must read the stack's CaTableName and IntentionsTableName");
        }
        String token = token(cr.get("ServiceToken"), "att", c.streams + ".ServiceToken");
        List<String> lambdas = ofType("AWS::Lambda::Function");
        if (!lambdas.equals(List.of(token.replace(".Arn", ""))) || !token.endsWith(".Arn")) {
            throw new IllegalStateException("the only AWS::Lambda::Function must be " + c.streams + "'s service token: "
                    + lambdas);
        }
        String id = lambdas.get(0);
        Map<String, Object> p = properties(id);
        only(p, id, "Description", "Runtime", "Handler", "Architectures", "MemorySize", "Timeout", "Role", "LoggingConfig",
                "Code");
        String logGroup = logGroupOf(c, id, p);
        String role = token(p.get("Role"), "att", id + ".Role").replace(".Arn", "");
        if (c.roleOwner.put(role, id) != null) {
            throw new IllegalStateException(id + " shares its role");
        }
        Set<String> granted = roleFacts(c, role, logGroup);
        Set<String> allowed = Set.of("dynamodb:DescribeTable table:CA", "dynamodb:DescribeTable table:INTENTIONS",
                "logs:CreateLogStream log-group:own", "logs:PutLogEvents log-group:own");
        if (!granted.equals(allowed)) {
            throw new IllegalStateException(id + " may do " + granted + "; it may only " + allowed);
        }
    }

    private void streamMapping(Context c, String id, Set<String> facts) {
        Map<String, Object> p = properties(id);
        only(p, id, "FunctionName", "EventSourceArn", "StartingPosition", "BatchSize", "BisectBatchOnFunctionError",
                "MaximumRetryAttempts", "MaximumRecordAgeInSeconds", "FunctionResponseTypes", "DestinationConfig");
        String n = deployable(c, token(p.get("FunctionName"), "ref", id));
        String stream = resourceName(c, text(p.get("EventSourceArn")), null);
        if (!stream.startsWith("stream:")) {
            throw new IllegalStateException(id + " reads " + stream + ", not a table's stream");
        }
        Map<String, Object> dest = map(p.get("DestinationConfig"), id);
        only(dest, id, "OnFailure");
        Map<String, Object> onFailure = map(dest.get("OnFailure"), id);
        only(onFailure, id, "Destination");
        List<Object> responses = strings(p.get("FunctionResponseTypes"), id);
        facts.add("stream " + stream.substring(7) + " -> " + n + " batch=" + num(p.get("BatchSize")) + " bisect="
                + p.get("BisectBatchOnFunctionError") + " retries=" + num(p.get("MaximumRetryAttempts")) + " max-age="
                + num(p.get("MaximumRecordAgeInSeconds")) + " start=" + p.get("StartingPosition") + " response="
                + responses.stream().map(Object::toString).collect(Collectors.joining(",")) + " on-failure="
                + resourceName(c, text(onFailure.get("Destination")), null));
    }

    private void schedule(Context c, String id, Set<String> facts) {
        Map<String, Object> p = properties(id);
        only(p, id, "Description", "ScheduleExpression", "State", "Targets");
        if (!"ENABLED".equals(p.get("State"))) {
            throw new IllegalStateException("rule " + id + " is not ENABLED");
        }
        List<Object> targets = list(p.get("Targets"), id);
        if (targets.size() != 1) {
            throw new IllegalStateException("rule " + id + " must have exactly one target");
        }
        Map<String, Object> t = map(targets.get(0), id);
        only(t, id + ".Targets", "Id", "Arn");
        String fn = token(t.get("Arn"), "att", id).replace(".Arn", "");
        c.ruleTarget.put(id, fn);
        String invoke = c.invokeConfig.get(fn);
        if (invoke == null) {
            throw new IllegalStateException(fn + " is scheduled by " + id + " but has no EventInvokeConfig");
        }
        facts.add("schedule " + deployable(c, fn) + " " + p.get("ScheduleExpression") + " " + invoke);
    }

    private void httpApi(Context c, Set<String> facts) {
        c.api = single("AWS::ApiGatewayV2::Api");
        Map<String, Object> api = properties(c.api);
        only(api, c.api, "Name", "Description", "ProtocolType");
        if (!"HTTP".equals(api.get("ProtocolType"))) {
            throw new IllegalStateException(c.api + " is not an HTTP API");
        }
        String apiRef = "«ref:" + c.api + "»";
        for (String id : ofType("AWS::ApiGatewayV2::Integration")) {
            Map<String, Object> p = properties(id);
            only(p, id, "ApiId", "IntegrationType", "IntegrationUri", "PayloadFormatVersion", "TimeoutInMillis");
            if (!apiRef.equals(p.get("ApiId")) || !"AWS_PROXY".equals(p.get("IntegrationType"))
                    || !"2.0".equals(text(p.get("PayloadFormatVersion")))) {
                throw new IllegalStateException(id + " must be an AWS_PROXY payload 2.0 integration of " + c.api);
            }
            String fn = token(p.get("IntegrationUri"), "att", id).replace(".Arn", "");
            deployable(c, fn);
            c.integrationTarget.put(id, fn);
        }
        for (String id : ofType("AWS::ApiGatewayV2::Route")) {
            Map<String, Object> p = properties(id);
            only(p, id, "ApiId", "RouteKey", "Target", "AuthorizationType");
            String target = text(p.get("Target"));
            Matcher m = Pattern.compile("integrations/«ref:([A-Za-z0-9]+)»").matcher(target);
            if (!apiRef.equals(p.get("ApiId")) || !m.matches() || !c.integrationTarget.containsKey(m.group(1))) {
                throw new IllegalStateException("route " + id + " must target an integration of " + c.api + ": " + target);
            }
            String auth = text(p.getOrDefault("AuthorizationType", "NONE"));
            if (!auth.equals("NONE") && !auth.equals("AWS_IAM")) {
                throw new IllegalStateException("route " + id + ": the reader does not know authorization " + auth);
            }
            facts.add("route " + p.get("RouteKey") + " -> " + deployable(c, c.integrationTarget.get(m.group(1)))
                    + " auth=" + auth);
        }
        String stage = single("AWS::ApiGatewayV2::Stage");
        Map<String, Object> s = properties(stage);
        only(s, stage, "ApiId", "StageName", "AutoDeploy", "DefaultRouteSettings", "AccessLogSettings");
        if (!apiRef.equals(s.get("ApiId")) || !"$default".equals(s.get("StageName"))) {
            throw new IllegalStateException(stage + " must be the $default stage of " + c.api);
        }
        Map<String, Object> log = map(s.get("AccessLogSettings"), stage + ".AccessLogSettings");
        only(log, stage, "DestinationArn", "Format");
        String logGroup = token(log.get("DestinationArn"), "att", stage).replace(".Arn", "");
        if (!"AWS::Logs::LogGroup".equals(resources.get(logGroup).get("Type")) || log.get("Format") == null) {
            throw new IllegalStateException(stage + " must write access logs to a log group of this stack");
        }
        Map<String, Object> t = map(s.get("DefaultRouteSettings"), stage + ".DefaultRouteSettings");
        only(t, stage, "ThrottlingRateLimit", "ThrottlingBurstLimit");
        facts.add("api throttle rate=" + num(t.get("ThrottlingRateLimit")) + " burst=" + num(t.get("ThrottlingBurstLimit")));
    }

    /** Invoke permissions only for the API's integrations and the rules' targets. */
    private void permission(Context c, String id) {
        Map<String, Object> p = properties(id);
        only(p, id, "Action", "FunctionName", "Principal", "SourceArn");
        String fn = token(p.get("FunctionName"), "ref", id);
        deployable(c, fn);
        String source = text(p.get("SourceArn"));
        boolean ok = "lambda:InvokeFunction".equals(p.get("Action")) && switch (text(p.get("Principal"))) {
            case "apigateway.amazonaws.com" -> c.integrationTarget.containsValue(fn) && source.equals(
                    "arn:" + PARTITION + ":execute-api:" + REGION + ":" + ACCOUNT + ":«ref:" + c.api + "»/*");
            case "events.amazonaws.com" -> source.startsWith("«att:") && source.endsWith(".Arn»")
                    && fn.equals(c.ruleTarget.get(source.substring(5, source.length() - 5)));
            default -> false;
        };
        if (!ok) {
            throw new IllegalStateException("permission " + id + " is not the invoke permission of the API or a rule: " + p);
        }
    }

    private void keyPolicy(Context c, Set<String> facts) {
        Map<String, Object> k = properties(c.key);
        only(k, c.key, "Description", "KeySpec", "KeyUsage", "EnableKeyRotation", "KeyPolicy");
        if (!Boolean.TRUE.equals(k.get("EnableKeyRotation")) || !"SYMMETRIC_DEFAULT".equals(k.get("KeySpec"))) {
            throw new IllegalStateException(c.key + " must be a symmetric key with rotation enabled");
        }
        Map<String, String> deployableOfRole = new HashMap<>();
        c.roleOwner.forEach((role, fn) -> {
            if (c.deployableOf.containsKey(fn)) {
                deployableOfRole.put("«att:" + role + ".Arn»", c.deployableOf.get(fn));
            }
        });
        String accountRoot = "arn:" + PARTITION + ":iam::" + ACCOUNT + ":root";
        for (Object s : list(map(k.get("KeyPolicy"), c.key).get("Statement"), c.key)) {
            Map<String, Object> st = map(s, c.key + " statement");
            only(st, c.key + " statement", "Sid", "Effect", "Principal", "Action", "Resource", "Condition");
            if (st.get("Effect").equals("Allow") && Map.of("AWS", accountRoot).equals(st.get("Principal"))
                    && "kms:*".equals(st.get("Action")) && "*".equals(st.get("Resource")) && st.get("Condition") == null) {
                continue; // the account administers the key (and lets IAM policies grant its use)
            }
            boolean everyone = "*".equals(st.get("Principal")) || Map.of("AWS", "*").equals(st.get("Principal"));
            if (st.get("Effect").equals("Deny") && everyone && "kms:ReEncrypt*".equals(st.get("Action"))
                    && "*".equals(st.get("Resource")) && st.get("Condition") == null) {
                // meshfed never re-encrypts (key-custody.md): denied to every principal
                facts.add("key-policy deny kms:ReEncrypt* all");
                continue;
            }
            Map<String, Object> cond = st.get("Condition") == null ? Map.of() : map(st.get("Condition"), c.key);
            boolean denyRoot = st.get("Effect").equals("Deny") && ("*".equals(st.get("Principal"))
                    || Map.of("AWS", "*").equals(st.get("Principal"))) && "*".equals(st.get("Resource"))
                    && cond.keySet().equals(Set.of("StringEquals", "ArnNotEquals"))
                    && Map.of("kms:EncryptionContext:meshfed:purpose", "root").equals(cond.get("StringEquals"))
                    && map(cond.get("ArnNotEquals"), c.key).keySet().equals(Set.of("aws:PrincipalArn"));
            if (!denyRoot) {
                throw new IllegalStateException("the reader cannot interpret the key policy statement " + st);
            }
            Set<String> unless = new TreeSet<>();
            for (Object arn : strings(map(cond.get("ArnNotEquals"), c.key).get("aws:PrincipalArn"), c.key)) {
                unless.add(Objects.requireNonNull(deployableOfRole.get(text(arn)),
                        () -> "the key policy names " + arn + ", which is no deployable's role"));
            }
            for (Object action : strings(st.get("Action"), c.key)) {
                facts.add("key-policy deny " + action + " purpose=root unless " + String.join(",", unless));
            }
        }
    }

    private void alarm(Context c, String id, Set<String> facts) {
        Map<String, Object> p = properties(id);
        only(p, id, "AlarmName", "AlarmDescription", "Namespace", "MetricName", "Dimensions", "Statistic", "Period",
                "EvaluationPeriods", "ComparisonOperator", "Threshold", "TreatMissingData", "AlarmActions", "OKActions");
        String prefix = "meshfed-" + parameter("Datacenter") + "-";
        String name = text(p.get("AlarmName"));
        if (!name.startsWith(prefix)) {
            throw new IllegalStateException("alarm " + id + " is not named " + prefix + "<id>: " + name);
        }
        String topic = parameter("AlarmTopicArn");
        for (String actions : List.of("AlarmActions", "OKActions")) {
            Object a = p.get(actions);
            if (topic.isEmpty() ? a != null : !List.of(topic).equals(a)) {
                throw new IllegalStateException("alarm " + id + " " + actions + " must be the AlarmTopicArn: " + a);
            }
        }
        Map<String, String> dims = new TreeMap<>();
        for (Object d : list(p.getOrDefault("Dimensions", List.of()), id)) {
            Map<String, Object> dm = map(d, id);
            only(dm, id + ".Dimensions", "Name", "Value");
            String v = text(dm.get("Value"));
            if (v.equals(parameter("Datacenter"))) {
                v = "{dc}";
            } else if (v.equals("«att:" + c.queue + ".QueueName»")) {
                v = "{queue:stream-failures}";
            } else if (v.startsWith("«ref:") && c.deployableOf.containsKey(v.substring(5, v.length() - 1))) {
                v = "{function:" + c.deployableOf.get(v.substring(5, v.length() - 1)) + "}";
            } else if (v.contains("«")) {
                throw new IllegalStateException("alarm " + id + ": the reader cannot interpret the dimension " + v);
            }
            dims.put(text(dm.get("Name")), v);
        }
        facts.add("alarm " + name.substring(prefix.length()) + " " + p.get("Namespace") + "/" + p.get("MetricName")
                + " dims=" + dims.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","))
                + " stat=" + p.get("Statistic") + " period=" + num(p.get("Period")) + " evaluations="
                + num(p.get("EvaluationPeriods")) + " " + p.get("ComparisonOperator") + " " + num(p.get("Threshold"))
                + " missing=" + p.get("TreatMissingData"));
    }

    private static String deployable(Context c, String functionId) {
        String n = c.deployableOf.get(functionId);
        if (n == null) {
            throw new IllegalStateException(functionId + " is not a deployable function of the template");
        }
        return n;
    }

    // ---- small helpers

    /** The logical ID inside a {@code «kind:...»} token that must be the whole value. */
    private static String token(Object value, String kind, String where) {
        String s = text(value);
        String open = "«" + kind + ":";
        if (!s.startsWith(open) || !s.endsWith("»") || s.indexOf('«', 1) >= 0) {
            throw new IllegalStateException(where + ": expected a " + ("ref".equals(kind) ? "Ref" : "Fn::GetAtt")
                    + " of a resource, found " + value);
        }
        return s.substring(open.length(), s.length() - 1);
    }

    private static void only(Map<String, Object> m, String where, String... allowed) {
        Set<String> extra = new TreeSet<>(m.keySet());
        extra.removeAll(Set.of(allowed));
        if (!extra.isEmpty()) {
            throw new IllegalStateException(where + ": the reader does not know " + extra + "; teach SamTemplateFacts");
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String where) {
        if (!(o instanceof Map<?, ?>)) {
            throw new IllegalStateException(where + ": expected a mapping, found " + o);
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o, String where) {
        if (!(o instanceof List<?>)) {
            throw new IllegalStateException(where + ": expected a list, found " + o);
        }
        return (List<Object>) o;
    }

    /** A string or a list of strings (IAM's Action, Resource and condition values). */
    private static List<Object> strings(Object o, String where) {
        List<Object> l = o instanceof List<?> ? list(o, where) : List.of(Objects.requireNonNull(o, where));
        for (Object e : l) {
            if (!(e instanceof String)) {
                throw new IllegalStateException(where + ": expected strings, found " + e);
            }
        }
        return l;
    }

    private static String str(Object o, String where) {
        if (!(o instanceof String s)) {
            throw new IllegalStateException(where + ": expected a string, found " + o);
        }
        return s;
    }

    static String text(Object o) {
        if (o instanceof Number n) {
            return num(n);
        }
        if (o instanceof Map<?, ?> || o instanceof List<?> || o == null || o == NO_VALUE) {
            throw new IllegalStateException("expected a scalar, found " + o);
        }
        return o.toString();
    }

    /** A number as the facts write it: {@code 30000}, never {@code 30000.0}. */
    static String num(Object o) {
        if (o == null) {
            return "null";
        }
        return new BigDecimal(o.toString()).stripTrailingZeros().toPlainString();
    }
}
