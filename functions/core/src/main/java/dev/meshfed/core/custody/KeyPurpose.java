package dev.meshfed.core.custody;

/** Why a key exists; the root purpose is the one a KMS key policy restricts to {@code rotate-leaves}. */
public enum KeyPurpose {
    ROOT("root"), INTERMEDIATE("intermediate"), ENROLMENT("enrolment"), MANAGED_LEAF("managed-leaf");

    private final String wireName;

    KeyPurpose(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
