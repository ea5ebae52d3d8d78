package dev.meshfed.app.acl;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.meshfed.core.acl.Access;
import dev.meshfed.core.acl.PolicyRules;
import dev.meshfed.core.acl.ServiceRule;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.UntrustedText;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Decodes a policy's {@code Rules} given in Consul's JSON rule form: the JSON that Consul's HCL (v1)
 * parser accepts in place of HCL ({@code decodeRules} in Consul's {@code acl/policy_ce.go}).
 *
 * <pre>
 * {"service":        {"web": {"policy": "write", "intentions": "read"}},
 *  "service_prefix": {"":    {"policy": "read"}},
 *  "operator": "read", "acl": "write", "mesh": "write"}
 * </pre>
 *
 * <p>Accepted:
 * <ul>
 *   <li>the two array forms HCL's JSON decoding also accepts for blocks:
 *       {@code "service": [{"web": {...}}, {"db": {...}}]} and {@code "service": {"web": [{...}]}};</li>
 *   <li>keys ({@code service}, {@code policy}, ...) in any case, as HCL matches them
 *       ({@code ObjectList.Filter} uses {@code strings.EqualFold}); service names are exact;</li>
 *   <li>an empty {@code intentions}, {@code operator}, {@code acl} or {@code mesh} as absent, as
 *       Consul's {@code PolicyRules.Validate} allows them to be empty;</li>
 *   <li>rules for Consul resources meshfed does not have, which are accepted and ignored without being
 *       looked at: {@code agent}, {@code agent_prefix}, {@code node}, {@code node_prefix}, {@code key},
 *       {@code key_prefix}, {@code keyring}, {@code event}, {@code event_prefix}, {@code query},
 *       {@code query_prefix}, {@code session}, {@code session_prefix}, {@code peering},
 *       {@code identity}, {@code identity_prefix}, and Enterprise's {@code partition},
 *       {@code partition_prefix}, {@code namespace}, {@code namespace_prefix}; a policy written for a
 *       Consul cluster thus loads unchanged and grants, in meshfed, only its service, operator, acl
 *       and mesh parts;</li>
 *   <li>unknown keys, at the top and inside a service rule, which are ignored (api.md: unknown JSON
 *       fields are ignored).</li>
 * </ul>
 *
 * <p>Refused with an {@link InvalidInput} (a 400), with a lower-case message that names the rule and
 * quotes at most {@value #MAX_QUOTED} characters of the caller's text:
 * <ul>
 *   <li>HCL rules (anything not starting with {@code {}): meshfed has no HCL parser, and the message
 *       says the JSON rule form is required;</li>
 *   <li>malformed JSON, data after the JSON value, a key twice in one object, nesting deeper than
 *       {@value #MAX_DEPTH} levels, rules longer than {@value #MAX_RULES_CHARS} characters;</li>
 *   <li>a wrong JSON type for a key meshfed uses ({@code "operator": 1}, {@code "service": "web"});</li>
 *   <li>a service rule without {@code policy}, or with a {@code policy} or {@code intentions} other than
 *       {@code deny}, {@code read}, {@code write} (Consul refuses {@code list} for services and for
 *       {@code operator}, {@code acl} and {@code mesh} too);</li>
 *   <li><b>meshfed:</b> the same service name or prefix twice in one policy (Consul merges them);</li>
 *   <li><b>meshfed:</b> access levels in another case ({@code "Write"}), see {@link Access};</li>
 *   <li><b>meshfed:</b> more than {@value #MAX_SERVICE_RULES} service and service-prefix rules.</li>
 * </ul>
 * No other exception escapes: hostile input (deep nesting, huge texts, thousands of rules) ends in a
 * result or an {@code InvalidInput}.
 */
public final class PolicyRulesJson {

    /** The most {@code service} plus {@code service_prefix} rules one policy may hold. */
    public static final int MAX_SERVICE_RULES = 1_000;

    /** The longest {@code Rules} text decoded, in characters (the request body limit is 64 KiB anyway). */
    public static final int MAX_RULES_CHARS = 64 * 1024;

    /** The deepest nesting of JSON objects and arrays accepted in {@code Rules}; the rule form needs 5. */
    public static final int MAX_DEPTH = 16;

    /** The longest piece of the caller's text quoted back in an error message. */
    static final int MAX_QUOTED = 64;

    /**
     * The Consul resources meshfed has no counterpart for, whose rules are accepted and ignored (the
     * decoder ignores every key it does not use; this list documents the known ones and is tested).
     */
    static final List<String> IGNORED_CONSUL_RESOURCES = List.of(
            "agent", "agent_prefix", "node", "node_prefix", "key", "key_prefix", "keyring", "event", "event_prefix",
            "query", "query_prefix", "session", "session_prefix", "peering", "identity", "identity_prefix",
            "partition", "partition_prefix", "namespace", "namespace_prefix");

    private static final String PREFIX = "invalid Rules: ";

    /** The message for rules in HCL. */
    static final String HCL_NOT_SUPPORTED = PREFIX + "HCL rules are not supported; "
            + "send Rules in Consul's JSON rule form, such as {\"service\":{\"web\":{\"policy\":\"write\"}}}";

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxStringLength(MAX_RULES_CHARS)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .build();

    private PolicyRulesJson() {
    }

    /**
     * The rules in {@code rules}; {@link PolicyRules#EMPTY} for null, empty or blank text.
     *
     * @throws InvalidInput for HCL, malformed JSON or invalid rules (see the class comment)
     */
    public static PolicyRules decode(String rules) {
        if (rules == null || rules.isBlank()) {
            return PolicyRules.EMPTY;
        }
        if (rules.length() > MAX_RULES_CHARS) {
            throw new InvalidInput(PREFIX + "longer than " + MAX_RULES_CHARS + " characters");
        }
        char first = rules.strip().charAt(0);
        if (first != '{' && first != '[') {
            // Every JSON rule form is an object; what starts with a letter, '#' or '/' is HCL.
            throw new InvalidInput(HCL_NOT_SUPPORTED);
        }
        JsonNode root = parse(rules);
        if (!root.isObject()) {
            throw new InvalidInput(PREFIX + "expected a JSON object");
        }
        Builder out = new Builder();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey().toLowerCase(Locale.ROOT);
            JsonNode value = field.getValue();
            switch (key) {
                case "service" -> blocks("service", value, out.services, out);
                case "service_prefix" -> blocks("service_prefix", value, out.prefixes, out);
                case "operator" -> out.operator = scalar("operator", value, out.operator);
                case "acl" -> out.acl = scalar("acl", value, out.acl);
                case "mesh" -> out.mesh = scalar("mesh", value, out.mesh);
                default -> {
                    // Another Consul resource (see the class comment) or an unknown key: ignored.
                }
            }
        }
        return new PolicyRules(out.services, out.prefixes, out.operator, out.acl, out.mesh);
    }

    private static final class Builder {
        final Map<String, ServiceRule> services = new LinkedHashMap<>();
        final Map<String, ServiceRule> prefixes = new LinkedHashMap<>();
        Optional<Access> operator;
        Optional<Access> acl;
        Optional<Access> mesh;

        int count() {
            return services.size() + prefixes.size();
        }
    }

    /**
     * The blocks of one kind: {@code {"web": RULE, ...}} or {@code [{"web": RULE, ...}, ...]}, each
     * RULE an object or an array of objects.
     */
    private static void blocks(String kind, JsonNode value, Map<String, ServiceRule> into, Builder out) {
        if (value.isObject()) {
            named(kind, value, into, out);
        } else if (value.isArray()) {
            for (JsonNode element : value) {
                if (!element.isObject()) {
                    throw new InvalidInput(PREFIX + kind + ": expected an object of rules by name, or an array of them");
                }
                named(kind, element, into, out);
            }
        } else {
            throw new InvalidInput(PREFIX + kind + ": expected an object of rules by name, or an array of them");
        }
    }

    private static void named(String kind, JsonNode object, Map<String, ServiceRule> into, Builder out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            JsonNode body = entry.getValue();
            if (body.isObject()) {
                add(kind, name, rule(kind, name, body), into, out);
            } else if (body.isArray()) {
                for (JsonNode element : body) {
                    if (!element.isObject()) {
                        throw new InvalidInput(PREFIX + kind + " " + quote(name) + ": expected an object");
                    }
                    add(kind, name, rule(kind, name, element), into, out);
                }
            } else {
                throw new InvalidInput(PREFIX + kind + " " + quote(name) + ": expected an object");
            }
        }
    }

    private static void add(String kind, String name, ServiceRule rule, Map<String, ServiceRule> into, Builder out) {
        if (into.putIfAbsent(name, rule) != null) {
            throw new InvalidInput(PREFIX + kind + " " + quote(name) + " given twice");
        }
        if (out.count() > MAX_SERVICE_RULES) {
            throw new InvalidInput(PREFIX + "more than " + MAX_SERVICE_RULES + " service and service_prefix rules");
        }
    }

    /** {@code {"policy": "...", "intentions": "..."}}; other fields are ignored. */
    private static ServiceRule rule(String kind, String name, JsonNode body) {
        String where = kind + " " + quote(name);
        JsonNode policy = null;
        JsonNode intentions = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            switch (field.getKey().toLowerCase(Locale.ROOT)) {
                case "policy" -> {
                    if (policy != null) {
                        throw new InvalidInput(PREFIX + where + ": policy given twice");
                    }
                    policy = field.getValue();
                }
                case "intentions" -> {
                    if (intentions != null) {
                        throw new InvalidInput(PREFIX + where + ": intentions given twice");
                    }
                    intentions = field.getValue();
                }
                default -> {
                    // unknown field: ignored
                }
            }
        }
        if (policy == null) {
            throw new InvalidInput(PREFIX + where + ": policy missing");
        }
        Access access = access(where + ": policy", policy)
                .orElseThrow(() -> new InvalidInput(PREFIX + where + ": policy empty"));
        Optional<Access> intention = intentions == null ? Optional.empty() : access(where + ": intentions", intentions);
        return new ServiceRule(access, intention);
    }

    /** {@code operator}, {@code acl} or {@code mesh}: a string; empty means absent. */
    private static Optional<Access> scalar(String key, JsonNode value, Optional<Access> before) {
        if (before != null) {
            // "operator" and "Operator": one key twice, as HCL sees it
            throw new InvalidInput(PREFIX + key + " given twice");
        }
        return access(key, value);
    }

    /** A level in text: empty text is absent; anything but deny, read or write is refused. */
    private static Optional<Access> access(String where, JsonNode value) {
        if (!value.isTextual()) {
            throw new InvalidInput(PREFIX + where + ": expected a string");
        }
        String text = value.textValue();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Access.parse(text));
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(PREFIX + where + ": " + quote(text) + " is not deny, read or write");
        }
    }

    private static JsonNode parse(String rules) {
        try (JsonParser parser = MAPPER.createParser(rules)) {
            JsonNode root = MAPPER.readTree(parser);
            if (root == null) {
                throw new InvalidInput(PREFIX + "expected a JSON object");
            }
            JsonLocation after = parser.currentLocation();
            boolean trailing;
            try {
                trailing = parser.nextToken() != null;
            } catch (IOException e) {
                trailing = true;
            }
            if (trailing) {
                throw new InvalidInput(PREFIX + "unexpected data after the JSON value at " + where(after));
            }
            return root;
        } catch (StreamConstraintsException e) {
            String message = String.valueOf(e.getOriginalMessage());
            return fail(message.toLowerCase(Locale.ROOT).contains("nesting depth")
                    ? PREFIX + "nested deeper than " + MAX_DEPTH + " levels"
                    : PREFIX + "a value exceeds a size limit");
        } catch (JsonProcessingException e) {
            String message = String.valueOf(e.getOriginalMessage());
            if (message.startsWith("Duplicate field '")) {
                int end = message.indexOf('\'', "Duplicate field '".length());
                String name = end < 0 ? "" : message.substring("Duplicate field '".length(), end);
                return fail(PREFIX + "duplicate field " + quote(name));
            }
            return fail(PREFIX + "not valid JSON (syntax error at " + where(e.getLocation()) + ")");
        } catch (IOException e) {
            return fail(PREFIX + "unreadable");
        }
    }

    private static JsonNode fail(String message) {
        throw new InvalidInput(message);
    }

    private static String where(JsonLocation location) {
        if (location == null) {
            return "an unknown position";
        }
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** The caller's text in quotes: at most {@value #MAX_QUOTED} characters, control characters as {@code ?}. */
    static String quote(String text) {
        boolean cut = text.length() > MAX_QUOTED;
        return "\"" + UntrustedText.bounded(cut ? text.substring(0, MAX_QUOTED) : text) + "\"" + (cut ? "..." : "");
    }
}
