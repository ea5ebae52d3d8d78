package dev.meshfed.custody;

import java.util.Objects;

/**
 * A KMS call that did not succeed, reduced to what meshfed acts on. {@link KmsKeyCustody} turns it
 * into {@link dev.meshfed.core.custody.KeyUnwrapFailed} (refusals) or {@link
 * dev.meshfed.core.custody.CustodyUnavailable} (transient). The message is the reason's text plus
 * the KMS error code, never KMS's own message (it can name principals and ARNs) and never bytes.
 */
public final class KmsCallFailed extends RuntimeException {

    /** Why the call failed. */
    public enum Reason {
        /** IAM or the key policy does not allow the call (for example the root key outside rotate-leaves). */
        ACCESS_DENIED("access denied", false),
        /** The ciphertext was altered, or the encryption context differs from the one it was made with. */
        INVALID_CIPHERTEXT("invalid ciphertext or encryption context", false),
        /** The ciphertext was made under another KMS key than the one named. */
        INCORRECT_KEY("encrypted under another KMS key", false),
        /** The KMS key is disabled, pending deletion, not found or not for encryption. */
        KEY_UNUSABLE("the KMS key is disabled, pending deletion, missing or not an encryption key", false),
        /** Any other refusal (4xx). */
        REFUSED("refused", false),
        /** KMS asked the caller to slow down. */
        THROTTLED("throttled", true),
        /** KMS failed on its side (5xx, dependency timeout) or could not be reached. */
        UNAVAILABLE("unavailable", true);

        private final String text;
        private final boolean transientFailure;

        Reason(String text, boolean transientFailure) {
            this.text = text;
            this.transientFailure = transientFailure;
        }

        public String text() {
            return text;
        }

        /** True when the same call may succeed later. */
        public boolean isTransient() {
            return transientFailure;
        }
    }

    private final Reason reason;

    /**
     * @param detail a short token such as the KMS error code or an exception class name, or null;
     *     never a vendor message
     */
    public KmsCallFailed(Reason reason, String detail) {
        super(Objects.requireNonNull(reason, "reason").text() + (detail == null ? "" : " (" + detail + ")"),
                null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
