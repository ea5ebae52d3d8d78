package dev.meshfed.core.acl;

import java.time.Instant;
import java.util.List;

/**
 * Consul's built-in {@code global-management} policy, with Consul's fixed ID. It is not stored:
 * every DC knows it, it cannot be changed or deleted, and a token linked to it may do everything.
 */
public final class BuiltinPolicies {

    /** Consul's ID of {@code global-management}. */
    public static final String GLOBAL_MANAGEMENT_ID = "00000000-0000-0000-0000-000000000001";
    public static final String GLOBAL_MANAGEMENT_NAME = "global-management";
    public static final String GLOBAL_MANAGEMENT_DESCRIPTION = "Builtin Policy that grants unlimited access";
    /** Its rules in the JSON rule form meshfed accepts (Consul shows its HCL equivalent). */
    public static final String GLOBAL_MANAGEMENT_RULES = "{\"service_prefix\":{\"\":{\"policy\":\"write\","
            + "\"intentions\":\"write\"}},\"operator\":\"write\",\"acl\":\"write\",\"mesh\":\"write\"}";

    /** The policy as the API shows it; its indexes are 0: it exists before any write. */
    public static final AclPolicy GLOBAL_MANAGEMENT = new AclPolicy(GLOBAL_MANAGEMENT_ID, GLOBAL_MANAGEMENT_NAME,
            GLOBAL_MANAGEMENT_DESCRIPTION, GLOBAL_MANAGEMENT_RULES, List.of(), Instant.EPOCH, Instant.EPOCH, 0, 0);

    private BuiltinPolicies() {
    }

    public static boolean isBuiltin(String policyId) {
        return GLOBAL_MANAGEMENT_ID.equals(policyId);
    }
}
