package dev.meshfed.core.intentions;

import java.util.Objects;

/**
 * What a decision answers when no intention matches (intentions.md "Decisions", step 4), with
 * Consul's reason texts ({@code ConnectAuthorize} in Consul's {@code agent/agent_endpoint.go}):
 * a DC's {@code DefaultIntentionPolicy} when set ({@link #policy}), else the ACL default
 * ({@link #byAcls}): deny with ACLs on, allow with them off.
 */
public record IntentionDefault(boolean allow, String reason) {

    /** Consul's reason when the DC's {@code DefaultIntentionPolicy} decided. */
    public static final String POLICY_REASON = "Default intention policy";
    /** Consul's reason when the ACL default decided. */
    public static final String ACLS_REASON = "Default behavior configured by ACLs";

    public IntentionDefault {
        Objects.requireNonNull(reason, "reason");
    }

    /** The ACL default: deny when ACLs are enforced, allow when they are off (as Consul). */
    public static IntentionDefault byAcls(boolean aclsEnforced) {
        return new IntentionDefault(!aclsEnforced, ACLS_REASON);
    }

    /**
     * A DC's configured {@code DefaultIntentionPolicy} ({@code allow} or {@code deny}). meshfed has
     * no such setting yet; this is the hook for it.
     */
    public static IntentionDefault policy(String allowOrDeny) {
        return switch (allowOrDeny) {
            case IntentionRules.ALLOW -> new IntentionDefault(true, POLICY_REASON);
            case IntentionRules.DENY -> new IntentionDefault(false, POLICY_REASON);
            default -> throw new IllegalArgumentException("DefaultIntentionPolicy is allow or deny");
        };
    }
}
