package dev.meshfed.core.acl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One policy's rules, decoded from Consul's rule form: the parts of Consul's {@code acl.PolicyRules}
 * meshfed has a use for. {@code services} holds the {@code service "<name>"} rules by exact name,
 * {@code servicePrefixes} the {@code service_prefix "<prefix>"} rules by prefix (the empty prefix
 * matches every name); {@code operator}, {@code acl} and {@code mesh} are absent when the policy does
 * not mention them. Rules for resources meshfed does not have (keys, nodes, sessions, ...) are not
 * kept. The maps keep their insertion order and cannot be changed.
 */
public record PolicyRules(Map<String, ServiceRule> services, Map<String, ServiceRule> servicePrefixes,
        Optional<Access> operator, Optional<Access> acl, Optional<Access> mesh) {

    /** A policy without rules (Consul's empty {@code Rules}): it grants nothing. */
    public static final PolicyRules EMPTY =
            new PolicyRules(Map.of(), Map.of(), Optional.empty(), Optional.empty(), Optional.empty());

    public PolicyRules {
        services = copy(services);
        servicePrefixes = copy(servicePrefixes);
        operator = operator == null ? Optional.empty() : operator;
        acl = acl == null ? Optional.empty() : acl;
        mesh = mesh == null ? Optional.empty() : mesh;
    }

    private static Map<String, ServiceRule> copy(Map<String, ServiceRule> rules) {
        if (rules == null || rules.isEmpty()) {
            return Map.of();
        }
        Map<String, ServiceRule> out = new LinkedHashMap<>();
        rules.forEach((name, rule) -> out.put(
                Objects.requireNonNull(name, "service name"),
                Objects.requireNonNull(rule, "service rule")));
        return Collections.unmodifiableMap(out);
    }
}
