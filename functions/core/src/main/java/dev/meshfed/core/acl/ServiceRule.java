package dev.meshfed.core.acl;

import java.util.Objects;
import java.util.Optional;

/**
 * One {@code service} or {@code service_prefix} rule: the access to the service itself
 * ({@code policy}) and, optionally, to intentions whose destination it is ({@code intentions}).
 *
 * <p>An absent {@code intentions} is not the same as any given value: when policies are merged a
 * given value beats an absent one ({@link Grants}), and only after the merge does an absent value
 * take its default, {@link #effectiveIntentions()}.
 */
public record ServiceRule(Access policy, Optional<Access> intentions) {

    public ServiceRule {
        Objects.requireNonNull(policy, "policy");
        intentions = intentions == null ? Optional.empty() : intentions;
    }

    /**
     * The access to intentions this rule grants: the explicit {@code intentions} value, else read
     * when {@code policy} is read or write and deny when it is deny, as Consul's
     * {@code policyAuthorizer.loadRules} ({@code acl/policy_authorizer.go}) fills it in.
     */
    Access effectiveIntentions() {
        return intentions.orElse(policy == Access.DENY ? Access.DENY : Access.READ);
    }
}
