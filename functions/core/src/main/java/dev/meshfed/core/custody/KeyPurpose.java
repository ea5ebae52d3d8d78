package dev.meshfed.core.custody;

/** Why a key (or sealed data) exists; the root purpose is the one a KMS key policy restricts to {@code rotate-leaves}. */
public enum KeyPurpose {
    ROOT("root"), INTERMEDIATE("intermediate"), ENROLMENT("enrolment"), MANAGED_LEAF("managed-leaf"),
    /**
     * Not a key: a forwarded write's response as the primary remembers it for its idempotency key
     * ({@link KeyCustody#seal}); the context's key ID is the idempotency key.
     */
    FORWARDED_RESPONSE("forwarded-response");

    private final String wireName;

    KeyPurpose(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
