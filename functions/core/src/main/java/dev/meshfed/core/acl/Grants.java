package dev.meshfed.core.acl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a resolved token may do: the merge of its policies and service identities, resolved the way
 * Consul resolves them, with default deny. Pure and immutable; built once per token resolution.
 *
 * <h2>Resolution (Consul's {@code acl/policy_merger.go} then {@code acl/policy_authorizer.go})</h2>
 * <ol>
 *   <li><b>Merge.</b> All policies (and the policies synthesised for service identities) are merged
 *       into one, rule by rule ({@code policyRulesMergeContext.merge}): for the same exact service
 *       name, or the same service prefix, the stronger {@code policy} wins, and separately the stronger
 *       {@code intentions}; {@code operator}, {@code acl} and {@code mesh} merge the same way. Stronger
 *       is Consul's {@code takesPrecedenceOver}: deny over everything, then write over read, and any
 *       given value over an absent one.</li>
 *   <li><b>Intentions default.</b> Only after the merge does a service rule without {@code intentions}
 *       take its default: read when the merged {@code policy} is read or write, deny when it is deny
 *       ({@code policyAuthorizer.loadRules}). So a policy with {@code service "web" { policy = "deny" }}
 *       merged with one giving {@code intentions = "write"} on "web" still grants intentions:write on
 *       "web", exactly as in Consul, because the two fields merge independently.</li>
 *   <li><b>Lookup.</b> For a service name, an exact rule wins over every prefix rule; otherwise the
 *       longest matching prefix wins, the empty prefix matching every name ({@code getPolicy}, a walk
 *       of a radix tree). Intentions on a destination use the same rule as the service of that name
 *       (Consul keeps a separate tree, filled from the same rules at the same keys).</li>
 *   <li><b>Enforce.</b> read is granted by read or write, write only by write, deny grants nothing
 *       ({@code enforce}). Where no rule applies, the answer is deny: meshfed's ACL default policy is
 *       deny, as Consul's {@code default_policy = "deny"}.</li>
 *   <li><b>Mesh.</b> Without a {@code mesh} rule, mesh permissions are the {@code operator} ones
 *       ({@code policyAuthorizer.MeshRead}/{@code MeshWrite} fall back to {@code OperatorRead}/
 *       {@code OperatorWrite}); a {@code mesh} rule, once given, decides alone.</li>
 * </ol>
 *
 * <h2>Service identities ({@code agent/structs/acl.go}, {@code ACLServiceIdentity.SyntheticPolicy})</h2>
 * A service identity {@code {ServiceName: "web"}} stands for Consul's synthesised policy (the template
 * {@code aclPolicyTemplateServiceIdentity} in {@code agent/structs/acl_ce.go})
 * <pre>
 * service "web"               { policy = "write" }
 * service "web-sidecar-proxy" { policy = "write" }
 * service_prefix ""           { policy = "read" }
 * node_prefix ""              { policy = "read" }
 * </pre>
 * (no {@code intentions} given, so intentions:read on everything after the default; the node rule
 * has no meshfed counterpart and is dropped). Its {@code Datacenters} scope it like a policy's: it
 * applies when the list is empty or names the local datacenter ({@code ACLResolver.filterPoliciesByScope}
 * in {@code agent/consul/acl.go}). Policies given to {@link #of} must already be filtered by their own
 * {@code Datacenters}.
 */
public final class Grants {

    private static final Grants MANAGEMENT = new Grants(true, Map.of(), Map.of(),
            Optional.empty(), Optional.empty(), Optional.empty());
    private static final Grants NONE = new Grants(false, Map.of(), Map.of(),
            Optional.empty(), Optional.empty(), Optional.empty());

    /** The suffix Consul appends to a service name for its sidecar proxy in a service identity. */
    private static final String SIDECAR_PROXY_SUFFIX = "-sidecar-proxy";

    private final boolean management;
    private final Map<String, ServiceRule> services;
    private final Map<String, ServiceRule> servicePrefixes;
    private final Optional<Access> operator;
    private final Optional<Access> acl;
    private final Optional<Access> mesh;

    private Grants(boolean management, Map<String, ServiceRule> services, Map<String, ServiceRule> servicePrefixes,
            Optional<Access> operator, Optional<Access> acl, Optional<Access> mesh) {
        this.management = management;
        this.services = services;
        this.servicePrefixes = servicePrefixes;
        this.operator = operator;
        this.acl = acl;
        this.mesh = mesh;
    }

    /**
     * A token with the {@code global-management} policy: every permission, write included.
     *
     * <p>Named {@code globalManagement} and not {@code management}: Java cannot have a static
     * {@code management()} beside the accessor {@link #management()}.
     */
    public static Grants globalManagement() {
        return MANAGEMENT;
    }

    /** No permission at all: default deny for everything (an unknown or rule-less token). */
    public static Grants none() {
        return NONE;
    }

    /**
     * The merge of {@code policies} (already filtered to those valid in this datacenter) and of the
     * policies synthesised for {@code identities} that apply in {@code localDc}.
     */
    public static Grants of(List<PolicyRules> policies, List<AclToken.ServiceIdentity> identities, String localDc) {
        Objects.requireNonNull(policies, "policies");
        Objects.requireNonNull(identities, "identities");
        Objects.requireNonNull(localDc, "localDc");
        List<PolicyRules> all = new ArrayList<>(policies.size() + identities.size());
        for (PolicyRules p : policies) {
            all.add(Objects.requireNonNull(p, "policy"));
        }
        for (AclToken.ServiceIdentity identity : identities) {
            Objects.requireNonNull(identity, "identity");
            if (identity.datacenters().isEmpty() || identity.datacenters().contains(localDc)) {
                all.add(synthesised(identity.serviceName()));
            }
        }
        Map<String, ServiceRule> services = new HashMap<>();
        Map<String, ServiceRule> prefixes = new HashMap<>();
        Optional<Access> operator = Optional.empty();
        Optional<Access> acl = Optional.empty();
        Optional<Access> mesh = Optional.empty();
        for (PolicyRules p : all) {
            p.services().forEach((name, rule) -> services.merge(name, rule, Grants::merge));
            p.servicePrefixes().forEach((prefix, rule) -> prefixes.merge(prefix, rule, Grants::merge));
            operator = Access.stronger(operator, p.operator());
            acl = Access.stronger(acl, p.acl());
            mesh = Access.stronger(mesh, p.mesh());
        }
        return new Grants(false, Map.copyOf(services), Map.copyOf(prefixes), operator, acl, mesh);
    }

    /** Consul's synthesised policy for a service identity, without its node rule (see the class comment). */
    private static PolicyRules synthesised(String service) {
        Objects.requireNonNull(service, "serviceName");
        ServiceRule write = new ServiceRule(Access.WRITE, Optional.empty());
        return new PolicyRules(
                Map.of(service, write, service + SIDECAR_PROXY_SUFFIX, write),
                Map.of("", new ServiceRule(Access.READ, Optional.empty())),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Two rules for the same name or prefix: policy and intentions each take the stronger value. */
    private static ServiceRule merge(ServiceRule a, ServiceRule b) {
        return new ServiceRule(Access.stronger(a.policy(), b.policy()), Access.stronger(a.intentions(), b.intentions()));
    }

    /** The rule for {@code name}: the exact rule, else the longest matching prefix, else none. */
    private Optional<ServiceRule> ruleFor(String name) {
        Objects.requireNonNull(name, "name");
        ServiceRule exact = services.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        if (servicePrefixes.isEmpty()) {
            return Optional.empty();
        }
        for (int end = name.length(); end >= 0; end--) {
            ServiceRule prefix = servicePrefixes.get(name.substring(0, end));
            if (prefix != null) {
                return Optional.of(prefix);
            }
        }
        return Optional.empty();
    }

    /** Whether this is a management token, for which every check below is true. */
    public boolean management() {
        return management;
    }

    /** {@code service:read} on {@code service}. */
    public boolean serviceRead(String service) {
        return management || ruleFor(service).map(r -> r.policy().grantsRead()).orElse(false);
    }

    /** {@code service:write} on {@code service}. */
    public boolean serviceWrite(String service) {
        return management || ruleFor(service).map(r -> r.policy().grantsWrite()).orElse(false);
    }

    /** {@code intentions:read} on intentions whose destination is {@code destination}. */
    public boolean intentionRead(String destination) {
        return management || ruleFor(destination).map(r -> r.effectiveIntentions().grantsRead()).orElse(false);
    }

    /** {@code intentions:write} on intentions whose destination is {@code destination}. */
    public boolean intentionWrite(String destination) {
        return management || ruleFor(destination).map(r -> r.effectiveIntentions().grantsWrite()).orElse(false);
    }

    /** {@code operator:read}. */
    public boolean operatorRead() {
        return management || operator.map(Access::grantsRead).orElse(false);
    }

    /** {@code operator:write}. */
    public boolean operatorWrite() {
        return management || operator.map(Access::grantsWrite).orElse(false);
    }

    /** {@code acl:read}. */
    public boolean aclRead() {
        return management || acl.map(Access::grantsRead).orElse(false);
    }

    /** {@code acl:write}. */
    public boolean aclWrite() {
        return management || acl.map(Access::grantsWrite).orElse(false);
    }

    /** {@code mesh:read}: the {@code mesh} rule, else {@link #operatorRead()}. */
    public boolean meshRead() {
        return management || mesh.map(Access::grantsRead).orElseGet(this::operatorRead);
    }

    /** {@code mesh:write}: the {@code mesh} rule, else {@link #operatorWrite()}. */
    public boolean meshWrite() {
        return management || mesh.map(Access::grantsWrite).orElseGet(this::operatorWrite);
    }

    @Override
    public String toString() {
        return management ? "Grants[management]"
                : "Grants[" + services.size() + " service rules, " + servicePrefixes.size() + " prefix rules]";
    }
}
